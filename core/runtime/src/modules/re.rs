//! `re`: MicroPython's regular expressions (extmod/modre.c): `compile`, `match`, `search`,
//! `sub`, the compiled pattern type (`match`, `search`, `split`, `sub`) and match objects
//! (`group`, `groups`, `span`, `start`, `end`). The syntax is re1.5's subset, compiled by
//! `re/compile.rs` and run by the bounded backtracking matcher in `re/exec.rs`.
//!
//! Upstream quirks kept on purpose: no `{m,n}` (braces are literals), `\n`-style escapes
//! stand for the letter itself, `split` and `sub` stop at the first empty match, and
//! `split` raises NotImplementedError for patterns with groups. Beyond upstream's bytewise
//! engine, str subjects are matched a character at a time (so `.` never splits a UTF-8
//! sequence) and positions (`pos`, `span`) count characters, as in CPython.

pub mod compile;
pub mod exec;

use crate::mem;
use crate::obj::{ObjBase, Print, PrintKind, PyResult, Type};
use crate::objs::{exception as exc, int, list, module::Module, str as pystr};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::value::Value;
use crate::vstr::VStr;
use alloc::vec;
use alloc::vec::Vec;

#[cfg(feature = "re_debug")]
/// `re.DEBUG`: print the compiled program.
const FLAG_DEBUG: isize = 0x1000;

/// A compiled pattern; its program bytes follow the header.
#[repr(C)]
pub struct Pattern {
    base: ObjBase,
    code_len: usize,
    nsub: usize,
}

impl Pattern {
    fn code(&self) -> &'static [u8] {
        // SAFETY: patterns are allocated by `compile` with `code_len` bytes after the header.
        unsafe { core::slice::from_raw_parts(mem::items_ptr::<Pattern, u8>(self), self.code_len) }
    }
}

/// A match: the subject and each group's byte span (`usize::MAX` for a group that did
/// not take part), stored after the header as start/end pairs.
#[repr(C)]
pub struct Match {
    base: ObjBase,
    subject: Value,
    groups: usize,
}

const NO_POS: usize = exec::UNSET;

impl Match {
    fn caps(&self) -> &'static [usize] {
        // SAFETY: matches are allocated by `new_match` with 2 * groups words after the header.
        unsafe {
            core::slice::from_raw_parts(mem::items_ptr::<Match, usize>(self), 2 * self.groups)
        }
    }

    /// Byte span of group `n`, if it took part.
    fn span(&self, n: usize) -> Option<(usize, usize)> {
        let c = self.caps();
        match (c.get(2 * n), c.get(2 * n + 1)) {
            (Some(&s), Some(&e)) if s != NO_POS && e != NO_POS && s <= e => Some((s, e)),
            _ => None,
        }
    }
}

fn new_match(subject: Value, caps: &[usize]) -> PyResult<Value> {
    let groups = caps.len() / 2;
    let p = mem::alloc_var::<Match, usize>(
        Match {
            base: ObjBase::new(&MATCH_TYPE),
            subject,
            groups,
        },
        2 * groups,
    )?;
    // SAFETY: just allocated with room for 2 * groups words.
    let dst =
        unsafe { core::slice::from_raw_parts_mut(mem::items_ptr::<Match, usize>(p), 2 * groups) };
    for (d, c) in dst.iter_mut().zip(caps) {
        *d = *c;
    }
    Ok(Value::from_ptr(p))
}

// --- helpers ---

/// The bytes of a str or bytes argument (`mp_obj_str_get_data`).
fn text_of(v: Value) -> PyResult<&'static [u8]> {
    pystr::as_bytes(v).ok_or_else(|| pystr::bad_implicit_conversion(v))
}

/// A piece of `subject` as an object of the subject's type.
fn piece(subject: Value, b: &[u8]) -> PyResult<Value> {
    if pystr::is_str(subject) {
        let s = core::str::from_utf8(b).map_err(|_| raise::unicode_error("invalid utf-8"))?;
        pystr::new(s)
    } else {
        pystr::new_bytes(b)
    }
}

/// Byte offset of character `n` of UTF-8 `text` (its length if `n` is past the end).
fn byte_offset(text: &[u8], n: usize) -> usize {
    let mut seen = 0;
    for (i, &b) in text.iter().enumerate() {
        if b & 0xc0 != 0x80 {
            if seen == n {
                return i;
            }
            seen += 1;
        }
    }
    text.len()
}

fn is_callable(v: Value) -> bool {
    let ty = v.type_of();
    crate::objs::r#type::as_type(v).is_some()
        || (ty.call().is_some()
            && (!ty.is_heap() || runtime::lookup_in_type(ty, Q::__call__).is_some()))
}

#[cold]
fn overflow() -> crate::obj::PyErr {
    crate::vm::recursion_error()
}

// --- compiling ---

fn compile_value(pattern: Value, flags: isize) -> PyResult<Value> {
    let text = text_of(pattern)?;
    let prog = compile::compile(text, pystr::is_str(pattern)).map_err(|e| match e {
        compile::Error::TooComplex => raise::value_error("regex too complex"),
        compile::Error::Syntax => raise::value_error("error in regex"),
        compile::Error::NoMemory => raise::memory_error(text.len()),
    })?;
    let p = mem::alloc_var::<Pattern, u8>(
        Pattern {
            base: ObjBase::new(&PATTERN_TYPE),
            code_len: prog.code.len(),
            nsub: prog.nsub,
        },
        prog.code.len(),
    )?;
    // SAFETY: just allocated with room for the program bytes.
    unsafe {
        core::ptr::copy_nonoverlapping(
            prog.code.as_ptr(),
            mem::items_ptr::<Pattern, u8>(p),
            prog.code.len(),
        )
    };
    #[cfg(feature = "re_debug")]
    if flags & FLAG_DEBUG != 0 {
        let mut out = Vec::new();
        compile::dump(&prog, &mut out);
        crate::modules::sys::stdout_write(&out)?;
    }
    #[cfg(not(feature = "re_debug"))]
    let _ = flags;
    Ok(Value::from_ptr(p))
}

/// `compile(pattern[, flags])`; flags are read only for `re.DEBUG`, as upstream.
fn re_compile(args: &[Value]) -> PyResult<Value> {
    #[cfg(feature = "re_debug")]
    let flags = match args.get(1) {
        Some(f) => int::get_isize(*f)?,
        None => 0,
    };
    #[cfg(not(feature = "re_debug"))]
    let flags = 0;
    compile_value(args[0], flags)
}

/// The pattern object for a module function's first argument (compiled if need be), and
/// whether it was given compiled.
fn pattern_of(v: Value) -> PyResult<(&'static Pattern, bool)> {
    if let Some(p) = v.downcast::<Pattern>(&PATTERN_TYPE) {
        return Ok((p, true));
    }
    let c = compile_value(v, 0)?;
    let p = c
        .downcast::<Pattern>(&PATTERN_TYPE)
        .ok_or_else(|| raise::type_error("expected a regex"))?;
    Ok((p, false))
}

// --- matching ---

/// One run of `pat` over `subject` from byte `begin` to `end`.
fn run(
    pat: &Pattern,
    text: &[u8],
    utf8: bool,
    begin: usize,
    end: usize,
    anchored: bool,
) -> PyResult<Option<Caps>> {
    let mut caps = vec![NO_POS; 2 * (pat.nsub + 1)];
    let s = exec::Subject {
        text,
        begin_line: 0,
        begin,
        end,
        utf8,
    };
    // A pending interrupt or scheduled callback is taken here; only an exception it
    // raises (KeyboardInterrupt) stops the match.
    let st = crate::state::get();
    let mut raised = None;
    let mut poll = || {
        if !st.interrupt.load(core::sync::atomic::Ordering::Relaxed) {
            return false;
        }
        match crate::vm::take_pending() {
            Ok(()) => false,
            Err(e) => {
                raised = Some(e);
                true
            }
        }
    };
    let r = exec::run(pat.code(), &s, &mut caps, anchored, &mut poll);
    match r {
        Ok(true) => Ok(Some(caps)),
        Ok(false) => Ok(None),
        Err(exec::Abort::Overflow) => Err(overflow()),
        Err(exec::Abort::Interrupted) => Err(raised.unwrap_or_else(crate::vm::recursion_error)),
    }
}

/// Each group's start and end byte offsets, as a run leaves them.
/// ([`NO_POS`] for a group that did not take part.)
type Caps = Vec<usize>;

/// The next non-empty match at or after `begin` with its span: `split` and `sub` stop at
/// the first empty one, as upstream.
fn next_match(
    pat: &Pattern,
    text: &[u8],
    utf8: bool,
    begin: usize,
) -> PyResult<Option<(Caps, usize, usize)>> {
    Ok(match run(pat, text, utf8, begin, text.len(), false)? {
        Some(caps) => match (caps[0], caps[1]) {
            (s, e) if s != NO_POS && e != NO_POS && s != e => Some((caps, s, e)),
            _ => None,
        },
        None => None,
    })
}

/// `match`/`search` as module functions or pattern methods: `(pattern, string[, pos[,
/// endpos]])`; positions apply only to a compiled pattern, as upstream.
fn exec_helper(args: &[Value], anchored: bool) -> PyResult<Value> {
    let (pat, compiled) = pattern_of(args[0])?;
    let subject = args[1];
    let text = text_of(subject)?;
    let utf8 = pystr::is_str(subject);
    let mut begin = 0;
    let mut end = text.len();
    if compiled && args.len() > 2 {
        let len = if utf8 {
            pystr::char_count(text)
        } else {
            text.len()
        } as isize;
        let start = int::get_isize(args[2])?.clamp(0, len);
        let stop = match args.get(3) {
            Some(e) => int::get_isize(*e)?.clamp(start, len),
            None => len,
        };
        let to_bytes = |n: isize| {
            if utf8 {
                byte_offset(text, n as usize)
            } else {
                n as usize
            }
        };
        begin = to_bytes(start);
        end = to_bytes(stop);
    }
    match run(pat, text, utf8, begin, end, anchored)? {
        Some(caps) => new_match(subject, &caps),
        None => Ok(Value::NONE),
    }
}

fn re_match(args: &[Value]) -> PyResult<Value> {
    exec_helper(args, true)
}

fn re_search(args: &[Value]) -> PyResult<Value> {
    exec_helper(args, false)
}

/// `pattern.split(string[, maxsplit])`: stops at the first empty match, as upstream.
fn re_split(args: &[Value]) -> PyResult<Value> {
    let pat = args[0]
        .downcast::<Pattern>(&PATTERN_TYPE)
        .ok_or_else(|| raise::type_error("expected a regex"))?;
    let subject = args[1];
    let text = text_of(subject)?;
    let utf8 = pystr::is_str(subject);
    let mut maxsplit = match args.get(2) {
        Some(m) => int::get_isize(*m)?,
        None => 0,
    };
    let out = list::new(&[])?;
    let mut begin = 0;
    while let Some((_, s, e)) = next_match(pat, text, utf8, begin)? {
        list::append(out, piece(subject, text.get(begin..s).unwrap_or(&[]))?)?;
        if pat.nsub > 0 {
            return Err(raise::not_implemented_error("splitting with sub-captures"));
        }
        begin = e;
        if maxsplit > 0 {
            maxsplit -= 1;
            if maxsplit == 0 {
                break;
            }
        }
    }
    list::append(out, piece(subject, text.get(begin..).unwrap_or(&[]))?)?;
    Ok(out)
}

/// Append `template` to `out`, replacing `\N` and `\g<N>` with group N of the match
/// whose spans are `caps`. Any other backslash is dropped, `\\` gives one backslash
/// (upstream's rules).
fn expand(out: &mut VStr, template: &[u8], caps: &[usize], text: &[u8]) -> PyResult<()> {
    let mut i = 0;
    let at = |i: usize| template.get(i).copied();
    while let Some(c) = at(i) {
        i += 1;
        if c != b'\\' {
            out.push_byte(c)?;
            continue;
        }
        let g_form = at(i) == Some(b'g') && at(i + 1) == Some(b'<');
        if g_form {
            i += 2;
        }
        match at(i) {
            Some(b'0'..=b'9') => {
                let mut n: usize = 0;
                while let Some(d @ b'0'..=b'9') = at(i) {
                    n = n.saturating_mul(10).saturating_add((d - b'0') as usize);
                    i += 1;
                }
                if g_form && at(i) == Some(b'>') {
                    i += 1;
                }
                if n >= caps.len() / 2 {
                    let no = int::from_u64(n as u64)?;
                    return Err(raise::with_args(&exc::INDEX_ERROR, &[no]));
                }
                // An unset group's NO_POS bounds select nothing.
                if let (Some(&s), Some(&e)) = (caps.get(2 * n), caps.get(2 * n + 1)) {
                    out.push_bytes(text.get(s..e).unwrap_or(&[]))?;
                }
            }
            Some(b'\\') => {
                out.push_byte(b'\\')?;
                i += 1;
            }
            _ => {}
        }
    }
    Ok(())
}

/// `sub(pattern, repl, string[, count[, flags]])`; stops at the first empty match.
fn re_sub(args: &[Value]) -> PyResult<Value> {
    let (pat, _) = pattern_of(args[0])?;
    let repl = args[1];
    let subject = args[2];
    let mut count = match args.get(3) {
        Some(c) => int::get_isize(*c)?,
        None => 0,
    };
    let text = text_of(subject)?;
    let utf8 = pystr::is_str(subject);
    let call = is_callable(repl);
    let mut out = VStr::new();
    let mut replaced = false;
    let mut begin = 0;
    while let Some((caps, s, e)) = next_match(pat, text, utf8, begin)? {
        replaced = true;
        out.push_bytes(text.get(begin..s).unwrap_or(&[]))?;
        let r = if call {
            runtime::call1(repl, new_match(subject, &caps)?)?
        } else {
            repl
        };
        expand(&mut out, text_of(r)?, &caps, text)?;
        begin = e;
        if count > 0 {
            count -= 1;
            if count == 0 {
                break;
            }
        }
    }
    if !replaced {
        return Ok(subject);
    }
    out.push_bytes(text.get(begin..).unwrap_or(&[]))?;
    if utf8 {
        out.into_str()
    } else {
        out.into_bytes()
    }
}

// --- match objects ---

fn this_match(v: Value) -> PyResult<&'static Match> {
    v.downcast::<Match>(&MATCH_TYPE)
        .map(|m| &*m)
        .ok_or_else(|| raise::type_error("expected a match"))
}

/// Group number argument, IndexError(n) when out of range.
fn group_no(m: &Match, v: Value) -> PyResult<usize> {
    let n = int::get_isize(v)?;
    if n < 0 || n as usize >= m.groups {
        return Err(raise::with_args(&exc::INDEX_ERROR, &[v]));
    }
    Ok(n as usize)
}

fn group_value(m: &Match, n: usize) -> PyResult<Value> {
    match m.span(n) {
        Some((s, e)) => {
            let text = text_of(m.subject)?;
            piece(m.subject, text.get(s..e).unwrap_or(&[]))
        }
        None => Ok(Value::NONE),
    }
}

fn match_group(this: Value, no: Value) -> PyResult<Value> {
    let m = this_match(this)?;
    let n = group_no(m, no)?;
    group_value(m, n)
}

#[cfg(feature = "re_match_extras")]
fn match_groups(this: Value) -> PyResult<Value> {
    let m = this_match(this)?;
    if m.groups <= 1 {
        return crate::objs::tuple::new(&[]);
    }
    let (t, items) = crate::objs::tuple::new_uninit(m.groups - 1)?;
    for (k, slot) in items.iter_mut().enumerate() {
        *slot = group_value(m, k + 1)?;
    }
    Ok(t)
}

#[cfg(feature = "re_match_extras")]
/// Span of the group in `args[1]` (default 0) in characters for str, bytes for bytes;
/// (-1, -1) for a group that did not take part.
fn span_of(args: &[Value]) -> PyResult<(isize, isize)> {
    let m = this_match(args[0])?;
    let n = match args.get(1) {
        Some(v) => group_no(m, *v)?,
        None => 0,
    };
    let Some((s, e)) = m.span(n) else {
        return Ok((-1, -1));
    };
    if pystr::is_str(m.subject) {
        let text = text_of(m.subject)?;
        let idx = |b: usize| pystr::char_count(text.get(..b).unwrap_or(text)) as isize;
        return Ok((idx(s), idx(e)));
    }
    Ok((s as isize, e as isize))
}

#[cfg(feature = "re_match_extras")]
fn match_span(args: &[Value]) -> PyResult<Value> {
    let (s, e) = span_of(args)?;
    crate::objs::tuple::new(&[int::from_isize(s)?, int::from_isize(e)?])
}

#[cfg(feature = "re_match_extras")]
fn match_start(args: &[Value]) -> PyResult<Value> {
    int::from_isize(span_of(args)?.0)
}

#[cfg(feature = "re_match_extras")]
fn match_end(args: &[Value]) -> PyResult<Value> {
    int::from_isize(span_of(args)?.1)
}

fn match_print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let m = this_match(v)?;
    crate::modules::sys::print_nums(out, "<match num={}>", &[m.groups as isize])
}

fn pattern_print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    crate::modules::sys::print_nums(out, "<re {x}>", &[v.bits() as isize])
}

static MATCH_LOCALS: &[(Qstr, Value)] = &[
    #[cfg(feature = "re_match_extras")]
    crate::entry!(
        end,
        crate::fun!(
            end,
            Var {
                min: 1,
                max: 2,
                f: match_end
            }
        )
    ),
    crate::entry!(group, crate::fun!(group, F2(match_group))),
    #[cfg(feature = "re_match_extras")]
    crate::entry!(groups, crate::fun!(groups, F1(match_groups))),
    #[cfg(feature = "re_match_extras")]
    crate::entry!(
        span,
        crate::fun!(
            span,
            Var {
                min: 1,
                max: 2,
                f: match_span
            }
        )
    ),
    #[cfg(feature = "re_match_extras")]
    crate::entry!(
        start,
        crate::fun!(
            start,
            Var {
                min: 1,
                max: 2,
                f: match_start
            }
        )
    ),
];

pub static MATCH_TYPE: Type = Type {
    name: Q::r#match,
    print: Some(match_print),
    locals: crate::locals!(&MATCH_LOCALS),
    ..Type::EMPTY
};

static PATTERN_LOCALS: [(Qstr, Value); 4] = [
    crate::entry!(
        r#match,
        crate::fun!(
            r#match,
            Var {
                min: 2,
                max: 4,
                f: re_match
            }
        )
    ),
    crate::entry!(
        search,
        crate::fun!(
            search,
            Var {
                min: 2,
                max: 4,
                f: re_search
            }
        )
    ),
    crate::entry!(
        split,
        crate::fun!(
            split,
            Var {
                min: 2,
                max: 3,
                f: re_split
            }
        )
    ),
    crate::entry!(
        sub,
        crate::fun!(
            sub,
            Var {
                min: 3,
                max: 5,
                f: re_sub
            }
        )
    ),
];

pub static PATTERN_TYPE: Type = Type {
    name: Q::re,
    print: Some(pattern_print),
    locals: crate::locals!(&PATTERN_LOCALS),
    ..Type::EMPTY
};

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::re)),
    #[cfg(feature = "re_debug")]
    crate::entry!(DEBUG, Value::small_int(FLAG_DEBUG)),
    crate::entry!(
        compile,
        crate::fun!(
            compile,
            Var {
                min: 1,
                max: 2,
                f: re_compile
            }
        )
    ),
    crate::entry!(
        r#match,
        crate::fun!(
            r#match,
            Var {
                min: 2,
                max: 4,
                f: re_match
            }
        )
    ),
    crate::entry!(
        search,
        crate::fun!(
            search,
            Var {
                min: 2,
                max: 4,
                f: re_search
            }
        )
    ),
    crate::entry!(
        sub,
        crate::fun!(
            sub,
            Var {
                min: 3,
                max: 5,
                f: re_sub
            }
        )
    ),
];

pub static MODULE: Module = Module::new_static(Q::re, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::r;
    use crate::state::testing::with_vm;

    fn s(t: &str) -> Value {
        pystr::new(t).unwrap()
    }

    fn show(v: Value) -> alloc::string::String {
        let mut o = VStr::new();
        runtime::print_value(&mut o, v, PrintKind::Repr).unwrap();
        alloc::string::String::from_utf8(o.as_bytes().to_vec()).unwrap()
    }

    #[cfg(feature = "re_match_extras")]
    #[test]
    fn match_search_groups() {
        with_vm(|| {
            let m = re_match(&[s("(a)?b(c)"), s("bc")]).unwrap();
            assert_eq!(show(match_groups(m).unwrap()), "(None, 'c')");
            assert_eq!(
                show(match_span(&[m, Value::small_int(2)]).unwrap()),
                "(1, 2)"
            );
            assert_eq!(
                show(match_span(&[m, Value::small_int(1)]).unwrap()),
                "(-1, -1)"
            );
            assert_eq!(r(match_group(m, Value::small_int(3))), "IndexError: 3");
            let m = re_search(&[s("é+"), s("aééb")]).unwrap();
            assert_eq!(show(match_span(&[m]).unwrap()), "(1, 3)");
            assert!(re_match(&[s("x"), s("abc")]).unwrap().is_none());
            assert_eq!(r(re_compile(&[s("*")])), "ValueError: regex too complex");
            assert_eq!(r(re_compile(&[s(")")])), "ValueError: error in regex");
            assert_eq!(
                r(re_match(&[s("(a*)*"), s("aaa")])),
                "RuntimeError: maximum recursion depth exceeded"
            );
        });
    }

    #[cfg(feature = "re_match_extras")]
    #[test]
    fn positions() {
        with_vm(|| {
            let p = re_compile(&[s("o")]).unwrap();
            let m = re_match(&[p, s("dog"), Value::small_int(1)]).unwrap();
            assert_eq!(show(match_span(&[m]).unwrap()), "(1, 2)");
            let m = re_match(&[p, s("dog"), Value::small_int(1), Value::small_int(1)]).unwrap();
            assert!(m.is_none());
            let m = re_search(&[p, s("éog"), Value::small_int(1)]).unwrap();
            assert_eq!(show(match_span(&[m]).unwrap()), "(1, 2)");
        });
    }

    #[test]
    fn sub_and_split() {
        with_vm(|| {
            let v = re_sub(&[s("(a)(b)?"), s(r"\2-\1"), s("1a2")]).unwrap();
            assert_eq!(show(v), "'1-a2'");
            let v = re_sub(&[s("(abc)"), s(r"\g<1>\g<1>\\x\q"), s("abc")]).unwrap();
            assert_eq!(show(v), r"'abcabc\\xq'");
            assert_eq!(r(re_sub(&[s("(a)"), s(r"\2"), s("a")])), "IndexError: 2");
            let v = re_sub(&[s("a"), s("b"), s("1a2a3a"), Value::small_int(2)]).unwrap();
            assert_eq!(show(v), "'1b2b3a'");
            let p = re_compile(&[s(" +")]).unwrap();
            let v = re_split(&[p, s("a b  c"), Value::small_int(1)]).unwrap();
            assert_eq!(show(v), "['a', 'b  c']");
            let p = re_compile(&[s("( )")]).unwrap();
            assert_eq!(
                r(re_split(&[p, s("a b")])),
                "NotImplementedError: splitting with sub-captures"
            );
            let v = re_sub(&[
                pystr::new_bytes(b".").unwrap(),
                pystr::new_bytes(b"x").unwrap(),
                pystr::new_bytes(b"ab").unwrap(),
            ])
            .unwrap();
            assert_eq!(show(v), "b'xx'");
        });
    }
}
