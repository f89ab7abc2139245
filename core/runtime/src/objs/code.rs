//! `code`: what `compile()` returns (upstream's `mp_obj_code_t`): a loaded module-level
//! raw code and its context, run later by `exec` or `eval` in the namespaces they give.

use crate::emitglue::{Context, RawCode};
use crate::mem;
use crate::obj::{ObjBase, PyResult, Type};
use crate::qstr::Q;
use crate::value::Value;

#[repr(C)]
pub struct Code {
    pub base: ObjBase,
    /// Heap context and raw code from `emitglue::load`; these words keep them alive.
    ctx: *const Context,
    rc: *const RawCode,
}

pub static TYPE: Type = Type {
    name: Q::code,
    ..Type::EMPTY
};

/// Compile `source` in `mode` ("exec", "eval" or "single") into a code object.
pub fn compile(source: &str, file: &str, mode: &str) -> PyResult<Value> {
    use upy_compiler::ast::ParseMode;
    let mode = match mode {
        "exec" => ParseMode::File,
        "eval" => ParseMode::Eval,
        "single" => ParseMode::Single,
        _ => return Err(crate::raise::value_error("bad compile mode")),
    };
    let compiled = crate::exec::compile(source, file, mode)?;
    let globals = crate::modules::sys::current_globals();
    let (ctx, rc) = crate::emitglue::load(&compiled, globals)?;
    Ok(Value::from_ptr(mem::alloc(Code {
        base: ObjBase::new(&TYPE),
        ctx,
        rc,
    })?))
}

/// Run a code object with `globals` as its module namespace (functions it defines keep
/// them) and `locals` for its top-level names.
pub fn run(code: Value, globals: Value, locals: Value) -> PyResult<Option<Value>> {
    let Some(c) = code.downcast::<Code>(&TYPE) else {
        return Ok(None);
    };
    // SAFETY: `ctx` came from `emitglue::load` and is kept alive by this object; the
    // context's namespace is per execution, as upstream's code objects do.
    unsafe { (*(c.ctx as *mut Context)).globals = globals };
    crate::vm::run_module_code(c.ctx, c.rc, globals, locals).map(Some)
}
