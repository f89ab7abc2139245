//! `slice`: start/stop/step triples, their resolution against a sequence length, the
//! `start`/`stop`/`step` attributes and the `indices()` method.

use crate::obj::{AttrOp, ObjBase, Print, PrintKind, PyResult, Type};
use crate::objs::list;
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;
use upy_compiler::bc::unary as uop;

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
    match list::int_of(v) {
        Ok(n) => Ok(Some(n)),
        // Ints beyond a machine word clamp (they are past either end anyway), as CPython.
        Err(_) if crate::objs::int::is_int(v) => {
            let negative =
                crate::runtime::compare(upy_compiler::bc::binary::LESS, v, Value::small_int(0))?;
            Ok(Some(if negative {
                isize::MIN / 2
            } else {
                isize::MAX / 2
            }))
        }
        Err(e) => Err(e),
    }
}

/// Resolve a slice against `len` as MicroPython's `mp_obj_slice_indices` (and CPython's
/// `slice.indices`): `(start, stop, step)` with start/stop clamped to the sequence.
pub fn bounds(v: Value, len: usize) -> PyResult<(isize, isize, isize)> {
    let s = get(v).ok_or_else(|| raise::type_error("expected slice"))?;
    let len = len.min(isize::MAX as usize) as isize;
    let step = index_of(s.step)?.unwrap_or(1);
    if step == 0 {
        return Err(raise::value_error("slice step can't be zero"));
    }
    let resolve = |x: Option<isize>, default: isize, lo: isize, hi: isize| -> isize {
        match x {
            None => default,
            Some(i) => {
                let i = if i < 0 { i.saturating_add(len) } else { i };
                i.clamp(lo, hi)
            }
        }
    };
    let (start, stop) = if step > 0 {
        (
            resolve(index_of(s.start)?, 0, 0, len),
            resolve(index_of(s.stop)?, len, 0, len),
        )
    } else {
        (
            resolve(index_of(s.start)?, len - 1, -1, len - 1),
            resolve(index_of(s.stop)?, -1, -1, len - 1),
        )
    };
    Ok((start, stop, step))
}

/// Resolve a slice against `len`: (start, stop, step) as [`bounds`], with the count of
/// selected items.
pub fn indices(v: Value, len: usize) -> PyResult<(isize, isize, isize, usize)> {
    let (start, stop, step) = bounds(v, len)?;
    let count = if step > 0 {
        if stop > start {
            ((stop - start - 1) / step + 1) as usize
        } else {
            0
        }
    } else if start > stop {
        ((start - stop - 1) / step.saturating_neg() + 1) as usize
    } else {
        0
    };
    Ok((start, stop, step, count))
}

/// Whether index `r` is one of the `count` items `start`, `start + step`, ... that a
/// resolved slice selects (deleting a stepped slice keeps the others).
#[inline(never)]
pub fn selects(start: isize, step: isize, count: usize, r: isize) -> bool {
    let d = if step > 0 { r - start } else { start - r };
    let stride = step.unsigned_abs() as isize;
    d >= 0 && d % stride == 0 && ((d / stride) as usize) < count
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 1, 3)?;
    match args {
        [stop] => new(Value::NONE, *stop, Value::NONE),
        [start, stop] => new(*start, *stop, Value::NONE),
        [start, stop, step] => new(*start, *stop, *step),
        _ => Err(raise::type_error("slice expected 1 to 3 arguments")),
    }
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

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    if o == uop::HASH {
        return Err(list::unhashable(v));
    }
    Ok(None)
}

fn slice_indices(v: Value, length: Value) -> PyResult<Value> {
    let n = list::int_of(length)?;
    if n < 0 {
        return Err(raise::value_error("length should not be negative"));
    }
    let (start, stop, step) = bounds(v, n as usize)?;
    crate::objs::tuple::new(&[
        Value::small_int(start),
        Value::small_int(stop),
        Value::small_int(step),
    ])
}

fn attr(v: Value, name: Qstr, aop: AttrOp) -> PyResult<Option<Value>> {
    let Some(s) = get(v) else { return Ok(None) };
    if aop != AttrOp::Load {
        return Ok(None);
    }
    Ok(match name {
        Q::start => Some(s.start),
        Q::stop => Some(s.stop),
        Q::step => Some(s.step),
        _ => None,
    })
}

#[rustfmt::skip]
static LOCALS: [(Qstr, Value); 1] = [
    crate::entry!(indices, crate::fun!(indices, F2(slice_indices))),
];

pub static TYPE: Type = Type {
    name: Q::slice,
    make_new: Some(make_new),
    print: Some(print),
    unary_op: Some(unary_op),
    attr: Some(attr),
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::with_vm;

    fn int(n: isize) -> Value {
        Value::small_int(n)
    }

    #[test]
    fn bounds_and_indices() {
        with_vm(|| {
            let n = Value::NONE;
            let s = new(int(2), int(7), int(-2)).unwrap();
            assert_eq!(bounds(s, 10).unwrap(), (2, 7, -2));
            assert_eq!(indices(s, 10).unwrap().3, 0);
            let s = new(int(7), int(2), int(-2)).unwrap();
            assert_eq!(indices(s, 5).unwrap(), (4, 2, -2, 1));
            let s = new(n, n, n).unwrap();
            assert_eq!(indices(s, 0).unwrap(), (0, 0, 1, 0));
            let s = new(n, n, int(-1)).unwrap();
            assert_eq!(indices(s, 0).unwrap(), (-1, -1, -1, 0));
            assert_eq!(indices(s, 3).unwrap(), (2, -1, -1, 3));
            let s = new(int(-100), int(100), n).unwrap();
            assert_eq!(indices(s, 4).unwrap(), (0, 4, 1, 4));
            assert!(bounds(new(n, n, int(0)).unwrap(), 3).is_err());
            assert!(bounds(new(Value::TRUE, n, n).unwrap(), 3).is_ok());
            let t = slice_indices(new(int(1), n, int(2)).unwrap(), int(6)).unwrap();
            let items = crate::objs::tuple::items(t).unwrap();
            assert_eq!(items, &[int(1), int(6), int(2)]);
            assert!(slice_indices(s, int(-1)).is_err());
        });
    }
}
