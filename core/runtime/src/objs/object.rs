//! `object`: the root of every class. Instances of `object()` itself carry no state.

use crate::obj::{flags, ObjBase, PyResult, Type};
use crate::qstr::Q;
use crate::value::Value;

#[repr(C)]
pub struct Object {
    pub base: ObjBase,
}

fn make_new(ty: &'static Type, args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    if !args.is_empty() {
        return Err(crate::raise::type_error("object() takes no arguments"));
    }
    Ok(Value::from_ptr(crate::mem::alloc(Object {
        base: ObjBase::new(ty),
    })?))
}

fn init(_this: Value) -> PyResult<Value> {
    Ok(Value::NONE)
}

fn new(args: &[Value]) -> PyResult<Value> {
    // object.__new__(cls): create a bare instance of a user class.
    match args.first().and_then(|c| super::r#type::as_type(*c)) {
        Some(t) => super::r#type::alloc_instance(t),
        None => Err(crate::raise::type_error(
            "object.__new__(X): X is not a type object",
        )),
    }
}

static LOCALS: [(crate::qstr::Qstr, Value); 2] = [
    crate::entry!(__init__, crate::fun!(__init__, F1(init))),
    crate::entry!(__new__, {
        static F: super::fun::MethodWrapper = super::fun::MethodWrapper {
            base: ObjBase::new(&super::fun::STATICMETHOD_TYPE),
            fun: crate::fun!(
                __new__,
                Var {
                    min: 1,
                    max: 255,
                    f: new
                }
            ),
        };
        Value::from_static(&F)
    }),
];

pub static TYPE: Type = Type {
    name: Q::object,
    flags: flags::BASETYPE,
    make_new: Some(make_new),
    locals: &LOCALS,
    ..Type::EMPTY
};
