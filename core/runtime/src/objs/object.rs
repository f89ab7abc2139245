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
        Some(t) if t.is_heap() => super::r#type::alloc_instance(t),
        Some(_) => Err(crate::raise::type_error(
            "object.__new__(X): X is not a user type",
        )),
        None => Err(crate::raise::type_error(
            "object.__new__(X): X is not a type object",
        )),
    }
}

fn setattr(this: Value, name: Value, value: Value) -> PyResult<Value> {
    super::r#type::generic_setattr(this, name, value)?;
    Ok(Value::NONE)
}

fn delattr(this: Value, name: Value) -> PyResult<Value> {
    super::r#type::generic_setattr(this, name, Value::NULL)?;
    Ok(Value::NONE)
}

fn eq(this: Value, other: Value) -> PyResult<Value> {
    if this == other {
        Ok(Value::TRUE)
    } else {
        Ok(Value::from_static(&super::singletons::NOT_IMPLEMENTED))
    }
}

fn ne(this: Value, other: Value) -> PyResult<Value> {
    if this == other {
        Ok(Value::FALSE)
    } else {
        Ok(Value::from_static(&super::singletons::NOT_IMPLEMENTED))
    }
}

static LOCALS: [(crate::qstr::Qstr, Value); 6] = [
    crate::entry!(__delattr__, crate::fun!(__delattr__, F2(delattr))),
    crate::entry!(__eq__, crate::fun!(__eq__, F2(eq))),
    crate::entry!(__ne__, crate::fun!(__ne__, F2(ne))),
    crate::entry!(__setattr__, crate::fun!(__setattr__, F3(setattr))),
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
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};
