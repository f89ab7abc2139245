//! `Ellipsis` and `NotImplemented`: static singleton objects of their own types.

use crate::obj::{flags, ObjBase, Print, PrintKind, PyResult, Type};
use crate::qstr::Q;
use crate::value::Value;

#[repr(C)]
pub struct Singleton {
    pub base: ObjBase,
}

fn print_ellipsis(out: &mut dyn Print, _v: Value, _k: PrintKind) -> PyResult<()> {
    out.write_str("Ellipsis")
}

fn print_not_implemented(out: &mut dyn Print, _v: Value, _k: PrintKind) -> PyResult<()> {
    out.write_str("NotImplemented")
}

pub static ELLIPSIS_TYPE: Type = Type {
    name: Q::ellipsis,
    flags: flags::EQ_IS_IDENTITY,
    print: Some(print_ellipsis),
    ..Type::EMPTY
};

pub static NOT_IMPLEMENTED_TYPE: Type = Type {
    name: Q::NotImplementedType,
    flags: flags::EQ_IS_IDENTITY,
    print: Some(print_not_implemented),
    ..Type::EMPTY
};

pub static ELLIPSIS: Singleton = Singleton {
    base: ObjBase::new(&ELLIPSIS_TYPE),
};
pub static NOT_IMPLEMENTED: Singleton = Singleton {
    base: ObjBase::new(&NOT_IMPLEMENTED_TYPE),
};

pub fn ellipsis() -> Value {
    Value::from_static(&ELLIPSIS)
}

pub fn not_implemented() -> Value {
    Value::from_static(&NOT_IMPLEMENTED)
}
