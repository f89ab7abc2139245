//! `code`: a compiled function body detached from any namespace (MicroPython's
//! py/objcode.c at its "basic" level): the module context it was compiled in (qstr and
//! constant tables) and its raw code. Made by `compile()`, `function.__code__` and
//! `marshal.loads`; run by `exec`/`eval`, or turned back into a function by
//! `FunctionType(code, globals)`. In each case the code gets a copy of its context whose
//! globals are the namespace asked for, so one code object can serve many namespaces.

use crate::emitglue::{Context, RawCode};
use crate::mem;
use crate::obj::{ObjBase, PyResult, Type};
use crate::objs::{dict, function};
use crate::qstr::Q;
use crate::raise;
use crate::value::Value;

#[repr(C)]
pub struct Code {
    base: ObjBase,
    pub context: *const Context,
    pub rc: *const RawCode,
}

impl Code {
    pub fn context(&self) -> &'static Context {
        // SAFETY: the context is a GC allocation kept alive by this object's scanned word.
        unsafe { &*self.context }
    }

    pub fn raw_code(&self) -> &'static RawCode {
        // SAFETY: as above.
        unsafe { &*self.rc }
    }
}

pub fn new(context: *const Context, rc: *const RawCode) -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(Code {
        base: ObjBase::new(&TYPE),
        context,
        rc,
    })?))
}

pub fn get(v: Value) -> Option<&'static Code> {
    v.downcast::<Code>(&TYPE).map(|c| &*c)
}

/// A copy of the code's context that looks names up in `globals`.
fn context_with(code: &Code, globals: Value) -> PyResult<*const Context> {
    let c = code.context();
    Ok(mem::alloc(Context {
        globals,
        qstrs: c.qstrs,
        n_qstrs: c.n_qstrs,
        consts: c.consts,
        n_consts: c.n_consts,
    })?)
}

/// `FunctionType(code, globals)`: a function of the code with no defaults or closure.
pub fn function_make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    crate::objs::list::check_args(args, kw, 2, 2)?;
    let code = get(args[0]).ok_or_else(|| raise::type_error("expecting a code object"))?;
    if dict::map_of(args[1]).is_none() {
        return Err(raise::type_error("expecting a dict for globals"));
    }
    function::new(
        context_with(code, args[1])?,
        code.rc,
        Value::NULL,
        Value::NULL,
    )
}

/// Run a code object as `exec`/`eval` do, with the given namespaces.
pub fn execute(v: Value, globals: Value, locals: Value) -> PyResult<Value> {
    let code = get(v).ok_or_else(|| raise::type_error("expecting a code object"))?;
    crate::vm::run_module_code(context_with(code, globals)?, code.rc, globals, locals)
}

/// `compile(source, filename, mode[, flags[, dont_inherit[, optimize]]])`.
pub fn compile(args: &[Value]) -> PyResult<Value> {
    use upy_compiler::ast::ParseMode;
    let src = crate::objs::str::buffer_bytes_raise(args[0])?;
    let src = core::str::from_utf8(src).map_err(|_| raise::unicode_error("invalid utf-8"))?;
    let file = crate::objs::str::as_str(args[1])
        .ok_or_else(|| crate::objs::str::bad_implicit_conversion(args[1]))?;
    let mode = match crate::objs::str::as_str(args[2]) {
        Some("exec") => ParseMode::File,
        Some("eval") => ParseMode::Eval,
        Some("single") => ParseMode::Single,
        _ => return Err(raise::value_error("bad compile mode")),
    };
    let compiled = crate::exec::compile(src, file, mode)?;
    let globals = crate::modules::sys::current_globals();
    let (ctx, rc) = crate::emitglue::load(&compiled, globals)?;
    new(ctx, rc)
}

pub static TYPE: Type = Type {
    name: Q::code,
    #[cfg(feature = "settrace")]
    print: Some(full::print),
    #[cfg(feature = "settrace")]
    attr: Some(full::attr),
    #[cfg(feature = "settrace")]
    locals: crate::locals!(&full::LOCALS),
    ..Type::EMPTY
};

/// Upstream's "full" code objects, which come with settrace: the attributes trace functions
/// and debuggers read.
#[cfg(feature = "settrace")]
mod full {
    use super::{get, Code};
    use crate::emitglue::RawCode;
    use crate::obj::{AttrOp, Print, PrintKind, PyResult};
    use crate::objs::{int, list, str as pystr, tuple};
    use crate::qstr::{Qstr, Q};
    use crate::runtime;
    use crate::value::Value;
    use alloc::vec::Vec;

    pub fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
        let Some(c) = get(v) else { return Ok(()) };
        let mut s = crate::vstr::VStr::new();
        let _ = core::fmt::write(
            &mut s,
            format_args!(
                "<code object {} at 0x{:x}, file \"{}\", line {}>",
                c.raw_code().name.as_str(),
                v.bits(),
                c.context().source_file().as_str(),
                crate::trace::definition_line(c.raw_code())
            ),
        );
        out.write_str(core::str::from_utf8(s.as_bytes()).unwrap_or(">"))
    }

    /// The line table as (bytecode increment, line increment) pairs.
    fn line_entries(rc: &RawCode) -> impl Iterator<Item = (usize, usize)> {
        let table = rc
            .bytes()
            .get(rc.line_info..rc.closure_start)
            .unwrap_or(&[]);
        let mut i = 0;
        core::iter::from_fn(move || {
            let b = *table.get(i)?;
            if b & 0x80 == 0 {
                i += 1;
                Some(((b & 0x1f) as usize, ((b >> 5) & 3) as usize))
            } else {
                let b2 = table.get(i + 1).copied().unwrap_or(0) as usize;
                i += 2;
                Some(((b & 0x0f) as usize, (((b as usize) << 4) & 0x700) | b2))
            }
        })
    }

    fn code_len(rc: &RawCode) -> usize {
        rc.len.saturating_sub(rc.code_start)
    }

    /// `(start, end, line)` ranges as upstream's `co_lines` walks the line table: entries
    /// that move only the line or only the offset merge into the next range, and the last
    /// range runs to the end of the bytecode.
    pub(super) fn lines(rc: &RawCode) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        let mut entries = line_entries(rc).peekable();
        let (mut bc, mut line) = (0usize, 1usize);
        loop {
            let start = bc;
            let mut line_no = line;
            let mut another = true;
            while another {
                let Some((dbc, dln)) = entries.next() else {
                    break;
                };
                another = false;
                bc += dbc;
                line += dln;
                if dbc == 0 {
                    line_no = line;
                    another = true;
                } else if dln == 0 {
                    another = true;
                }
            }
            if another {
                let end = code_len(rc);
                if bc >= end {
                    return out;
                }
                bc = end;
            }
            out.push((start, bc, line_no));
        }
    }

    /// Upstream's `co_lnotab`: (offset step, line step) byte pairs at each line change.
    fn lnotab(rc: &RawCode) -> PyResult<Value> {
        let mut out = Vec::new();
        let mut last_line = rc.line_of(0);
        let mut last_i = 0;
        for i in 0..code_len(rc) {
            let line = rc.line_of(i);
            if line > last_line {
                out.push((i - last_i) as u8);
                out.push((line - last_line) as u8);
                last_line = line;
                last_i = i;
            }
        }
        pystr::new_bytes(&out)
    }

    fn co_lines(v: Value) -> PyResult<Value> {
        let c = get(v).ok_or_else(|| crate::raise::type_error("expecting a code object"))?;
        let l = list::new(&[])?;
        for (a, b, n) in lines(c.raw_code()) {
            let t = tuple::new(&[
                int::from_u64(a as u64)?,
                int::from_u64(b as u64)?,
                int::from_u64(n as u64)?,
            ])?;
            list::append(l, t)?;
        }
        runtime::get_iter(l)
    }

    pub static LOCALS: [(Qstr, Value); 1] =
        [crate::entry!(co_lines, crate::fun!(co_lines, F1(co_lines)))];

    fn consts(c: &Code) -> PyResult<Value> {
        let rc = c.raw_code();
        // The tuple is made first and filled in place, so every code object made so far
        // stays reachable while the next one is allocated.
        let (t, items) = tuple::new_uninit(rc.n_children + 1)?;
        items.fill(Value::NONE);
        for (i, slot) in items.iter_mut().enumerate().take(rc.n_children) {
            if let Some(child) = rc.child(i) {
                *slot = super::new(c.context, child)?;
            }
        }
        Ok(t)
    }

    pub fn attr(v: Value, name: Qstr, aop: AttrOp) -> PyResult<Option<Value>> {
        let Some(c) = get(v) else { return Ok(None) };
        if aop != AttrOp::Load {
            return Ok(None);
        }
        let rc = c.raw_code();
        Ok(Some(match name {
            Q::co_code => pystr::new_bytes(rc.bytes().get(rc.code_start..).unwrap_or(&[]))?,
            Q::co_consts => consts(c)?,
            Q::co_filename => Value::qstr(c.context().source_file()),
            Q::co_firstlineno => int::from_u64(rc.line_of(0) as u64)?,
            Q::co_name => Value::qstr(rc.name),
            // Upstream hands out the namespace the code was made in.
            Q::co_names => c.context().globals,
            Q::co_lnotab => lnotab(rc)?,
            _ => return Ok(None),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::r;
    use crate::state::testing::with_vm;

    // Running code needs a pystack, which unit tests lack: execution is covered by
    // tests/basics/code_*.py and tests/extmod/marshal_*.py.
    #[test]
    fn compile_and_make_functions() {
        with_vm(|| {
            let s = |t: &str| crate::objs::str::new(t).unwrap();
            let c = compile(&[s("y = x + 1"), s("f"), s("exec")]).unwrap();
            assert!(get(c).is_some());
            assert_eq!(
                r(compile(&[s("1"), s("f"), s("nope")])),
                "ValueError: bad compile mode"
            );
            assert!(r(compile(&[s("1 +"), s("f"), s("eval")])).starts_with("SyntaxError"));
            let g = dict::new().unwrap();
            let f = function_make_new(&function::TYPE, &[c, g], &[]).unwrap();
            let fun = function::get(f).unwrap();
            assert_eq!(fun.context().globals, g);
            assert_eq!(fun.code as usize, get(c).unwrap().rc as usize);
            assert_eq!(
                r(function_make_new(&function::TYPE, &[c, Value::NONE], &[])),
                "TypeError: expecting a dict for globals"
            );
            assert_eq!(
                r(function_make_new(&function::TYPE, &[g, g], &[])),
                "TypeError: expecting a code object"
            );
        });
    }

    #[cfg(feature = "settrace")]
    #[test]
    fn full_code_attributes() {
        use crate::obj::AttrOp;
        with_vm(|| {
            let s = |t: &str| crate::objs::str::new(t).unwrap();
            let src = "x = 1\n\ndef f(a):\n    b = a\n\n    return b\n";
            let top = compile(&[s(src), s("m.py"), s("exec")]).unwrap();
            let at = |v: Value, q| full::attr(v, q, AttrOp::Load).unwrap().unwrap();
            let consts = crate::objs::tuple::items(at(top, Q::co_consts)).unwrap();
            assert_eq!(consts.len(), 2);
            assert!(consts[1].is_none());
            let f = consts[0];
            assert_eq!(at(f, Q::co_name), Value::qstr(Q::f));
            assert_eq!(r(Ok(at(f, Q::co_filename))), "'m.py'");
            // Upstream's first line is the body's; the repr gives the defining line.
            assert_eq!(at(f, Q::co_firstlineno), Value::small_int(4));
            let mut out = crate::vstr::VStr::new();
            full::print(&mut out, f, crate::obj::PrintKind::Repr).unwrap();
            let text = core::str::from_utf8(out.as_bytes()).unwrap();
            assert!(text.starts_with("<code object f at 0x"), "{text}");
            assert!(text.ends_with(", file \"m.py\", line 3>"), "{text}");
            let rc = get(f).unwrap().raw_code();
            let ranges = full::lines(rc);
            let code_len = rc.len - rc.code_start;
            assert_eq!(ranges.first().map(|r| r.0), Some(0));
            assert_eq!(ranges.last().map(|r| r.1), Some(code_len));
            assert_eq!(
                ranges.iter().map(|r| r.2).collect::<alloc::vec::Vec<_>>(),
                [4, 6]
            );
            // One (offset, line) step of 2 lines, from `b = a` to `return b`.
            let tab = at(f, Q::co_lnotab);
            let tab = crate::objs::str::as_bytes(tab).unwrap();
            assert_eq!(tab.len(), 2);
            assert_eq!(tab[1], 2);
        });
    }
}
