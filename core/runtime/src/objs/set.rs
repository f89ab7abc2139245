//! `set` and `frozenset` (placeholder until the containers work lands).

use crate::obj::{ObjBase, PyResult, Type};
use crate::qstr::Q;
use crate::value::Value;

#[repr(C)]
pub struct Set {
    pub base: ObjBase,
    pub items: Value,
}

pub fn new_from_slice(items: &[Value]) -> PyResult<Value> {
    let l = crate::objs::list::new(&[])?;
    let s = Value::from_ptr(crate::mem::alloc(Set {
        base: ObjBase::new(&TYPE),
        items: l,
    })?);
    for v in items {
        add(s, *v)?;
    }
    Ok(s)
}

pub fn add(set: Value, v: Value) -> PyResult<()> {
    let s: &Set = set
        .downcast(&TYPE)
        .ok_or_else(|| crate::raise::type_error("expected set"))?;
    let l = crate::objs::list::get(s.items).ok_or_else(crate::mem::oom)?;
    for x in l.items().iter() {
        if crate::runtime::equal(*x, v)? {
            return Ok(());
        }
    }
    l.push(v)
}

pub static TYPE: Type = Type {
    name: Q::set,
    ..Type::EMPTY
};
