//! `float`: a heap-boxed f64 (placeholder until the numbers work lands).

use crate::obj::{ObjBase, Print, PrintKind, PyResult, Type};
use crate::qstr::Q;
use crate::value::Value;

#[repr(C)]
pub struct Float {
    pub base: ObjBase,
    pub value: f64,
}

pub fn new(x: f64) -> PyResult<Value> {
    Ok(Value::from_ptr(crate::mem::alloc(Float {
        base: ObjBase::new(&TYPE),
        value: x,
    })?))
}

/// `round(x[, ndigits])` for floats.
pub fn round(_x: Value, _nd: Option<Value>) -> PyResult<Value> {
    Err(crate::raise::type_error(
        "round() not supported for this type",
    ))
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let x = v.downcast::<Float>(&TYPE).map(|f| f.value).unwrap_or(0.0);
    let mut s = crate::vstr::VStr::new();
    let _ = core::fmt::write(&mut s, format_args!("{:?}", x));
    out.write_str(core::str::from_utf8(s.as_bytes()).unwrap_or(""))
}

pub static TYPE: Type = Type {
    name: Q::float,
    print: Some(print),
    ..Type::EMPTY
};
