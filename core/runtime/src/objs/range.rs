//! `range`: a lazy arithmetic sequence (start, stop, step) with its iterator; supports
//! len, indexing, slicing (to another range), `in`, `==` and the start/stop/step
//! attributes, as MicroPython's py/objrange.c.

use crate::mem;
use crate::obj::{flags, AttrOp, ObjBase, Print, PrintKind, PyResult, SubscrOp, Type};
use crate::objs::list;
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;
use upy_compiler::bc::{binary as op, unary as uop};

#[repr(C)]
pub struct Range {
    pub base: ObjBase,
    pub start: isize,
    pub stop: isize,
    pub step: isize,
}

impl Range {
    /// Number of items (never negative; computed without overflow).
    pub fn len(&self) -> usize {
        let (start, stop, step) = (self.start as i128, self.stop as i128, self.step as i128);
        let n = if step > 0 {
            (stop - start + step - 1) / step
        } else {
            (stop - start + step + 1) / step
        };
        n.clamp(0, isize::MAX as i128) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Item `i` (caller checks `i < len`).
    fn item(&self, i: usize) -> isize {
        (self.start as i128 + i as i128 * self.step as i128) as isize
    }
}

pub fn new(start: isize, stop: isize, step: isize) -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(Range {
        base: ObjBase::new(&TYPE),
        start,
        stop,
        step,
    })?))
}

pub fn get(v: Value) -> Option<&'static mut Range> {
    v.downcast(&TYPE)
}

fn int_value(n: isize) -> PyResult<Value> {
    crate::objs::int::from_i64(n as i64)
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 1, 3)?;
    let (start, stop, step) = match args {
        [stop] => (0, list::int_of(*stop)?, 1),
        [start, stop] => (list::int_of(*start)?, list::int_of(*stop)?, 1),
        [start, stop, step] => (
            list::int_of(*start)?,
            list::int_of(*stop)?,
            list::int_of(*step)?,
        ),
        _ => return Err(raise::type_error("range expected 1 to 3 arguments")),
    };
    if step == 0 {
        return Err(raise::value_error("zero step"));
    }
    new(start, stop, step)
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let Some(r) = get(v) else { return Ok(()) };
    let mut buf = [0u8; 24];
    out.write_str("range(")?;
    out.write_str(crate::objs::int::format_isize(r.start, &mut buf))?;
    out.write_str(", ")?;
    out.write_str(crate::objs::int::format_isize(r.stop, &mut buf))?;
    if r.step != 1 {
        out.write_str(", ")?;
        out.write_str(crate::objs::int::format_isize(r.step, &mut buf))?;
    }
    out.write_str(")")
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let Some(r) = get(v) else { return Ok(None) };
    Ok(match o {
        uop::BOOL => Some(Value::from_bool(!r.is_empty())),
        uop::LEN => Some(int_value(r.len() as isize)?),
        _ => None,
    })
}

fn contains(r: &Range, x: Value) -> Option<bool> {
    let n = match list::int_maybe(x) {
        Ok(Some(n)) => n,
        Ok(None) => return None,
        // An int beyond a machine word is in no range.
        Err(_) => return Some(false),
    };
    let len = r.len();
    if len == 0 {
        return Some(false);
    }
    let off = n as i128 - r.start as i128;
    let step = r.step as i128;
    if off % step != 0 {
        return Some(false);
    }
    let k = off / step;
    Some(k >= 0 && k < len as i128)
}

fn binary_op(o: u8, a: Value, b: Value) -> PyResult<Option<Value>> {
    let Some(r) = get(a) else { return Ok(None) };
    match o {
        op::EQUAL => {
            let Some(s) = get(b) else {
                return Ok(Some(Value::FALSE));
            };
            let (la, lb) = (r.len(), s.len());
            let eq = la == lb && (la == 0 || (r.start == s.start && (la == 1 || r.step == s.step)));
            Ok(Some(Value::from_bool(eq)))
        }
        op::CONTAINS => match contains(r, b) {
            Some(found) => Ok(Some(Value::from_bool(found))),
            // Non-ints (floats, user objects) compare item by item.
            None => Ok(None),
        },
        _ => Ok(None),
    }
}

fn subscr(v: Value, index: Value, sop: SubscrOp) -> PyResult<Option<Value>> {
    let Some(r) = get(v) else { return Ok(None) };
    if sop != SubscrOp::Load {
        return Ok(None);
    }
    let len = r.len();
    if crate::objs::slice::get(index).is_some() {
        let (start, stop, step) = crate::objs::slice::bounds(index, len)?;
        let conv = |k: isize| (r.start as i128 + k as i128 * r.step as i128) as isize;
        return new(conv(start), conv(stop), step.saturating_mul(r.step)).map(Some);
    }
    let i = list::get_index(&TYPE, len, index, false)?;
    int_value(r.item(i)).map(Some)
}

fn attr(v: Value, name: Qstr, aop: AttrOp) -> PyResult<Option<Value>> {
    let Some(r) = get(v) else { return Ok(None) };
    if aop != AttrOp::Load {
        return Ok(None);
    }
    match name {
        Q::start => int_value(r.start).map(Some),
        Q::stop => int_value(r.stop).map(Some),
        Q::step => int_value(r.step).map(Some),
        _ => Ok(None),
    }
}

// --- iterator ---

#[repr(C)]
pub struct RangeIter {
    pub base: ObjBase,
    pub cur: isize,
    pub remaining: usize,
    pub step: isize,
}

/// An iterator over `len` items `start, start+step, ...` (also used by `reversed(range)`).
pub fn new_iter(start: isize, len: usize, step: isize) -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(RangeIter {
        base: ObjBase::new(&ITER_TYPE),
        cur: start,
        remaining: len,
        step,
    })?))
}

fn getiter(v: Value) -> PyResult<Value> {
    let Some(r) = get(v) else {
        return Err(raise::type_error("expected a range"));
    };
    new_iter(r.start, r.len(), r.step)
}

/// A range iterator placed in `buf` (see `runtime::get_iter_buf`).
pub fn iter_in(v: Value, buf: &mut crate::runtime::IterBuf) -> Option<Value> {
    let r = get(v)?;
    Some(crate::runtime::place_iter(
        buf,
        RangeIter {
            base: ObjBase::new(&ITER_TYPE),
            cur: r.start,
            remaining: r.len(),
            step: r.step,
        },
    ))
}

/// `reversed(range)`.
pub fn reversed(v: Value) -> PyResult<Option<Value>> {
    let Some(r) = get(v) else { return Ok(None) };
    let len = r.len();
    let last = if len == 0 { r.start } else { r.item(len - 1) };
    new_iter(last, len, r.step.checked_neg().unwrap_or(isize::MAX)).map(Some)
}

fn iter_next(it: Value) -> PyResult<Option<Value>> {
    let Some(s) = it.downcast::<RangeIter>(&ITER_TYPE) else {
        return Ok(None);
    };
    if s.remaining == 0 {
        return Ok(None);
    }
    let cur = s.cur;
    s.remaining -= 1;
    if s.remaining > 0 {
        s.cur = cur.wrapping_add(s.step);
    }
    int_value(cur).map(Some)
}

pub static ITER_TYPE: Type = Type {
    name: Q::iterator,
    flags: flags::ITER_IS_ITERNEXT,
    iternext: Some(iter_next),
    ..Type::EMPTY
};

pub static TYPE: Type = Type {
    name: Q::range,
    make_new: Some(make_new),
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    subscr: Some(subscr),
    getiter: Some(getiter),
    attr: Some(attr),
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::state::testing::with_vm;
    use std::string::{String, ToString};

    fn repr(v: Value) -> String {
        let s = crate::runtime::repr(v).expect("repr");
        crate::objs::str::as_str(s).unwrap_or("?").to_string()
    }

    fn int(n: isize) -> Value {
        Value::small_int(n)
    }

    #[test]
    fn len_index_slice_contains() {
        with_vm(|| {
            let r = make_new(&TYPE, &[int(10), int(0), int(-3)], &[]).unwrap();
            assert_eq!(repr(r), "range(10, 0, -3)");
            assert_eq!(crate::runtime::len(r).unwrap(), 4);
            assert_eq!(crate::runtime::subscr(r, int(-1)).unwrap(), int(1));
            assert!(crate::runtime::subscr(r, int(4)).is_err());
            let n = Value::NONE;
            let s = crate::objs::slice::new(n, n, int(-1)).unwrap();
            assert_eq!(
                repr(crate::runtime::subscr(r, s).unwrap()),
                "range(1, 13, 3)"
            );
            assert!(crate::runtime::contains(r, int(7)).unwrap());
            assert!(!crate::runtime::contains(r, int(6)).unwrap());
            assert!(make_new(&TYPE, &[int(1), int(2), int(0)], &[]).is_err());
            let e = make_new(&TYPE, &[int(5)], &[]).unwrap();
            assert!(crate::runtime::equal(e, new(0, 5, 1).unwrap()).unwrap());
            assert!(crate::runtime::equal(new(0, 0, 1).unwrap(), new(3, 1, 2).unwrap()).unwrap());
            let it = reversed(e).unwrap().unwrap();
            let mut got = std::vec::Vec::new();
            while let Some(x) = crate::runtime::iter_next(it).unwrap() {
                got.push(x.as_small_int().unwrap());
            }
            assert_eq!(got, [4, 3, 2, 1, 0]);
            // Extremes do not overflow.
            let big = new(isize::MIN / 4, isize::MAX / 4, 1).unwrap();
            assert!(!get(big).unwrap().is_empty());
            let empty = new(isize::MAX / 4, isize::MIN / 4, 7).unwrap();
            assert_eq!(get(empty).unwrap().len(), 0);
        });
    }
}
