//! A set of strings numbered in insertion order, found by hashing: the compiler's one
//! string-keyed table (the module's qstr table, `const()` names, where long identifiers
//! first appear). Callers keep any per-string data in a `Vec` indexed by the string's number.
//! Also the lookup in constant name lists packed into one string ([`packed_index`]).
//!
//! One small non-generic table costs far less code than a `BTreeMap<String, _>` (whose
//! insertion and node handling alone took about 1.7 KB on thumbv7m), and open addressing
//! keeps every operation constant time on average, so no input makes it quadratic.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

#[derive(Clone, Debug, Default)]
pub struct StrMap {
    /// The strings, numbered by position.
    pub keys: Vec<String>,
    /// Open-addressing hash table: a string's number plus one, 0 for a free slot. Its
    /// length is a power of two, at least twice the number of strings (or zero).
    slots: Vec<u32>,
}

/// FNV-1a: short, and good enough for identifiers.
fn hash(s: &[u8]) -> usize {
    s.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    }) as usize
}

impl StrMap {
    /// The slot holding `s` (with its number) or the free slot where it would go.
    fn probe(&self, s: &str) -> (usize, Option<usize>) {
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = hash(s.as_bytes());
        loop {
            i &= mask;
            match self.slots.get(i) {
                Some(&n) if n != 0 => {
                    let k = n as usize - 1;
                    if self.keys.get(k).is_some_and(|x| x == s) {
                        return (i, Some(k));
                    }
                }
                _ => return (i, None),
            }
            i += 1;
        }
    }

    /// The number of `s`, if present.
    pub fn find(&self, s: &str) -> Option<usize> {
        if self.keys.is_empty() {
            // The usual case for `const()` names: no hashing for each name read.
            return None;
        }
        self.probe(s).1
    }

    /// The number of `s`, adding it first if absent; `true` when it was added.
    pub fn add(&mut self, s: &str) -> (usize, bool) {
        if let Some(k) = self.find(s) {
            return (k, false);
        }
        let k = self.keys.len();
        self.keys.push(String::from(s));
        if self.slots.len() < 2 * self.keys.len() {
            self.slots = vec![0; (4 * self.keys.len()).next_power_of_two()];
            for j in 0..k {
                self.place(j);
            }
        }
        self.place(k);
        (k, true)
    }

    /// Enters string `k`, which is not in the table yet.
    fn place(&mut self, k: usize) {
        let Some(s) = self.keys.get(k) else { return };
        let (slot, _) = self.probe(s);
        if let Some(x) = self.slots.get_mut(slot) {
            *x = k as u32 + 1;
        }
    }
}

/// Position of `word` in `table`, a run of strings each preceded by its length byte (a
/// constant list of names costs half the flash of a `[&str]`: no pointer and length words).
pub fn packed_index(table: &[u8], word: &[u8]) -> Option<usize> {
    let mut rest = table;
    let mut i = 0;
    while let Some((&n, tail)) = rest.split_first() {
        let n = usize::from(n);
        if tail.get(..n)? == word {
            return Some(i);
        }
        rest = tail.get(n..)?;
        i += 1;
    }
    None
}

/// Entry `n` of a packed list (see [`packed_index`]).
pub fn packed_nth(table: &[u8], n: usize) -> Option<&[u8]> {
    let mut rest = table;
    for _ in 0..n {
        let (&len, tail) = rest.split_first()?;
        rest = tail.get(usize::from(len)..)?;
    }
    let (&len, tail) = rest.split_first()?;
    tail.get(..usize::from(len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn numbers_in_insertion_order() {
        let mut m = StrMap::default();
        assert_eq!(m.find("a"), None);
        assert_eq!(m.add("a"), (0, true));
        assert_eq!(m.add("b"), (1, true));
        assert_eq!(m.add("a"), (0, false));
        assert_eq!(m.find("b"), Some(1));
        assert_eq!(m.find(""), None);
        assert_eq!(m.add(""), (2, true));
        assert_eq!(m.find(""), Some(2));
        assert_eq!(m.keys, ["a", "b", ""]);
    }

    #[test]
    fn packed_lists() {
        let t = b"\x02ab\x00\x03cde";
        assert_eq!(packed_index(t, b"ab"), Some(0));
        assert_eq!(packed_index(t, b""), Some(1));
        assert_eq!(packed_index(t, b"cde"), Some(2));
        assert_eq!(packed_index(t, b"cd"), None);
        assert_eq!(packed_index(b"\x05ab", b"ab"), None);
        assert_eq!(packed_nth(t, 0), Some(&b"ab"[..]));
        assert_eq!(packed_nth(t, 1), Some(&b""[..]));
        assert_eq!(packed_nth(t, 2), Some(&b"cde"[..]));
        assert_eq!(packed_nth(t, 3), None);
        assert_eq!(packed_nth(t, usize::MAX), None);
        assert_eq!(packed_nth(b"\x05ab", 0), None);
    }

    #[test]
    fn survives_growth() {
        let mut m = StrMap::default();
        for i in 0..1000 {
            assert_eq!(m.add(&format!("name{i}")), (i, true));
        }
        for i in 0..1000 {
            assert_eq!(m.find(&format!("name{i}")), Some(i));
        }
        assert_eq!(m.find("name1000"), None);
        assert_eq!(m.keys.len(), 1000);
    }
}
