//! `tuple`: an immutable array of values stored inline after the header, and its iterator.
//! Its hash is CPython's (xxHash-style lane mixing of the item hashes) so that sets and
//! dicts keyed by tuples order like CPython's.

use crate::mem;
use crate::obj::{flags, ObjBase, Print, PrintKind, PyResult, SubscrOp, Type};
use crate::objs::list::{self, NestGuard};
use crate::qstr::Q;
use crate::runtime;
use crate::value::Value;
use upy_compiler::bc::{binary as op, unary as uop};

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

/// The items of a tuple, or of a namedtuple instance, which shares the layout (a user subclass instance's native part is its own
/// tuple).
pub fn items(v: Value) -> Option<&'static mut [Value]> {
    if !v.is_obj() {
        return None;
    }
    let ty = v.type_of();
    let tuple_like = core::ptr::eq(ty, &TYPE) || crate::objs::namedtuple::is_namedtuple_type(ty);
    if !tuple_like {
        return None;
    }
    // SAFETY: tuple and its built-in derived types use the Tuple layout.
    let t: &Tuple = unsafe { v.downcast_unchecked() };
    Some(t.items())
}

/// `tuple(iterable)`: returns tuples unchanged, copies lists, else iterates.
pub fn from_iter(iterable: Value) -> PyResult<Value> {
    if iterable.is_type(&TYPE) {
        return Ok(iterable);
    }
    if let Some(t) = items(iterable) {
        // A namedtuple becomes a plain tuple.
        return new(t);
    }
    if let Some(l) = list::get(iterable) {
        return new(l.items());
    }
    let tmp = list::from_iter(iterable)?;
    let r = new(list::get(tmp).map(|l| &*l.items()).unwrap_or(&[]));
    if let Some(l) = list::get(tmp) {
        if !l.items.is_null() {
            mem::free(l.items);
            l.items = core::ptr::null_mut();
            l.len = 0;
            l.cap = 0;
        }
    }
    r
}

fn tuple_at(v: Value, i: usize) -> Option<Value> {
    items_or_native(v).and_then(|s| s.get(i).copied())
}

/// The items of a tuple, or of the native part of an instance of a tuple subclass.
pub fn items_or_native(v: Value) -> Option<&'static mut [Value]> {
    items(v).or_else(|| crate::objs::r#type::native_of(v).and_then(items))
}

// --- slots ---

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 0, 1)?;
    match args.first() {
        None => Ok(Value::from_static(&EMPTY)),
        Some(x) => from_iter(*x),
    }
}

fn print(out: &mut dyn Print, v: Value, _kind: PrintKind) -> PyResult<()> {
    let n = items(v).map(|s| s.len()).unwrap_or(0);
    list::print_seq(out, v, tuple_at, "(", if n == 1 { ",)" } else { ")" })
}

/// Largest value representable as a small int's hash: keep the low bits (they decide
/// table slots) and drop the top one so the result fits.
fn fold_hash(h: usize) -> isize {
    ((h as isize) << 1) >> 1
}

/// CPython's tuple hash over item hashes, in word arithmetic (CPython's is in `Py_uhash_t`,
/// a word, so wrapping word operations give its values on both widths).
pub fn hash_items(items: &[Value]) -> PyResult<isize> {
    let _g = NestGuard::enter()?;
    #[cfg(target_pointer_width = "64")]
    let (p1, p2, p5, rot): (usize, usize, usize, u32) = (
        11400714785074694791,
        14029467366897019727,
        2870177450012600261,
        31,
    );
    #[cfg(not(target_pointer_width = "64"))]
    let (p1, p2, p5, rot): (usize, usize, usize, u32) = (2654435761, 2246822519, 374761393, 13);
    let mut acc = p5;
    for x in items {
        let lane = hash_for_container(*x)? as usize;
        acc = acc.wrapping_add(lane.wrapping_mul(p2)).rotate_left(rot);
        acc = acc.wrapping_mul(p1);
    }
    acc = acc.wrapping_add(items.len() ^ (p5 ^ 3527539));
    Ok(fold_hash(acc))
}

/// Hash of a value as CPython sees it for container purposes: bools hash as 0/1, and the
/// int -1 hashes as -2 (CPython reserves -1 for errors).
pub fn hash_for_container(v: Value) -> PyResult<isize> {
    if v.is_bool() {
        return Ok((v == Value::TRUE) as isize);
    }
    if let Some(n) = v.as_small_int() {
        return Ok(cpython_int_hash(n as i64));
    }
    #[cfg(feature = "float32")]
    if let Some(h) = crate::objs::float::value(v).and_then(float32_hash) {
        return Ok(h);
    }
    #[cfg(not(feature = "float32"))]
    if let Some(x) = crate::objs::float::value(v).map(crate::objs::float::widen) {
        if x.is_finite() && x != libm::trunc(x) {
            return Ok(cpython_float_hash(x));
        }
        if x.is_finite() && x.abs() < 9.0e18 {
            // Integral: hashes as the equal int.
            return Ok(cpython_int_hash(x as i64));
        }
    }
    if crate::objs::int::is_int(v) {
        if let Some(n) = crate::objs::int::as_i64(v) {
            return Ok(cpython_int_hash(n));
        }
        if usize::BITS == 64 {
            // Beyond 64 bits: reduce with Python's `%` (non-negative), then restore the sign.
            let m: i64 = (1 << 61) - 1;
            let r = runtime::binary_op(op::MODULO, v, crate::objs::int::from_i64(m)?)?;
            if let Some(r) = r.as_small_int() {
                let negative = runtime::compare(op::LESS, v, Value::small_int(0))?;
                let h = if negative && r != 0 {
                    r - m as isize
                } else {
                    r
                };
                return Ok(if h == -1 { -2 } else { h });
            }
        }
    }
    Ok(runtime::hash(v)? as isize)
}

/// CPython's hash of an int that fits 64 bits: its value modulo the Mersenne prime
/// 2**61 - 1 (2**31 - 1 on 32-bit targets), keeping the sign, with -1 mapped to -2.
fn cpython_int_hash(n: i64) -> isize {
    let bits: u32 = if usize::BITS == 64 { 61 } else { 31 };
    let modulus: u64 = (1u64 << bits) - 1;
    let r = (n.unsigned_abs() % modulus) as i64;
    let h = if n < 0 { -r } else { r };
    if h == -1 {
        -2
    } else {
        h as isize
    }
}

/// [`hash_for_container`] of a finite single-precision float, from its bits (no double
/// arithmetic): an integral one hashes as the equal int, a non-integral one is its
/// mantissa times a power of two modulo the Mersenne prime, as CPython's float hash.
#[cfg(feature = "float32")]
fn float32_hash(x: f32) -> Option<isize> {
    let bits = x.to_bits();
    let exp = ((bits >> 23) & 0xff) as i32;
    if exp == 0xff {
        return None;
    }
    let (m, e) = match exp {
        0 => (bits & 0x7f_ffff, -149),
        _ => ((bits & 0x7f_ffff) | 0x80_0000, exp - 150),
    };
    if e >= 0 || m.trailing_zeros() as i32 >= -e {
        return (x.abs() < 9.0e18).then(|| cpython_int_hash(x as i64));
    }
    let b: u32 = if usize::BITS == 64 { 61 } else { 31 };
    let modulus: u64 = (1u64 << b) - 1;
    let r = e.rem_euclid(b as i32) as u32;
    let h = ((u64::from(m) << r) & modulus) | (u64::from(m) >> (b - r));
    let h = if bits >> 31 != 0 {
        (h as i64).wrapping_neg()
    } else {
        h as i64
    };
    Some(if h == -1 { -2 } else { h as isize })
}

/// CPython's hash of a non-integral finite float (reduction modulo the Mersenne prime
/// 2**61 - 1, or 2**31 - 1 on 32-bit targets), so float keys land in the same slots.
#[cfg(not(feature = "float32"))]
fn cpython_float_hash(v: f64) -> isize {
    let bits: u32 = if usize::BITS == 64 { 61 } else { 31 };
    let modulus: u64 = (1u64 << bits) - 1;
    let (mut m, mut e) = libm::frexp(v);
    let negative = m < 0.0;
    if negative {
        m = -m;
    }
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & modulus) | (x >> (bits - 28));
        m *= 268435456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= modulus {
            x -= modulus;
        }
    }
    let b = bits as i32;
    let e = if e >= 0 {
        e % b
    } else {
        b - 1 - ((-1 - e) % b)
    } as u32;
    x = ((x << e) & modulus) | (x >> (bits - e));
    let h = if negative {
        (x as i64).wrapping_neg()
    } else {
        x as i64
    };
    let h = if h == -1 { -2 } else { h };
    h as isize
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let Some(s) = items(v) else { return Ok(None) };
    Ok(match o {
        uop::BOOL => Some(Value::from_bool(!s.is_empty())),
        uop::LEN => Some(Value::small_int(s.len() as isize)),
        uop::HASH => Some(Value::small_int(hash_items(s)?)),
        _ => None,
    })
}

fn binary_op(o: u8, a: Value, b: Value) -> PyResult<Option<Value>> {
    let Some(x) = items(a) else { return Ok(None) };
    match o {
        op::ADD | op::INPLACE_ADD => {
            let Some(y) = items_or_native(b) else {
                return Ok(None);
            };
            // Reuse an operand only when it is a plain tuple (not a namedtuple).
            if y.is_empty() && a.is_type(&TYPE) {
                return Ok(Some(a));
            }
            if x.is_empty() && b.is_type(&TYPE) {
                return Ok(Some(b));
            }
            let n = x.len().checked_add(y.len()).ok_or_else(mem::oom)?;
            let (r, dst) = new_uninit(n)?;
            dst[..x.len()].copy_from_slice(x);
            dst[x.len()..].copy_from_slice(y);
            Ok(Some(r))
        }
        op::MULTIPLY | op::INPLACE_MULTIPLY | list::REVERSE_MULTIPLY => {
            let Some(n) = list::repeat_count(b)? else {
                return Ok(None);
            };
            if n == 1 && a.is_type(&TYPE) {
                return Ok(Some(a));
            }
            let total = x.len().checked_mul(n).ok_or_else(mem::oom)?;
            if total == 0 {
                return Ok(Some(Value::from_static(&EMPTY)));
            }
            let (r, dst) = new_uninit(total)?;
            for chunk in dst.chunks_mut(x.len()) {
                chunk.copy_from_slice(x);
            }
            Ok(Some(r))
        }
        // `in` stays here, where `tuple_at` inlines into the search loop (hot).
        op::CONTAINS => Ok(Some(Value::from_bool(
            list::find_item(a, tuple_at, b, 0, usize::MAX)?.is_some(),
        ))),
        _ => list::seq_relation(o, a, b, items_or_native(b).is_some(), tuple_at),
    }
}

fn subscr(v: Value, index: Value, sop: SubscrOp) -> PyResult<Option<Value>> {
    let Some(s) = items(v) else { return Ok(None) };
    if sop != SubscrOp::Load {
        return Ok(None);
    }
    if crate::objs::slice::get(index).is_some() {
        let (start, _stop, step, count) = crate::objs::slice::indices(index, s.len())?;
        if step == 1 && count == s.len() && v.is_type(&TYPE) {
            return Ok(Some(v));
        }
        if count == 0 {
            return Ok(Some(Value::from_static(&EMPTY)));
        }
        let (r, dst) = new_uninit(count)?;
        for (k, d) in dst.iter_mut().enumerate() {
            let p = (start + k as isize * step) as usize;
            *d = s.get(p).copied().unwrap_or(Value::NONE);
        }
        return Ok(Some(r));
    }
    let i = list::get_index(&TYPE, s.len(), index, false)?;
    Ok(s.get(i).copied())
}

// --- iterator ---

/// A tuple iterator placed in `buf` (see `runtime::get_iter_buf`).
pub fn iter_in(v: Value, buf: &mut crate::runtime::IterBuf) -> Value {
    crate::objs::iter::seq_iter_in(v, tuple_at, buf)
}

fn getiter(v: Value) -> PyResult<Value> {
    crate::objs::iter::new_seq_iter(v, tuple_at)
}

// --- methods ---

fn count(t: Value, x: Value) -> PyResult<Value> {
    if items(t).is_none() {
        return Err(list::wrong_self(&TYPE, t));
    }
    Ok(Value::small_int(list::count_item(t, tuple_at, x)? as isize))
}

fn index(args: &[Value]) -> PyResult<Value> {
    let t = args.first().copied().unwrap_or(Value::NONE);
    let Some(s) = items(t) else {
        return Err(list::wrong_self(&TYPE, t));
    };
    list::index_method(&TYPE, t, s.len(), tuple_at, args)
}

#[rustfmt::skip]
fn getitem(t: Value, i: Value) -> PyResult<Value> {
    if items(t).is_none() {
        return Err(list::wrong_self(&TYPE, t));
    }
    runtime::subscr(t, i)
}

#[rustfmt::skip]
static LOCALS: [(crate::qstr::Qstr, Value); 3] = [
    crate::entry!(__getitem__, crate::fun!(__getitem__, F2(getitem))),
    crate::entry!(count, crate::fun!(count, F2(count))),
    crate::entry!(index, crate::fun!(index, Var { min: 2, max: 4, f: index })),
];

pub static TYPE: Type = Type {
    name: Q::tuple,
    flags: flags::BASETYPE,
    make_new: Some(make_new),
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    subscr: Some(subscr),
    getiter: Some(getiter),
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};

/// The empty tuple singleton (static: costs no heap).
pub static EMPTY: Tuple = Tuple {
    base: ObjBase::new(&TYPE),
    len: 0,
};

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::state::testing::with_vm;
    use std::string::{String, ToString};

    fn repr(v: Value) -> String {
        let s = runtime::repr(v).expect("repr");
        crate::objs::str::as_str(s).unwrap_or("?").to_string()
    }

    fn int(n: isize) -> Value {
        Value::small_int(n)
    }

    #[test]
    fn hash_matches_cpython_for_ints() {
        with_vm(|| {
            let t = new(&[int(1), int(2)]).unwrap();
            assert_eq!(runtime::hash(t).unwrap() as isize, -3550055125485641917);
            let inner = new(&[int(1), int(2)]).unwrap();
            let nested = new(&[inner, int(3)]).unwrap();
            assert_eq!(runtime::hash(nested).unwrap() as isize, -333907151259015829);
            let bad = new(&[crate::objs::list::new(&[]).unwrap()]).unwrap();
            assert!(runtime::hash(bad).is_err());
        });
    }

    #[test]
    fn construct_slice_and_operators() {
        with_vm(|| {
            let l = crate::objs::list::new(&[int(1), int(2), int(3)]).unwrap();
            let t = make_new(&TYPE, &[l], &[]).unwrap();
            assert_eq!(repr(t), "(1, 2, 3)");
            assert_eq!(from_iter(t).unwrap(), t);
            assert_eq!(repr(new(&[int(5)]).unwrap()), "(5,)");
            assert_eq!(repr(Value::from_static(&EMPTY)), "()");
            let n = Value::NONE;
            let s = crate::objs::slice::new(n, n, int(-1)).unwrap();
            assert_eq!(repr(runtime::subscr(t, s).unwrap()), "(3, 2, 1)");
            let all = crate::objs::slice::new(n, n, n).unwrap();
            assert_eq!(runtime::subscr(t, all).unwrap(), t);
            assert_eq!(
                repr(runtime::binary_op(op::ADD, t, new(&[int(4)]).unwrap()).unwrap()),
                "(1, 2, 3, 4)"
            );
            assert_eq!(
                repr(runtime::binary_op(op::MULTIPLY, int(2), new(&[int(0)]).unwrap()).unwrap()),
                "(0, 0)"
            );
            assert!(runtime::compare(op::LESS, t, new(&[int(1), int(3)]).unwrap()).unwrap());
            assert!(runtime::equal(t, make_new(&TYPE, &[l], &[]).unwrap()).unwrap());
            assert!(!runtime::equal(t, l).unwrap());
            assert!(runtime::subscr(t, int(3)).is_err());
            assert_eq!(index(&[t, int(3)]).unwrap(), int(2));
            assert_eq!(count(t, int(9)).unwrap(), int(0));
        });
    }
}
