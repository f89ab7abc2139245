//! Regex matcher: runs a [`compile`](super::compile) program by backtracking, trying the
//! preferred branch of each split first, like re1.5's recursive loop. Instead of native
//! recursion it keeps an explicit stack of pending branches and capture slots to restore,
//! capped at [`MAX_DEPTH`]; a pattern that loops without consuming input (`(a*)*`) or a
//! very long backtracking match ends in [`Overflow`], which the module reports as
//! upstream does (RuntimeError: maximum recursion depth exceeded).

use super::compile::*;
use alloc::vec::Vec;

/// Most pending branches plus saved captures at once. Upstream's C recursion gives up
/// after roughly 800 levels on the unix port; this allows long `.*` scans while keeping
/// the stack (12 bytes an entry) to 120 KB on 64-bit hosts and 24 KB on 32-bit targets.
pub const MAX_DEPTH: usize = if usize::BITS >= 64 { 10_000 } else { 2_000 };

/// Position stored in a stack entry; offsets are checked to fit before a run.
type Pos = u32;
const NO_POS: Pos = Pos::MAX;

/// A capture slot no run has set.
pub const UNSET: usize = usize::MAX;

/// Why a run stopped without an answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Abort {
    /// The backtracking stack overflowed.
    Overflow,
    /// The poll callback asked to stop (a pending KeyboardInterrupt).
    Interrupted,
}

/// Instructions executed between two calls of the poll callback. Patterns that loop on
/// empty matches (`(a|)*x`) can take exponential time, here as upstream; polling lets
/// Ctrl-C stop them.
const POLL_STEPS: u32 = 1 << 14;

/// The text being matched.
pub struct Subject<'a> {
    pub text: &'a [u8],
    /// Where `^` matches (the start of the whole string, even when `begin` is later).
    pub begin_line: usize,
    pub begin: usize,
    /// Matching stops here (`endpos`), and `$` matches here.
    pub end: usize,
    /// Text is UTF-8 (a str): `.` and classes consume a whole character.
    pub utf8: bool,
}

enum Pending {
    Branch { pc: Pos, sp: Pos },
    Restore { slot: u8, old: Pos },
}

/// Push `p`, failing (as upstream's stack check does) when the stack is full or memory
/// for it cannot be had.
fn push(stack: &mut Vec<Pending>, p: Pending) -> Result<(), Abort> {
    if stack.len() >= MAX_DEPTH || stack.try_reserve(1).is_err() {
        return Err(Abort::Overflow);
    }
    stack.push(p);
    Ok(())
}

/// Length of the character starting at `sp`.
fn char_len(s: &Subject, sp: usize) -> usize {
    if !s.utf8 {
        return 1;
    }
    let mut n = 1;
    while sp + n < s.end && matches!(s.text.get(sp + n), Some(0x80..=0xbf)) {
        n += 1;
    }
    n
}

/// The character at `sp` as a code point (a byte for non-UTF-8 text).
fn char_at(s: &Subject, sp: usize, len: usize) -> u32 {
    let lead = s.text.get(sp).copied().unwrap_or(0) as u32;
    if len == 1 {
        return lead;
    }
    let mut c = lead & (0x7f >> len);
    for k in 1..len {
        c = (c << 6) | (s.text.get(sp + k).copied().unwrap_or(0) as u32 & 0x3f);
    }
    c
}

/// Whether `c` is in the named class `name` (`d`, `s`, `w`, upper case negates).
pub fn named_class_match(name: u8, c: u32) -> bool {
    let hit = match name | 0x20 {
        b'd' => (b'0' as u32..=b'9' as u32).contains(&c),
        b's' => c == b' ' as u32 || (b'\t' as u32..=b'\r' as u32).contains(&c),
        _ => {
            c < 0x80 && {
                let b = c as u8;
                b.is_ascii_alphanumeric() || b == b'_'
            }
        }
    };
    hit != name.is_ascii_uppercase()
}

/// Whether `c` is in the class whose pair count is at `code[at]`.
fn class_match(code: &[u8], at: usize, c: u32) -> bool {
    let n = code.get(at).copied().unwrap_or(0) as usize;
    (0..n).any(|k| {
        let lo = code.get(at + 1 + 2 * k).copied().unwrap_or(0);
        let hi = code.get(at + 2 + 2 * k).copied().unwrap_or(0);
        if lo == NAMED_IN_CLASS {
            named_class_match(hi, c)
        } else {
            (lo as u32..=hi as u32).contains(&c)
        }
    })
}

/// Run `code` on `s`. `anchored` (match) starts at the subject's `begin`; otherwise
/// (search) the program's prefix tries every later start. On success `caps` holds the
/// byte offsets of each group's start and end ([`UNSET`] for groups that did not take part).
/// `poll` is called now and then; returning true abandons the run.
pub fn run(
    code: &[u8],
    s: &Subject,
    caps: &mut [usize],
    anchored: bool,
    poll: &mut dyn FnMut() -> bool,
) -> Result<bool, Abort> {
    if s.end >= NO_POS as usize || code.len() >= (NO_POS / 2) as usize {
        // Positions must fit a stack entry: 4 GB subjects are beyond this engine.
        return Err(Abort::Overflow);
    }
    let mut steps: u32 = 0;
    let mut stack: Vec<Pending> = Vec::new();
    let mut pc = if anchored { ANCHORED_START } else { 0 };
    let mut sp = s.begin;
    let op_at = |i: usize| code.get(i).copied().unwrap_or(MATCH);
    let arg_at = |i: usize| code.get(i).copied().unwrap_or(0);
    let rel = |pc: usize, off: u8| (pc as isize + 2 + off as i8 as isize).max(0) as usize;
    loop {
        steps = steps.wrapping_add(1);
        if steps.is_multiple_of(POLL_STEPS) && poll() {
            return Err(Abort::Interrupted);
        }
        let op = op_at(pc);
        let ok = if op < BOL && sp >= s.end {
            false
        } else {
            match op {
                CHAR => {
                    let hit = s.text.get(sp) == Some(&arg_at(pc + 1));
                    pc += 2;
                    sp += 1;
                    hit
                }
                ANY => {
                    pc += 1;
                    sp += char_len(s, sp);
                    true
                }
                CLASS | CLASS_NOT => {
                    let n = char_len(s, sp);
                    let hit = class_match(code, pc + 1, char_at(s, sp, n)) == (op == CLASS);
                    pc += 2 + 2 * arg_at(pc + 1) as usize;
                    sp += n;
                    hit
                }
                NAMED_CLASS => {
                    let n = char_len(s, sp);
                    let hit = named_class_match(arg_at(pc + 1), char_at(s, sp, n));
                    pc += 2;
                    sp += n;
                    hit
                }
                MATCH => return Ok(true),
                JMP => {
                    pc = rel(pc, arg_at(pc + 1));
                    true
                }
                SPLIT | RSPLIT => {
                    let next = pc + 2;
                    let other = rel(pc, arg_at(pc + 1));
                    let (first, later) = if op == SPLIT {
                        (next, other)
                    } else {
                        (other, next)
                    };
                    push(
                        &mut stack,
                        Pending::Branch {
                            pc: later as Pos,
                            sp: sp as Pos,
                        },
                    )?;
                    pc = first;
                    true
                }
                SAVE => {
                    let slot = arg_at(pc + 1) as usize;
                    pc += 2;
                    if let Some(c) = caps.get_mut(slot) {
                        // UNSET truncates to NO_POS; set positions fit (checked above).
                        let old = *c as Pos;
                        push(
                            &mut stack,
                            Pending::Restore {
                                slot: slot as u8,
                                old,
                            },
                        )?;
                        *c = sp;
                    }
                    true
                }
                BOL => {
                    pc += 1;
                    sp == s.begin_line
                }
                EOL => {
                    pc += 1;
                    sp == s.end
                }
                _ => false,
            }
        };
        if ok {
            continue;
        }
        // Backtrack to the most recent pending branch, undoing captures made since.
        loop {
            match stack.pop() {
                None => return Ok(false),
                Some(Pending::Restore { slot, old }) => {
                    if let Some(c) = caps.get_mut(slot as usize) {
                        *c = if old == NO_POS { UNSET } else { old as usize };
                    }
                }
                Some(Pending::Branch { pc: p, sp: q }) => {
                    pc = p as usize;
                    sp = q as usize;
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    type Spans = Vec<Option<(usize, usize)>>;

    /// Search (or match) `re` in `text`; the spans of every group.
    fn find(re: &str, text: &str, anchored: bool) -> Result<Option<Spans>, Abort> {
        let p = compile(re.as_bytes(), true).unwrap();
        let mut caps = vec![UNSET; 2 * (p.nsub + 1)];
        let s = Subject {
            text: text.as_bytes(),
            begin_line: 0,
            begin: 0,
            end: text.len(),
            utf8: true,
        };
        if !run(&p.code, &s, &mut caps, anchored, &mut || false)? {
            return Ok(None);
        }
        let set = |x: usize| (x != UNSET).then_some(x);
        Ok(Some(
            caps.chunks(2)
                .map(|c| Some((set(c[0])?, set(c[1])?)))
                .collect(),
        ))
    }

    fn span(re: &str, text: &str) -> Option<(usize, usize)> {
        find(re, text, false).unwrap().and_then(|g| g[0])
    }

    #[test]
    fn basics() {
        assert_eq!(span("o+", "foobar"), Some((1, 3)));
        assert_eq!(span("a+?", "aaa"), Some((0, 1)));
        assert_eq!(span("a*?b", "aab"), Some((0, 3)));
        assert_eq!(span("^b|b$", "abc"), None);
        assert_eq!(span("[a-cu-z]+", "dcaz"), Some((1, 4)));
        assert_eq!(span("[^a-c]", "abcd"), Some((3, 4)));
        assert_eq!(span(r"\d+", "ab123c"), Some((2, 5)));
        assert_eq!(span(r"[\s\d]+", "ab 1 c"), Some((2, 5)));
        assert_eq!(span(r"\W", "ab_c-"), Some((4, 5)));
        assert_eq!(span("a|b|c", "xxc"), Some((2, 3)));
        assert_eq!(span("é.", "aébc"), Some((1, 4)));
        assert_eq!(span(".", "é"), Some((0, 2)));
        assert_eq!(find("x", "abc", true).unwrap(), None);
    }

    #[test]
    fn groups() {
        let g = find("(a)?b(c)", "bc", true).unwrap().unwrap();
        assert_eq!(g, vec![Some((0, 2)), None, Some((1, 2))]);
        let g = find("(([0-9]*)([a-z]*)[0-9]*)", "12ab3", true)
            .unwrap()
            .unwrap();
        assert_eq!(g[2], Some((0, 2)));
        assert_eq!(g[3], Some((2, 4)));
    }

    #[test]
    fn bounded() {
        assert_eq!(find("(a*)*", "aaa", true), Err(Abort::Overflow));
        let long = "x".repeat(5000);
        assert_eq!(span(".*", &long), Some((0, 5000)));
        let longer = "x".repeat(MAX_DEPTH * 2);
        assert_eq!(find(".*", &longer, true), Err(Abort::Overflow));
    }

    #[test]
    fn poll_stops_exponential_runs() {
        let p = compile(b"(?:a|b|)*?[ab]+?", false).unwrap();
        let mut caps = vec![UNSET; 2];
        let text = b"x--acbb1";
        let s = Subject {
            text,
            begin_line: 0,
            begin: 0,
            end: text.len(),
            utf8: false,
        };
        let mut polls = 0;
        let r = run(&p.code, &s, &mut caps, false, &mut || {
            polls += 1;
            polls > 3
        });
        assert_eq!(r, Err(Abort::Interrupted));
    }
}
