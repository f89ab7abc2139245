//! Modules. Built-in modules are static: a name and a static globals table (no RAM, no
//! start-up work). Modules loaded from source or .mpy have a heap globals dict.

use crate::obj::{AttrOp, LocalsRef, ObjBase, Print, PrintKind, PyResult, Type};
use crate::qstr::{Qstr, Q};
use crate::value::Value;

#[repr(C)]
pub struct Module {
    pub base: ObjBase,
    pub name: Qstr,
    /// Globals dict of a heap module; NULL for a static module.
    pub globals: Value,
    /// Static globals of a built-in module (`locals!`).
    pub table: LocalsRef,
}

// SAFETY: static modules are immutable.
unsafe impl Sync for Module {}

impl Module {
    /// A static built-in module.
    pub const fn new_static(name: Qstr, table: LocalsRef) -> Module {
        Module {
            base: ObjBase::new(&TYPE),
            name,
            globals: Value::NULL,
            table,
        }
    }
}

/// A new heap module with a fresh globals dict holding `__name__`.
pub fn new(name: Qstr) -> PyResult<Value> {
    let globals = crate::objs::dict::new()?;
    if let Some(m) = crate::objs::dict::map_of(globals) {
        m.insert_qstr(Q::__name__, Value::qstr(name))?;
    }
    let p = crate::mem::alloc(Module {
        base: ObjBase::new(&TYPE),
        name,
        globals,
        table: LocalsRef::EMPTY,
    })?;
    Ok(Value::from_ptr(p))
}

pub fn get(v: Value) -> Option<&'static mut Module> {
    v.downcast(&TYPE)
}

/// The globals dict of a heap module (NULL for static modules).
pub fn globals(v: Value) -> Value {
    get(v).map(|m| m.globals).unwrap_or(Value::NULL)
}

/// Look up a module attribute.
pub fn lookup(v: Value, name: Qstr) -> Option<Value> {
    let m = get(v)?;
    if let Some(d) = crate::objs::dict::map_of(m.globals) {
        if let Some(x) = d.get_qstr(name) {
            return Some(x);
        }
    }
    if m.name == Q::builtins && m.globals.is_null() {
        // Overrides, functions, types and the exception classes, as a bare name sees them.
        if let Some(x) = crate::modules::builtins::lookup(name) {
            return Some(x);
        }
    }
    if let Some(x) = m.table.get(name) {
        return Some(x);
    }
    if name == Q::__name__ {
        return Some(Value::qstr(m.name));
    }
    None
}

fn attr(v: Value, name: Qstr, op: AttrOp) -> PyResult<Option<Value>> {
    let Some(m) = get(v) else { return Ok(None) };
    match op {
        AttrOp::Load => {
            if let Some(x) = lookup(v, name) {
                return Ok(Some(x));
            }
            if name == Q::__dict__ {
                if !m.globals.is_null() {
                    return Ok(Some(m.globals));
                }
                return crate::runtime::fixed_dict(&mut m.table.iter()).map(Some);
            }
            // Module-level __getattr__ (PEP 562).
            if name != Q::__getattr__ {
                if let Some(ga) = lookup(v, Q::__getattr__) {
                    return crate::runtime::call(ga, &[Value::qstr(name)], &[]).map(Some);
                }
            }
            Ok(None)
        }
        AttrOp::Store(x) => match crate::objs::dict::map_of(m.globals) {
            Some(d) => {
                d.insert_qstr(name, x)?;
                Ok(Some(Value::NONE))
            }
            None => {
                if m.name == Q::builtins {
                    crate::modules::builtins::store_override(name, x)?;
                    return Ok(Some(Value::NONE));
                }
                if m.name == Q::sys {
                    return crate::modules::sys::store_attr(name, x);
                }
                Ok(None)
            }
        },
        AttrOp::Delete => match crate::objs::dict::map_of(m.globals) {
            Some(d) => Ok(d.remove(Value::qstr(name))?.map(|_| Value::NONE)),
            None => Ok(None),
        },
    }
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let Some(m) = get(v) else { return Ok(()) };
    out.write_str("<module '")?;
    out.write_str(m.name.as_str())?;
    if let Some(f) = lookup(v, Q::__file__).and_then(crate::objs::str::as_str) {
        out.write_str("' from '")?;
        out.write_str(f)?;
    }
    out.write_str("'>")
}

pub static TYPE: Type = Type {
    name: Q::module,
    print: Some(print),
    attr: Some(attr),
    ..Type::EMPTY
};
