//! `property`: getter, setter and deleter functions found through instances.

use crate::obj::{ObjBase, PyResult, Type};
use crate::qstr::Q;
use crate::value::Value;

#[repr(C)]
pub struct Property {
    pub base: ObjBase,
    pub fget: Value,
    pub fset: Value,
    pub fdel: Value,
}

fn make_new(_ty: &'static Type, args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    let get = |i: usize| args.get(i).copied().unwrap_or(Value::NONE);
    Ok(Value::from_ptr(crate::mem::alloc(Property {
        base: ObjBase::new(&TYPE),
        fget: get(0),
        fset: get(1),
        fdel: get(2),
    })?))
}

fn prop(v: Value) -> &'static mut Property {
    // SAFETY: callers pass property instances.
    unsafe { v.downcast_unchecked() }
}

/// Call the getter for `obj`.
pub fn get(p: Value, obj: Value) -> PyResult<Value> {
    let f = prop(p).fget;
    if f.is_none() {
        return Err(crate::raise::attribute_error("unreadable attribute"));
    }
    crate::runtime::call(f, &[obj], &[])
}

/// Call the setter (or deleter, when `value` is NULL) for `obj`.
pub fn set(p: Value, obj: Value, value: Value) -> PyResult<()> {
    let pr = prop(p);
    if value.is_null() {
        if pr.fdel.is_none() {
            return Err(crate::raise::attribute_error("can't delete attribute"));
        }
        crate::runtime::call(pr.fdel, &[obj], &[])?;
    } else {
        if pr.fset.is_none() {
            return Err(crate::raise::attribute_error("can't set attribute"));
        }
        crate::runtime::call(pr.fset, &[obj, value], &[])?;
    }
    Ok(())
}

fn with(p: Value, which: usize, f: Value) -> PyResult<Value> {
    let pr = prop(p);
    let mut n = Property {
        base: ObjBase::new(&TYPE),
        fget: pr.fget,
        fset: pr.fset,
        fdel: pr.fdel,
    };
    match which {
        0 => n.fget = f,
        1 => n.fset = f,
        _ => n.fdel = f,
    }
    Ok(Value::from_ptr(crate::mem::alloc(n)?))
}

fn getter(p: Value, f: Value) -> PyResult<Value> {
    with(p, 0, f)
}
fn setter(p: Value, f: Value) -> PyResult<Value> {
    with(p, 1, f)
}
fn deleter(p: Value, f: Value) -> PyResult<Value> {
    with(p, 2, f)
}

static LOCALS: [(crate::qstr::Qstr, Value); 3] = [
    crate::entry!(deleter, crate::fun!(deleter, F2(deleter))),
    crate::entry!(getter, crate::fun!(getter, F2(getter))),
    crate::entry!(setter, crate::fun!(setter, F2(setter))),
];

pub static TYPE: Type = Type {
    name: Q::property,
    make_new: Some(make_new),
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};
