//! Regex compiler: pattern text to the byte program of MicroPython's re1.5 engine, with
//! the same layout, so `re.DEBUG` listings and the size limits (one signed byte per jump
//! offset, class size and capture slot) match upstream. No counted repetition (`{m,n}`
//! is literal text), no backreferences, no lookaround: that is MicroPython's subset.
//!
//! Groups are handled with an explicit stack of frames rather than recursion, so nesting
//! depth costs heap, not native stack.
//!
//! Program layout (offsets are relative to the byte after the operand):
//! ```text
//!   0: rsplit +3   \  search prefix: lazily skip any number of characters;
//!   2: any          | `match` starts at byte 5 instead
//!   3: jmp -5      /
//!   5: save 0
//!      ...body...
//!      save 1
//!      match
//! ```

use alloc::vec::Vec;

pub const CHAR: u8 = 1;
pub const ANY: u8 = 2;
pub const CLASS: u8 = 3;
pub const CLASS_NOT: u8 = 4;
pub const NAMED_CLASS: u8 = 5;
pub const BOL: u8 = 0x50;
pub const EOL: u8 = 0x51;
pub const JMP: u8 = 0x60;
pub const SPLIT: u8 = 0x61;
pub const RSPLIT: u8 = 0x62;
pub const SAVE: u8 = 0x7e;
pub const MATCH: u8 = 0x7f;

/// Where `match` (anchored) execution starts: just after the search prefix.
pub const ANCHORED_START: usize = 5;

/// In a class, a range whose low byte is 0 stands for a named class (`\d` etc.).
pub const NAMED_IN_CLASS: u8 = 0;

/// Why a pattern was rejected; the two map to upstream's two messages.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Error {
    /// Syntax errors and overflowing offsets or counts ("regex too complex").
    TooComplex,
    /// An unbalanced `)` at the top level ("error in regex").
    Syntax,
    /// No memory for the program.
    NoMemory,
}

/// Upper bound of program bytes per pattern byte (`x*` gives 4 bytes for 2), plus the
/// fixed prefix and suffix; reserved up front so emitting never allocates.
const BYTES_PER_CHAR: usize = 4;
const FIXED_BYTES: usize = 16;

/// A compiled pattern.
#[derive(Debug)]
pub struct Prog {
    pub code: Vec<u8>,
    /// Instruction count (printed by the debug listing).
    pub insts: usize,
    /// Number of capture groups, not counting group 0.
    pub nsub: usize,
}

/// `d`, `D`, `s`, `S`, `w`, `W`: the letters that name a class after a backslash.
pub fn is_named_class(c: u8) -> bool {
    matches!(c, b'd' | b'D' | b's' | b'S' | b'w' | b'W')
}

/// The open alternation level: the whole pattern, or one group.
struct Frame {
    /// Where this level's code starts (alternation inserts its split here).
    start: usize,
    /// Start of the last repeatable item; equal to the code length when there is none.
    term: usize,
    /// Offset byte of the pending jump that ends the previous alternative.
    alt_label: Option<usize>,
    /// Capture group number, if capturing.
    sub: Option<usize>,
}

struct Compiler {
    code: Vec<u8>,
    insts: usize,
    nsub: usize,
    /// Set when an operand does not fit its byte; reported once the pattern is read.
    overflow: bool,
}

impl Compiler {
    fn pc(&self) -> usize {
        self.code.len()
    }

    /// Out of line: inlined, the push and its growth check at each of the compiler's
    /// many emit sites cost more than the call.
    #[inline(never)]
    fn emit(&mut self, b: u8) {
        self.code.push(b);
    }

    /// Store a signed-byte operand, flagging values that do not fit.
    fn put_checked(&mut self, at: usize, v: isize) {
        if v != v as i8 as isize {
            self.overflow = true;
        }
        if let Some(slot) = self.code.get_mut(at) {
            *slot = v as u8;
        }
    }

    fn emit_checked(&mut self, v: isize) {
        let at = self.pc();
        self.emit(0);
        self.put_checked(at, v);
    }

    /// Insert two placeholder bytes at `at` (in front of an item being repeated).
    fn insert2(&mut self, at: usize) {
        let len = self.code.len();
        let at = at.min(len);
        self.emit(0);
        self.emit(0);
        self.code.copy_within(at..len, at + 2);
        if let Some(s) = self.code.get_mut(at..at + 2) {
            s.fill(0);
        }
    }

    /// Relative operand for an instruction at `at` jumping to `to`.
    fn rel(at: usize, to: usize) -> isize {
        to as isize - at as isize - 2
    }

    /// Close the pending alternative jump of `f` so it lands here.
    fn close_alt(&mut self, f: &Frame) {
        if let Some(l) = f.alt_label {
            let v = Self::rel(l, self.pc()) + 1;
            self.put_checked(l, v);
        }
    }
}

/// Compile `re`. With `utf8` (a str pattern) a multi-byte character is one item, so a
/// following `*`, `+` or `?` repeats the whole character.
pub fn compile(re: &[u8], utf8: bool) -> Result<Prog, Error> {
    let mut code = Vec::new();
    let cap = re
        .len()
        .checked_mul(BYTES_PER_CHAR)
        .and_then(|n| n.checked_add(FIXED_BYTES))
        .ok_or(Error::NoMemory)?;
    code.try_reserve(cap).map_err(|_| Error::NoMemory)?;
    let mut c = Compiler {
        code,
        insts: 0,
        nsub: 0,
        overflow: false,
    };
    c.code
        .extend_from_slice(&[RSPLIT, 3, ANY, JMP, (-5i8) as u8, SAVE, 0]);
    c.insts = 4;
    let mut stack: Vec<Frame> = Vec::new();
    let mut f = Frame {
        start: c.pc(),
        term: c.pc(),
        alt_label: None,
        sub: None,
    };
    let at = |i: usize| re.get(i).copied();
    let mut i = 0;
    while let Some(ch) = at(i) {
        match ch {
            b')' => {
                c.close_alt(&f);
                let Some(parent) = stack.pop() else {
                    return Err(if c.overflow {
                        Error::TooComplex
                    } else {
                        Error::Syntax
                    });
                };
                if let Some(sub) = f.sub {
                    c.emit(SAVE);
                    c.emit_checked(2 * sub as isize + 1);
                    c.insts += 1;
                }
                f = parent;
            }
            b'.' => {
                f.term = c.pc();
                c.emit(ANY);
                c.insts += 1;
            }
            b'[' => {
                f.term = c.pc();
                i += 1;
                if at(i) == Some(b'^') {
                    c.emit(CLASS_NOT);
                    i += 1;
                } else {
                    c.emit(CLASS);
                }
                let count_at = c.pc();
                c.emit(0);
                c.insts += 1;
                let mut count: isize = 0;
                loop {
                    let Some(mut lo) = at(i) else {
                        return Err(Error::TooComplex);
                    };
                    if lo == b']' {
                        break;
                    }
                    if lo == NAMED_IN_CLASS {
                        // A NUL would read back as a named class; upstream stops at NUL.
                        return Err(Error::TooComplex);
                    }
                    let mut hi = lo;
                    let mut named = false;
                    if lo == b'\\' {
                        i += 1;
                        lo = at(i).ok_or(Error::TooComplex)?;
                        hi = lo;
                        if lo == NAMED_IN_CLASS {
                            return Err(Error::TooComplex);
                        }
                        if is_named_class(lo) {
                            lo = NAMED_IN_CLASS;
                            named = true;
                        }
                    }
                    if !named && at(i + 1) == Some(b'-') && at(i + 2) != Some(b']') {
                        i += 2;
                        hi = at(i).ok_or(Error::TooComplex)?;
                    }
                    c.emit(lo);
                    c.emit(hi);
                    i += 1;
                    count += 1;
                }
                c.put_checked(count_at, count);
            }
            b'(' => {
                f.term = c.pc();
                let capture = !(at(i + 1) == Some(b'?') && at(i + 2) == Some(b':'));
                let sub = if capture {
                    c.nsub += 1;
                    c.emit(SAVE);
                    c.emit_checked(2 * c.nsub as isize);
                    c.insts += 1;
                    Some(c.nsub)
                } else {
                    i += 2;
                    None
                };
                let start = c.pc();
                stack.try_reserve(1).map_err(|_| Error::NoMemory)?;
                stack.push(core::mem::replace(
                    &mut f,
                    Frame {
                        start,
                        term: start,
                        alt_label: None,
                        sub,
                    },
                ));
            }
            b'?' => {
                if c.pc() == f.term {
                    return Err(Error::TooComplex);
                }
                c.insert2(f.term);
                let lazy = at(i + 1) == Some(b'?');
                if lazy {
                    i += 1;
                }
                c.code[f.term] = if lazy { RSPLIT } else { SPLIT };
                c.put_checked(f.term + 1, Compiler::rel(f.term, c.pc()));
                c.insts += 1;
                f.term = c.pc();
            }
            b'*' => {
                if c.pc() == f.term {
                    return Err(Error::TooComplex);
                }
                c.insert2(f.term);
                c.emit(JMP);
                c.emit_checked(Compiler::rel(c.pc() - 1, f.term));
                let lazy = at(i + 1) == Some(b'?');
                if lazy {
                    i += 1;
                }
                c.code[f.term] = if lazy { RSPLIT } else { SPLIT };
                c.put_checked(f.term + 1, Compiler::rel(f.term, c.pc()));
                c.insts += 2;
                f.term = c.pc();
            }
            b'+' => {
                if c.pc() == f.term {
                    return Err(Error::TooComplex);
                }
                let lazy = at(i + 1) == Some(b'?');
                if lazy {
                    i += 1;
                }
                c.emit(if lazy { SPLIT } else { RSPLIT });
                c.emit_checked(Compiler::rel(c.pc() - 1, f.term));
                c.insts += 1;
                f.term = c.pc();
            }
            b'|' => {
                c.close_alt(&f);
                c.insert2(f.start);
                c.emit(JMP);
                f.alt_label = Some(c.pc());
                c.emit(0);
                c.code[f.start] = SPLIT;
                c.put_checked(f.start + 1, Compiler::rel(f.start, c.pc()));
                c.insts += 2;
                f.term = c.pc();
            }
            b'^' | b'$' => {
                c.emit(if ch == b'^' { BOL } else { EOL });
                c.insts += 1;
                f.term = c.pc();
            }
            _ => {
                let mut lit = ch;
                if ch == b'\\' {
                    i += 1;
                    lit = at(i).ok_or(Error::TooComplex)?;
                    if is_named_class(lit) {
                        f.term = c.pc();
                        c.emit(NAMED_CLASS);
                        c.emit(lit);
                        c.insts += 1;
                        i += 1;
                        continue;
                    }
                }
                f.term = c.pc();
                c.emit(CHAR);
                c.emit(lit);
                c.insts += 1;
                if utf8 && lit >= 0xc0 {
                    while let Some(b @ 0x80..=0xbf) = at(i + 1) {
                        c.emit(CHAR);
                        c.emit(b);
                        c.insts += 1;
                        i += 1;
                    }
                }
            }
        }
        i += 1;
    }
    if !stack.is_empty() {
        return Err(Error::TooComplex);
    }
    c.close_alt(&f);
    if c.overflow {
        return Err(Error::TooComplex);
    }
    c.code.extend_from_slice(&[SAVE, 1, MATCH]);
    c.insts += 2;
    Ok(Prog {
        code: c.code,
        insts: c.insts,
        nsub: c.nsub,
    })
}

/// Write the program listing `re.DEBUG` prints, one instruction a line. The text is
/// built with plain pushes: `core::fmt` machinery per line cost several hundred bytes of
/// the firmware's flash.
#[cfg(feature = "re_debug")]
pub fn dump(p: &Prog, out: &mut Vec<u8>) {
    let code = &p.code;
    let byte = |i: usize| code.get(i).copied().unwrap_or(0);
    let mut pc = 0;
    while pc < code.len() {
        if pc < 10 {
            out.push(b' ');
        }
        put_num(out, pc as isize);
        out.extend_from_slice(b": ");
        let op = byte(pc);
        pc += 1;
        let text: &[u8] = match op {
            SPLIT | RSPLIT | JMP => {
                out.extend_from_slice(match op {
                    SPLIT => b"split ",
                    RSPLIT => b"rsplit ",
                    _ => b"jmp ",
                });
                let off = byte(pc) as i8 as isize;
                put_num(out, pc as isize + off + 1);
                out.extend_from_slice(b" (");
                put_num(out, off);
                pc += 1;
                b")"
            }
            CHAR | NAMED_CLASS => {
                out.extend_from_slice(if op == CHAR { b"char " } else { b"namedclass " });
                let mut ch = [0u8; 4];
                out.extend_from_slice(char::from(byte(pc)).encode_utf8(&mut ch).as_bytes());
                pc += 1;
                b""
            }
            ANY => b"any",
            CLASS | CLASS_NOT => {
                let n = byte(pc);
                out.extend_from_slice(if op == CLASS_NOT {
                    b"classnot "
                } else {
                    b"class "
                });
                put_num(out, n as isize);
                pc += 1;
                for _ in 0..n {
                    for (i, sep) in [b" 0x", b"-0x"].iter().enumerate() {
                        out.extend_from_slice(*sep);
                        let b = byte(pc + i);
                        out.push(HEX[usize::from(b >> 4)]);
                        out.push(HEX[usize::from(b & 15)]);
                    }
                    pc += 2;
                }
                b""
            }
            MATCH => b"match",
            SAVE => {
                out.extend_from_slice(b"save ");
                put_num(out, byte(pc) as isize);
                pc += 1;
                b""
            }
            BOL => b"assert bol",
            EOL => b"assert eol",
            _ => b"?",
        };
        out.extend_from_slice(text);
        out.push(b'\n');
    }
    out.extend_from_slice(b"Bytes: ");
    put_num(out, code.len() as isize);
    out.extend_from_slice(b", insts: ");
    put_num(out, p.insts as isize);
    out.push(b'\n');
}

#[cfg(feature = "re_debug")]
const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(feature = "re_debug")]
fn put_num(out: &mut Vec<u8>, n: isize) {
    let mut buf = [0u8; 24];
    out.extend_from_slice(crate::objs::int::format_isize(n, &mut buf).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    #[cfg(feature = "re_debug")]
    fn listing(re: &str) -> String {
        let p = compile(re.as_bytes(), true).unwrap();
        let mut s = Vec::new();
        dump(&p, &mut s);
        String::from_utf8(s).unwrap()
    }

    #[cfg(feature = "re_debug")]
    #[test]
    fn listing_matches_upstream_layout() {
        let want = " 0: rsplit 5 (3)\n 2: any\n 3: jmp 0 (-5)\n 5: save 0\n 7: split 14 (5)\n \
                    9: assert bol\n10: char a\n12: jmp 23 (9)\n14: char b\n16: class 1 0x30-0x39\n\
                    20: namedclass w\n22: assert eol\n23: save 1\n25: match\nBytes: 26, insts: 14\n";
        assert_eq!(listing("^a|b[0-9]\\w$"), want);
    }

    #[test]
    fn errors() {
        for bad in ["*", "?", "+", "a**", "(", "[", "([)", "[a\\]", "\\", "a|*"] {
            assert_eq!(
                compile(bad.as_bytes(), false).unwrap_err(),
                Error::TooComplex,
                "{bad}"
            );
        }
        assert_eq!(compile(b")", false).unwrap_err(), Error::Syntax);
        assert_eq!(compile(b"a)b", false).unwrap_err(), Error::Syntax);
        // 63 groups fit a signed byte of save slots, 64 do not.
        assert!(compile("(a)".repeat(63).as_bytes(), false).is_ok());
        assert_eq!(
            compile("(a)".repeat(64).as_bytes(), false).unwrap_err(),
            Error::TooComplex
        );
        // Jump offsets overflow.
        assert!(compile(("b".repeat(62) + "|a").as_bytes(), false).is_ok());
        assert!(compile(("b".repeat(63) + "|a").as_bytes(), false).is_err());
        // Deep nesting is bounded by the group limit, not by the native stack.
        let deep = "(?:".repeat(100_000) + &")".repeat(100_000);
        assert!(compile(deep.as_bytes(), false).is_ok());
    }

    #[test]
    fn reserved_capacity_suffices() {
        for re in [
            "a*", "x*y*z*", "(a)*", "[a-z]*", "a|b|c", "(?:a*)*", "\\d*?", "é*",
        ] {
            let p = compile(re.as_bytes(), true).unwrap();
            assert!(
                p.code.len() <= re.len() * BYTES_PER_CHAR + FIXED_BYTES,
                "{re}"
            );
        }
    }

    #[test]
    fn groups_and_utf8_items() {
        let p = compile(b"(a)(?:b)(c)", false).unwrap();
        assert_eq!(p.nsub, 2);
        // "é?" repeats both bytes of the character in a str pattern.
        let p = compile("é?".as_bytes(), true).unwrap();
        assert_eq!(&p.code[7..9], &[SPLIT, 4]);
    }
}
