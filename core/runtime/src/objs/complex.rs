//! `complex` (placeholder until the numbers work lands).

use crate::obj::{ObjBase, PyResult, Type};
use crate::qstr::Q;
use crate::value::Value;

#[repr(C)]
pub struct Complex {
    pub base: ObjBase,
    pub real: f64,
    pub imag: f64,
}

pub fn new(real: f64, imag: f64) -> PyResult<Value> {
    Ok(Value::from_ptr(crate::mem::alloc(Complex {
        base: ObjBase::new(&TYPE),
        real,
        imag,
    })?))
}

pub static TYPE: Type = Type {
    name: Q::complex,
    ..Type::EMPTY
};
