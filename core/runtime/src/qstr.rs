//! Interned strings (qstrs). Built-in names are a static table generated at build time from
//! every `Q::name` in the sources (see build.rs); names made at run time (identifiers in
//! compiled code, `sys.intern`-like uses, dict keys from attribute names) go into a dynamic
//! pool in the GC heap, rooted by the interpreter state and never freed before soft reset.
//!
//! A qstr compares equal to a heap `str` with the same text; hashes agree (`compute_hash`).

use crate::gc::Heap;
use core::ptr;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Qstr(pub u32);

include!(concat!(env!("OUT_DIR"), "/qstr_generated.rs"));

/// MicroPython's string hash (djb2 with xor), masked to 16 bits and never 0. A `const fn`
/// so frozen code (see `frozen.rs`) can carry precomputed hashes in static objects.
pub const fn compute_hash(bytes: &[u8]) -> u32 {
    let mut h: u32 = 5381;
    let mut i = 0;
    while i < bytes.len() {
        h = h.wrapping_mul(33) ^ bytes[i] as u32;
        i += 1;
    }
    let h = h & 0xffff;
    if h == 0 {
        1
    } else {
        h
    }
}

/// Header of a dynamic qstr's allocation; the UTF-8 bytes follow.
#[repr(C)]
struct Entry {
    hash: u32,
    len: u32,
}

/// The dynamic pool. All pointers are into the GC heap and are marked via `mark`.
pub struct Pool {
    entries: *mut *mut Entry,
    len: usize,
    cap: usize,
    /// Open-addressing index: qstr id + 1, 0 = empty. `index_cap` is a power of two.
    index: *mut u32,
    index_cap: usize,
    pub data_bytes: usize,
}

impl Pool {
    pub const fn new() -> Pool {
        Pool {
            entries: ptr::null_mut(),
            len: 0,
            cap: 0,
            index: ptr::null_mut(),
            index_cap: 0,
            data_bytes: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Root words for the collector.
    pub fn root_words(&self) -> [usize; 2] {
        [self.entries as usize, self.index as usize]
    }

    /// The `i`th interned string, oldest first (`micropython.qstr_info(1)`).
    pub fn nth(&self, i: usize) -> Option<&'static str> {
        self.entry(i)
    }

    fn entry(&self, i: usize) -> Option<&'static str> {
        if i >= self.len {
            return None;
        }
        // SAFETY: entries[0..len] are valid Entry allocations holding UTF-8 text.
        unsafe {
            let e = *self.entries.add(i);
            let bytes = core::slice::from_raw_parts((e as *const u8).add(8), (*e).len as usize);
            Some(core::str::from_utf8_unchecked(bytes))
        }
    }

    fn entry_hash(&self, i: usize) -> u32 {
        // SAFETY: i < len.
        unsafe { (**self.entries.add(i)).hash }
    }

    fn find(&self, s: &str, hash: u32) -> Option<usize> {
        if self.index_cap == 0 {
            return None;
        }
        let mask = self.index_cap - 1;
        let mut slot = hash as usize & mask;
        loop {
            // SAFETY: slot < index_cap.
            let v = unsafe { *self.index.add(slot) };
            if v == 0 {
                return None;
            }
            let i = (v - 1) as usize;
            if self.entry_hash(i) == hash && self.entry(i) == Some(s) {
                return Some(i);
            }
            slot = (slot + 1) & mask;
        }
    }

    fn insert_index(&mut self, i: usize, hash: u32) {
        let mask = self.index_cap - 1;
        let mut slot = hash as usize & mask;
        // SAFETY: the index is kept at most half full, so a free slot exists.
        unsafe {
            while *self.index.add(slot) != 0 {
                slot = (slot + 1) & mask;
            }
            *self.index.add(slot) = i as u32 + 1;
        }
    }

    fn add(&mut self, heap: &mut Heap, s: &str, hash: u32) -> Option<usize> {
        if self.len == self.cap {
            let new_cap = (self.cap * 2).max(32);
            let p = heap.realloc(
                self.entries as *mut u8,
                new_cap * core::mem::size_of::<usize>(),
            )?;
            self.entries = p as *mut *mut Entry;
            self.cap = new_cap;
        }
        if (self.len + 1) * 2 > self.index_cap {
            let new_cap = (self.index_cap * 2).max(64);
            let p = heap.alloc(new_cap * 4, false)? as *mut u32;
            let old = self.index;
            self.index = p;
            self.index_cap = new_cap;
            for i in 0..self.len {
                let h = self.entry_hash(i);
                self.insert_index(i, h);
            }
            heap.free(old as *mut u8);
        }
        let e = heap.alloc(8 + s.len() + 1, false)? as *mut Entry;
        // SAFETY: the allocation holds the header plus the text and a NUL.
        unsafe {
            (*e).hash = hash;
            (*e).len = s.len() as u32;
            ptr::copy_nonoverlapping(s.as_ptr(), (e as *mut u8).add(8), s.len());
            *self.entries.add(self.len) = e;
        }
        let i = self.len;
        self.len += 1;
        self.data_bytes += s.len() + 1;
        self.insert_index(i, hash);
        Some(i)
    }
}

impl Default for Pool {
    fn default() -> Self {
        Pool::new()
    }
}

/// Where the text of static qstr `i` ends in [`STATIC_TEXT`] (`i < STATIC_COUNT`).
const fn static_end(i: usize) -> usize {
    STATIC_END_BASES[i >> STATIC_ENDS_SHIFT] as usize + STATIC_END_OFFSETS[i] as usize
}

/// The text of static qstr `i` (`""` when out of range), a slice of [`STATIC_TEXT`].
const fn static_str(i: usize) -> &'static str {
    if i == 0 || i >= STATIC_COUNT {
        return "";
    }
    let (start, end) = (static_end(i - 1), static_end(i));
    let text = STATIC_TEXT.as_bytes();
    if start > end || end > text.len() {
        return "";
    }
    let (head, _) = text.split_at(end);
    let (_, bytes) = head.split_at(start);
    // SAFETY: the generator puts whole strings back to back, so every end offset falls on
    // a character boundary.
    unsafe { core::str::from_utf8_unchecked(bytes) }
}

/// Hash of static qstr `i`.
const fn static_hash(i: usize) -> u16 {
    if i < STATIC_COUNT {
        STATIC_HASHES[i]
    } else {
        0
    }
}

/// [`find_static`] as a `const fn`: frozen code resolves its names to built-in ids at
/// compile time, so a name has one id whether it comes from Rust or from frozen code.
pub const fn find_static_const(s: &str) -> Option<Qstr> {
    let h = compute_hash(s.as_bytes()) as u16;
    // The names after the fixed list are numbered in hash order.
    let (mut lo, mut hi) = (MPY_STATIC_COUNT, STATIC_COUNT);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if STATIC_HASHES[mid] < h {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    while lo < STATIC_COUNT && STATIC_HASHES[lo] == h {
        if str_eq(static_str(lo), s) {
            return Some(Qstr(lo as u32));
        }
        lo += 1;
    }
    let (mut lo, mut hi) = (0, MPY_STATIC_BY_HASH.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if static_hash(MPY_STATIC_BY_HASH[mid] as usize) < h {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    while lo < MPY_STATIC_BY_HASH.len() {
        let i = MPY_STATIC_BY_HASH[lo] as usize;
        if static_hash(i) != h {
            break;
        }
        if str_eq(static_str(i), s) {
            return Some(Qstr(i as u32));
        }
        lo += 1;
    }
    None
}

/// [`find_static_const`] for run time, given the hash of `s`: `partition_point` and slice
/// comparisons compile to tighter code than the const loops.
fn find_static(s: &str, h: u32) -> Option<Qstr> {
    let h = h as u16;
    let sorted = STATIC_HASHES.get(MPY_STATIC_COUNT..)?;
    let start = sorted.partition_point(|&x| x < h);
    let found = sorted
        .get(start..)?
        .iter()
        .take_while(|&&x| x == h)
        .enumerate()
        .map(|(k, _)| MPY_STATIC_COUNT + start + k)
        .find(|&i| static_str(i) == s);
    if found.is_some() {
        return found.map(|i| Qstr(i as u32));
    }
    let start = MPY_STATIC_BY_HASH.partition_point(|&i| static_hash(i as usize) < h);
    MPY_STATIC_BY_HASH
        .get(start..)?
        .iter()
        .map(|&i| i as usize)
        .take_while(|&i| static_hash(i) == h)
        .find(|&i| static_str(i) == s)
        .map(|i| Qstr(i as u32))
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl Qstr {
    /// Look `s` up without interning it.
    pub fn find(s: &str) -> Option<Qstr> {
        find_with_hash(s, compute_hash(s.as_bytes()))
    }

    /// Intern `s`; `None` only when the heap is exhausted.
    pub fn intern(s: &str) -> Option<Qstr> {
        let hash = compute_hash(s.as_bytes());
        if let Some(q) = find_with_hash(s, hash) {
            return Some(q);
        }
        let st = crate::state::get();
        let i = st.qstrs.add(&mut st.heap, s, hash)?;
        Some(Qstr((STATIC_COUNT + i) as u32))
    }

    pub fn as_str(self) -> &'static str {
        let i = self.0 as usize;
        if i < STATIC_COUNT {
            static_str(i)
        } else if self.0 >= crate::frozen::QSTR_BASE {
            crate::frozen::qstr_str(self.0 - crate::frozen::QSTR_BASE)
        } else {
            crate::state::get()
                .qstrs
                .entry(i - STATIC_COUNT)
                .unwrap_or("")
        }
    }

    pub fn hash(self) -> u32 {
        let i = self.0 as usize;
        if i < STATIC_COUNT {
            STATIC_HASHES.get(i).copied().unwrap_or(1) as u32
        } else if self.0 >= crate::frozen::QSTR_BASE {
            crate::frozen::qstr_hash(self.0 - crate::frozen::QSTR_BASE)
        } else {
            let pool = &crate::state::get().qstrs;
            if i - STATIC_COUNT < pool.len {
                pool.entry_hash(i - STATIC_COUNT)
            } else {
                1
            }
        }
    }

    /// The static qstr with .mpy number `n`, if `n` is one of MicroPython's fixed ids.
    pub fn from_mpy_static(n: usize) -> Option<Qstr> {
        if (1..MPY_STATIC_COUNT).contains(&n) {
            Some(Qstr(n as u32))
        } else {
            None
        }
    }
}

/// The qstr spelled `s` (hash `hash`), if any. The three pools hold disjoint names (a name is
/// added to the dynamic one only when the others lack it), so the dynamic pool, one hash
/// probe, goes first: names interned again and again (single characters, identifiers of
/// loaded code) then skip the two binary searches.
fn find_with_hash(s: &str, hash: u32) -> Option<Qstr> {
    let pool = &crate::state::get().qstrs;
    if let Some(i) = pool.find(s, hash) {
        return Some(Qstr((STATIC_COUNT + i) as u32));
    }
    find_static(s, hash).or_else(|| crate::frozen::find_qstr(s, hash))
}

/// The text of the static qstr with .mpy number `n`, for the `.mpy` reader
/// ([`upy_compiler::mpy::read_with`]): the table's first entries are that list, so the
/// firmware need not keep the compiler's copy of it too.
pub fn mpy_static_str(n: usize) -> Option<&'static str> {
    Qstr::from_mpy_static(n).map(Qstr::as_str)
}

impl core::fmt::Debug for Qstr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Q({:?})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_names_are_listed_oldest_first() {
        crate::state::testing::with_vm(|| {
            let a = Qstr::intern("qstr_info_first").map(|q| q.0);
            let b = Qstr::intern("qstr_info_second").map(|q| q.0);
            assert!(a.is_some() && b.is_some());
            let pool = &crate::state::get().qstrs;
            let n = pool.len();
            assert!(n >= 2);
            assert_eq!(pool.nth(n - 2), Some("qstr_info_first"));
            assert_eq!(pool.nth(n - 1), Some("qstr_info_second"));
            assert_eq!(pool.nth(n), None);
        });
    }

    #[test]
    fn every_static_name_is_found_by_hash() {
        for i in 1..STATIC_COUNT {
            let s = static_str(i);
            let q = find_static(s, compute_hash(s.as_bytes()));
            assert!(q.is_some(), "{s:?} not found");
            // Duplicated names resolve to their first id, and always to the same text.
            let q = q.unwrap_or(Q::NULL);
            assert!(q.0 as usize <= i);
            assert_eq!(static_str(q.0 as usize), s);
        }
        assert_eq!(Qstr::find("__init__"), Some(Q::__init__));
        assert_eq!(Q::__init__.as_str(), "__init__");
        assert_eq!(Q::append.hash(), compute_hash(b"append"));
        assert_eq!(static_str(0), "");
        assert_eq!(static_str(STATIC_COUNT), "");
        assert_eq!(Qstr::find("no_such_builtin_name_xyz"), None);
    }

    #[test]
    fn mpy_static_names_are_the_compilers_list() {
        for (i, s) in upy_compiler::mpy::STATIC_QSTRS.iter().enumerate() {
            assert_eq!(mpy_static_str(i + 1), Some(*s));
            assert_eq!(upy_compiler::mpy::static_qstr_text(i + 1), Some(*s));
        }
        assert_eq!(mpy_static_str(0), None);
        assert_eq!(mpy_static_str(MPY_STATIC_COUNT), None);
    }

    #[test]
    fn const_lookup_agrees_with_runtime_lookup() {
        for s in (1..STATIC_COUNT).map(static_str) {
            assert_eq!(find_static_const(s), Qstr::find(s), "{s:?}");
        }
        const INIT: Option<Qstr> = find_static_const("__init__");
        assert_eq!(INIT, Some(Q::__init__));
        assert_eq!(find_static_const("no_such_builtin_name_xyz"), None);
    }
}
