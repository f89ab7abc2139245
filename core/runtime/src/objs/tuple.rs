//! `tuple`: an immutable array of values stored inline after the header.

use crate::mem;
use crate::obj::{flags, ObjBase, Print, PrintKind, PyResult, Type};
use crate::qstr::Q;
use crate::value::Value;

#[repr(C)]
pub struct Tuple {
    pub base: ObjBase,
    pub len: usize,
}

impl Tuple {
    pub fn items(&self) -> &'static mut [Value] {
        // SAFETY: a tuple allocation holds `len` values right after the header.
        unsafe { core::slice::from_raw_parts_mut(mem::items_ptr::<Tuple, Value>(self), self.len) }
    }
}

/// A new tuple of `n` NULL items, to be filled by the caller before it escapes.
pub fn new_uninit(n: usize) -> PyResult<(Value, &'static mut [Value])> {
    let p = mem::alloc_var::<Tuple, Value>(
        Tuple {
            base: ObjBase::new(&TYPE),
            len: n,
        },
        n,
    )?;
    // SAFETY: just allocated with room for n items.
    let t = unsafe { &*p };
    Ok((Value::from_ptr(p), t.items()))
}

pub fn new(items: &[Value]) -> PyResult<Value> {
    if items.is_empty() {
        return Ok(Value::from_static(&EMPTY));
    }
    let (v, dst) = new_uninit(items.len())?;
    dst.copy_from_slice(items);
    Ok(v)
}

/// The items of a tuple (or tuple subclass instance's native part is not handled here).
pub fn items(v: Value) -> Option<&'static mut [Value]> {
    let t: &Tuple = v.downcast(&TYPE)?;
    Some(t.items())
}

fn print(out: &mut dyn Print, v: Value, _kind: PrintKind) -> PyResult<()> {
    let items = items(v).unwrap_or(&mut []);
    out.write_str("(")?;
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        crate::runtime::print_value(out, *x, PrintKind::Repr)?;
    }
    if items.len() == 1 {
        out.write_str(",")?;
    }
    out.write_str(")")
}

pub static TYPE: Type = Type {
    name: Q::tuple,
    flags: flags::BASETYPE,
    print: Some(print),
    ..Type::EMPTY
};

/// The empty tuple singleton (static: costs no heap).
pub static EMPTY: Tuple = Tuple {
    base: ObjBase::new(&TYPE),
    len: 0,
};
