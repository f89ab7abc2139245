//! `slice`: start/stop/step triples, and their resolution against a sequence length.

use crate::obj::{ObjBase, Print, PrintKind, PyResult, Type};
use crate::qstr::Q;
use crate::value::Value;

#[repr(C)]
pub struct Slice {
    pub base: ObjBase,
    pub start: Value,
    pub stop: Value,
    pub step: Value,
}

pub fn new(start: Value, stop: Value, step: Value) -> PyResult<Value> {
    Ok(Value::from_ptr(crate::mem::alloc(Slice {
        base: ObjBase::new(&TYPE),
        start,
        stop,
        step,
    })?))
}

pub fn get(v: Value) -> Option<&'static mut Slice> {
    v.downcast(&TYPE)
}

fn index_of(v: Value) -> PyResult<Option<isize>> {
    if v.is_none() {
        return Ok(None);
    }
    match v.as_small_int() {
        Some(n) => Ok(Some(n)),
        None if v.is_bool() => Ok(Some((v == Value::TRUE) as isize)),
        None => Err(crate::raise::type_error(
            "slice indices must be integers or None or have an __index__ method",
        )),
    }
}

/// Resolve a slice against `len` like CPython's `slice.indices`: (start, stop, step), with
/// the count of selected items.
pub fn indices(v: Value, len: usize) -> PyResult<(isize, isize, isize, usize)> {
    let s = get(v).ok_or_else(|| crate::raise::type_error("expected slice"))?;
    let len = len as isize;
    let step = index_of(s.step)?.unwrap_or(1);
    if step == 0 {
        return Err(crate::raise::value_error("slice step cannot be zero"));
    }
    let clamp = |x: Option<isize>, default: isize, lo: isize, hi: isize| -> isize {
        match x {
            None => default,
            Some(i) => {
                let i = if i < 0 { i + len } else { i };
                i.clamp(lo, hi)
            }
        }
    };
    let (start, stop) = if step > 0 {
        (
            clamp(index_of(s.start)?, 0, 0, len),
            clamp(index_of(s.stop)?, len, 0, len),
        )
    } else {
        (
            clamp(index_of(s.start)?, len - 1, -1, len - 1),
            clamp(index_of(s.stop)?, -1, -1, len - 1),
        )
    };
    let count = if step > 0 {
        if stop > start {
            ((stop - start - 1) / step + 1) as usize
        } else {
            0
        }
    } else if start > stop {
        ((start - stop - 1) / (-step) + 1) as usize
    } else {
        0
    };
    Ok((start, stop, step, count))
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let Some(s) = get(v) else { return Ok(()) };
    out.write_str("slice(")?;
    crate::runtime::print_value(out, s.start, PrintKind::Repr)?;
    out.write_str(", ")?;
    crate::runtime::print_value(out, s.stop, PrintKind::Repr)?;
    out.write_str(", ")?;
    crate::runtime::print_value(out, s.step, PrintKind::Repr)?;
    out.write_str(")")
}

pub static TYPE: Type = Type {
    name: Q::slice,
    print: Some(print),
    ..Type::EMPTY
};
