//! `tuple`: an immutable array of values stored inline after the header, and its iterator.
//! Its hash is CPython's (xxHash-style lane mixing of the item hashes) so that sets and
//! dicts keyed by tuples order like CPython's.

use crate::mem;
use crate::obj::{flags, ObjBase, Print, PrintKind, PyResult, SubscrOp, Type};
use crate::objs::list::{self, NestGuard};
use crate::qstr::Q;
use crate::raise;
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
    if items(iterable).is_some() {
        return Ok(iterable);
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
    items(v).and_then(|s| s.get(i).copied())
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
fn fold_hash(h: u64) -> isize {
    ((h as isize) << 1) >> 1
}

/// CPython's tuple hash over item hashes.
pub fn hash_items(items: &[Value]) -> PyResult<isize> {
    let _g = NestGuard::enter()?;
    #[cfg(target_pointer_width = "64")]
    let (p1, p2, p5, rot): (u64, u64, u64, u32) = (
        11400714785074694791,
        14029467366897019727,
        2870177450012600261,
        31,
    );
    #[cfg(not(target_pointer_width = "64"))]
    let (p1, p2, p5, rot): (u64, u64, u64, u32) = (2654435761, 2246822519, 374761393, 13);
    let bits = usize::BITS;
    let mask = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let rotl = |x: u64| ((x << rot) | (x >> (bits - rot))) & mask;
    let mut acc: u64 = p5;
    for x in items {
        let lane = (hash_for_container(*x)? as usize) as u64;
        acc = acc.wrapping_add(lane.wrapping_mul(p2)) & mask;
        acc = rotl(acc);
        acc = acc.wrapping_mul(p1) & mask;
    }
    acc = acc.wrapping_add((items.len() as u64) ^ (p5 ^ 3527539)) & mask;
    Ok(fold_hash(acc))
}

/// Hash of a value as CPython sees it for container purposes: bools hash as 0/1, and the
/// int -1 hashes as -2 (CPython reserves -1 for errors).
pub fn hash_for_container(v: Value) -> PyResult<isize> {
    if v.is_bool() {
        return Ok((v == Value::TRUE) as isize);
    }
    if let Some(n) = v.as_small_int() {
        return Ok(if n == -1 { -2 } else { n });
    }
    Ok(runtime::hash(v)? as isize)
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
            let Some(y) = items(b) else { return Ok(None) };
            if y.is_empty() {
                return Ok(Some(a));
            }
            if x.is_empty() {
                return Ok(Some(b));
            }
            let n = x.len().checked_add(y.len()).ok_or_else(mem::oom)?;
            let (r, dst) = new_uninit(n)?;
            dst[..x.len()].copy_from_slice(x);
            dst[x.len()..].copy_from_slice(y);
            Ok(Some(r))
        }
        op::MULTIPLY | op::INPLACE_MULTIPLY | list::REVERSE_MULTIPLY => {
            let Some(n) = list::repeat_count(b) else {
                return Ok(None);
            };
            if n == 1 {
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
        op::EQUAL | op::LESS | op::LESS_EQUAL | op::MORE | op::MORE_EQUAL => {
            if items(b).is_none() {
                return Ok(if o == op::EQUAL {
                    Some(Value::FALSE)
                } else {
                    None
                });
            }
            Ok(Some(Value::from_bool(list::seq_compare(
                o, a, b, tuple_at,
            )?)))
        }
        op::CONTAINS => Ok(Some(Value::from_bool(
            list::find_item(a, tuple_at, b, 0, usize::MAX)?.is_some(),
        ))),
        _ => Ok(None),
    }
}

fn subscr(v: Value, index: Value, sop: SubscrOp) -> PyResult<Option<Value>> {
    let Some(s) = items(v) else { return Ok(None) };
    if sop != SubscrOp::Load {
        return Ok(None);
    }
    if crate::objs::slice::get(index).is_some() {
        let (start, _stop, step, count) = crate::objs::slice::indices(index, s.len())?;
        if step == 1 && count == s.len() {
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

#[repr(C)]
pub struct TupleIter {
    pub base: ObjBase,
    pub tuple: Value,
    pub index: usize,
}

fn getiter(v: Value) -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(TupleIter {
        base: ObjBase::new(&ITER_TYPE),
        tuple: v,
        index: 0,
    })?))
}

fn iter_next(it: Value) -> PyResult<Option<Value>> {
    let Some(s) = it.downcast::<TupleIter>(&ITER_TYPE) else {
        return Ok(None);
    };
    match tuple_at(s.tuple, s.index) {
        Some(x) => {
            s.index += 1;
            Ok(Some(x))
        }
        None => Ok(None),
    }
}

pub static ITER_TYPE: Type = Type {
    name: Q::iterator,
    flags: flags::ITER_IS_ITERNEXT,
    iternext: Some(iter_next),
    ..Type::EMPTY
};

// --- methods ---

fn count(t: Value, x: Value) -> PyResult<Value> {
    if items(t).is_none() {
        return Err(raise::type_error("expected a tuple"));
    }
    Ok(Value::small_int(list::count_item(t, tuple_at, x)? as isize))
}

fn index(args: &[Value]) -> PyResult<Value> {
    let t = args.first().copied().unwrap_or(Value::NONE);
    let Some(s) = items(t) else {
        return Err(raise::type_error("expected a tuple"));
    };
    list::index_method(&TYPE, t, s.len(), tuple_at, args)
}

#[rustfmt::skip]
static LOCALS: [(crate::qstr::Qstr, Value); 2] = [
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
    locals: &LOCALS,
    ..Type::EMPTY
};

/// The empty tuple singleton (static: costs no heap).
pub static EMPTY: Tuple = Tuple {
    base: ObjBase::new(&TYPE),
    len: 0,
};
