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

/// The attributes trace functions read from `frame.f_code` (upstream's "full" code level,
/// which comes with settrace).
#[cfg(feature = "settrace")]
fn attr(v: Value, name: crate::qstr::Qstr, aop: crate::obj::AttrOp) -> PyResult<Option<Value>> {
    let Some(c) = get(v) else { return Ok(None) };
    if aop != crate::obj::AttrOp::Load {
        return Ok(None);
    }
    let rc = c.raw_code();
    Ok(match name {
        Q::co_filename => Some(Value::qstr(c.context().source_file())),
        Q::co_name => Some(Value::qstr(rc.name)),
        Q::co_firstlineno => Some(crate::objs::int::from_u64(rc.line_of(0) as u64)?),
        _ => None,
    })
}

pub static TYPE: Type = Type {
    name: Q::code,
    #[cfg(feature = "settrace")]
    attr: Some(attr),
    ..Type::EMPTY
};

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
}
