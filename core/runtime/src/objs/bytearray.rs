//! `bytearray`: a mutable, growable byte sequence (the bytearray half of MicroPython's
//! py/objarray.c). The bytes live in a separate GC allocation so the buffer can grow; the
//! str/bytes methods are shared (see `str_methods_table!`), with results of type bytearray.
//!
//! # Safety
//! `data` is a GC allocation of `cap` bytes of which the first `len` are in use (or NULL
//! when `cap` is 0). Growth may move it, so any borrowed source is copied before a resize.

use crate::mem;
use crate::obj::{
    flags, Buffer, BufferAccess, ObjBase, Print, PrintKind, PyResult, SubscrOp, Type,
};
use crate::objs::str::{self as pystr, Kind};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::value::Value;
use crate::vstr::VStr;
use upy_compiler::bc::{binary as op, unary as uop};

#[repr(C)]
pub struct ByteArray {
    pub base: ObjBase,
    pub len: usize,
    pub cap: usize,
    pub data: *mut u8,
}

impl ByteArray {
    pub fn bytes(&self) -> &'static mut [u8] {
        if self.data.is_null() || self.len == 0 {
            return &mut [];
        }
        // SAFETY: data holds `len` initialised bytes (cap >= len), kept alive by this object.
        unsafe { core::slice::from_raw_parts_mut(self.data, self.len) }
    }

    pub fn reserve(&mut self, extra: usize) -> PyResult<()> {
        self.reserve_items(extra, 1)
    }

    /// Room for `extra` more items of `sz` bytes (`len` and `cap` count items): the
    /// storage array.array shares.
    pub(crate) fn reserve_items(&mut self, extra: usize, sz: usize) -> PyResult<()> {
        let need = self.len.checked_add(extra).ok_or_else(mem::oom)?;
        if need <= self.cap {
            return Ok(());
        }
        let cap = need.max(self.cap + self.cap / 2).max(8);
        let bytes = cap.checked_mul(sz).ok_or_else(mem::oom)?;
        // Not `realloc`: it frees the old buffer when it moves, and a memoryview may still
        // point into it. The collector frees the old buffer once nothing refers to it.
        let new = mem::alloc_array::<u8>(bytes)?;
        if !self.data.is_null() {
            // SAFETY: both buffers hold at least `len` items and are distinct allocations.
            unsafe { core::ptr::copy_nonoverlapping(self.data, new, self.len * sz) };
        }
        self.data = new;
        self.cap = cap;
        Ok(())
    }

    pub fn extend_from(&mut self, b: &[u8]) -> PyResult<()> {
        // `splice` copies a source inside our own buffer before growing it.
        self.splice(self.len, self.len, b)
    }

    pub fn push(&mut self, b: u8) -> PyResult<()> {
        self.reserve(1)?;
        // SAFETY: reserve made room for one more byte.
        unsafe { *self.data.add(self.len) = b };
        self.len += 1;
        Ok(())
    }

    /// Replace bytes `start..stop` with `src` (which may differ in length).
    pub fn splice(&mut self, start: usize, stop: usize, src: &[u8]) -> PyResult<()> {
        self.splice_items(start, stop, src, 1)
    }

    /// Replace items `start..stop` (of `sz` bytes) with the whole items of `src`.
    pub(crate) fn splice_items(
        &mut self,
        start: usize,
        stop: usize,
        src: &[u8],
        sz: usize,
    ) -> PyResult<()> {
        let stop = stop.min(self.len);
        let start = start.min(stop);
        let n = src.len() / sz;
        let src = src.get(..n * sz).unwrap_or(&[]);
        // Only a source inside this very buffer (`a[1:2] = a`) needs a copy first: moving
        // the tail or growing would change it. Other sources are used in place, so a
        // same-size slice store allocates nothing (it works with the heap locked).
        let base = self.data as usize;
        let overlaps = !src.is_empty()
            && (src.as_ptr() as usize) < base + self.cap * sz
            && base < src.as_ptr() as usize + src.len();
        let tmp;
        let src = if overlaps {
            let mut copy = VStr::with_capacity(src.len())?;
            copy.push_bytes(src)?;
            tmp = copy;
            tmp.as_bytes()
        } else {
            src
        };
        let old = stop - start;
        if n > old {
            self.reserve_items(n - old, sz)?;
        }
        let tail = self.len - stop;
        // SAFETY: all ranges lie within the allocation of `cap` items (reserved above);
        // `copy` handles the overlap of the moving tail.
        unsafe {
            core::ptr::copy(
                self.data.add(stop * sz),
                self.data.add((start + n) * sz),
                tail * sz,
            );
            core::ptr::copy_nonoverlapping(src.as_ptr(), self.data.add(start * sz), src.len());
        }
        self.len = start + n + tail;
        Ok(())
    }
}

pub fn new(b: &[u8]) -> PyResult<Value> {
    let mut a = ByteArray {
        base: ObjBase::new(&TYPE),
        len: 0,
        cap: 0,
        data: core::ptr::null_mut(),
    };
    if !b.is_empty() {
        a.data = mem::alloc_array::<u8>(b.len())?;
        a.cap = b.len();
        // SAFETY: fresh buffer of b.len() bytes.
        unsafe { core::ptr::copy_nonoverlapping(b.as_ptr(), a.data, b.len()) };
        a.len = b.len();
    }
    Ok(Value::from_ptr(mem::alloc(a)?))
}

pub fn get(v: Value) -> Option<&'static mut ByteArray> {
    v.downcast(&TYPE)
}

/// The current contents of a bytearray (empty for other values).
pub fn bytes(v: Value) -> &'static mut [u8] {
    match get(v) {
        Some(a) => a.bytes(),
        None => &mut [],
    }
}

fn this(v: Value) -> PyResult<&'static mut ByteArray> {
    get(v).ok_or_else(|| raise::type_error("expected a bytearray"))
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let mut out = VStr::new();
    pystr::bytes_init(args, kw, &mut out)?;
    new(out.as_bytes())
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    out.write_str("bytearray(")?;
    pystr::print_quoted(out, bytes(v), true)?;
    out.write_str(")")
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let a = this(v)?;
    Ok(match o {
        uop::BOOL => Some(Value::from_bool(a.len != 0)),
        uop::LEN => Some(Value::small_int(a.len as isize)),
        uop::HASH => return Err(crate::objs::list::unhashable(v)),
        _ => None,
    })
}

fn binary_op(o: u8, lhs: Value, rhs: Value) -> PyResult<Option<Value>> {
    let a = this(lhs)?;
    match o {
        op::ADD => {
            let r = pystr::buffer_bytes_raise(rhs)?;
            let mut out = VStr::with_capacity(a.len + r.len())?;
            out.push_bytes(a.bytes())?;
            out.push_bytes(r)?;
            new(out.as_bytes()).map(Some)
        }
        op::INPLACE_ADD => {
            extend(lhs, rhs)?;
            Ok(Some(lhs))
        }
        op::MULTIPLY | op::INPLACE_MULTIPLY => {
            if !(rhs.is_small_int() || rhs.is_bool()) {
                return Ok(None);
            }
            pystr::repeat(Kind::ByteArray, a.bytes(), pystr::get_int(rhs)?).map(Some)
        }
        op::CONTAINS => {
            if let Some(n) = rhs.as_small_int() {
                return Ok(Some(Value::from_bool(
                    (0..256).contains(&n) && a.bytes().contains(&(n as u8)),
                )));
            }
            // Any buffer (str included) is searched as bytes, as upstream; other objects
            // are simply not found.
            match pystr::buffer_bytes(rhs) {
                Some(r) => Ok(Some(Value::from_bool(
                    pystr::find_sub(a.bytes(), r).is_some(),
                ))),
                None => Ok(Some(Value::FALSE)),
            }
        }
        op::EQUAL | op::LESS | op::LESS_EQUAL | op::MORE | op::MORE_EQUAL => {
            if pystr::is_array(rhs) {
                return Ok(if o == op::EQUAL {
                    Some(Value::FALSE)
                } else {
                    None
                });
            }
            match pystr::buffer_bytes(rhs) {
                Some(r) => Ok(pystr::compare_bytes(o, a.bytes(), r).map(Value::from_bool)),
                None if o == op::EQUAL => Ok(Some(Value::FALSE)),
                None => Ok(None),
            }
        }
        _ => Ok(None),
    }
}

/// A byte value for item assignment and append: the low 8 bits, as MicroPython stores it
/// (CPython raises ValueError; code written for boards relies on the truncation, e.g.
/// storing -1 for 0xff, and upstream's uctypes tests do).
fn byte_of(v: Value) -> PyResult<u8> {
    if v.is_type(&crate::objs::int::TYPE) {
        // A big int: its low byte, without the conversion to a word overflowing.
        let low = runtime::binary_op(op::AND, v, Value::small_int(0xff))?;
        return Ok(low.as_small_int().unwrap_or(0) as u8);
    }
    let n = pystr::get_int(v)?;
    Ok(n as u8)
}

fn subscr(v: Value, index: Value, o: SubscrOp) -> PyResult<Option<Value>> {
    let a = this(v)?;
    if index.is_type(&crate::objs::slice::TYPE) {
        if o == SubscrOp::Load {
            return pystr::slice_bytes(Kind::ByteArray, a.bytes(), index).map(Some);
        }
        let mut src: &[u8] = &[];
        if let SubscrOp::Store(x) = o {
            src = match pystr::buffer_bytes(x).filter(|_| !pystr::is_str(x)) {
                Some(b) => b,
                None => {
                    return Err(raise::not_implemented_error(
                        "array/bytes required on right side",
                    ))
                }
            };
        }
        let (start, _stop, step, count) = crate::objs::slice::indices(index, a.len)?;
        if step == 1 {
            a.splice(start as usize, start as usize + count, src)?;
        } else if o == SubscrOp::Delete {
            delete_stepped(a, start, step, count);
        } else {
            store_stepped(a, start, step, count, src)?;
        }
        return Ok(Some(Value::NONE));
    }
    let i = pystr::seq_index("bytearray", a.len, index)?;
    match o {
        SubscrOp::Load => Ok(Some(Value::small_int(
            a.bytes().get(i).copied().unwrap_or(0) as isize,
        ))),
        SubscrOp::Store(x) => {
            let b = byte_of(x)?;
            if let Some(p) = a.bytes().get_mut(i) {
                *p = b;
            }
            Ok(Some(Value::NONE))
        }
        SubscrOp::Delete => {
            a.splice(i, i + 1, &[])?;
            Ok(Some(Value::NONE))
        }
    }
}

/// `del a[start::step]` for a step other than 1: keep the bytes not selected.
fn delete_stepped(a: &mut ByteArray, start: isize, step: isize, count: usize) {
    let data = a.bytes();
    let mut w = 0;
    for r in 0..data.len() {
        if !crate::objs::slice::selects(start, step, count, r as isize) {
            data[w] = data[r];
            w += 1;
        }
    }
    a.len = w;
}

/// `a[start::step] = src` for a step other than 1.
fn store_stepped(
    a: &mut ByteArray,
    start: isize,
    step: isize,
    count: usize,
    src: &[u8],
) -> PyResult<()> {
    // `src` may be this very bytearray (`a[::-1] = a`): read from a copy.
    let mut tmp = VStr::with_capacity(src.len())?;
    tmp.push_bytes(src)?;
    let src = tmp.as_bytes();
    if src.len() != count {
        return Err(raise::value_error_fmt(format_args!(
            "attempt to assign bytes of size {} to extended slice of size {}",
            src.len(),
            count
        )));
    }
    let data = a.bytes();
    let mut i = start;
    for &b in src {
        if let Some(p) = data.get_mut(i as usize) {
            *p = b;
        }
        i += step;
    }
    Ok(())
}

fn getiter(v: Value) -> PyResult<Value> {
    crate::objs::memoryview::buffer_iter(v)
}

fn buffer(v: Value, _access: BufferAccess) -> Option<Buffer> {
    let a = get(v)?;
    Some(Buffer {
        ptr: a.data,
        len: a.len,
        typecode: b'B',
    })
}

// --- methods ---

fn append(v: Value, x: Value) -> PyResult<Value> {
    let b = byte_of(x)?;
    this(v)?.push(b)?;
    Ok(Value::NONE)
}

fn extend(v: Value, x: Value) -> PyResult<Value> {
    let a = this(v)?;
    if let Some(b) = pystr::buffer_bytes(x).filter(|_| !pystr::is_str(x)) {
        a.extend_from(b)?;
        return Ok(Value::NONE);
    }
    let it = runtime::get_iter(x)?;
    while let Some(item) = runtime::iter_next(it)? {
        a.push(byte_of(item)?)?;
    }
    Ok(Value::NONE)
}

/// Also bytes' table, from `hex` on (see str.rs).
pub static LOCALS: [(Qstr, Value); 31] = crate::str_methods_table!(
    (Q::append, crate::fun!(append, F2(append))),
    (Q::extend, crate::fun!(extend, F2(extend))),
    (Q::hex, pystr::HEX),
    (Q::fromhex, Value::from_static(&pystr::FROMHEX)),
    (Q::decode, pystr::DECODE),
);

pub static TYPE: Type = Type {
    name: Q::bytearray,
    flags: flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE,
    make_new: Some(make_new),
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    subscr: Some(subscr),
    getiter: Some(getiter),
    ext: &crate::obj::TypeExt::buffer(buffer),
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::{b, i, m, r, s};
    use crate::state::testing::with_vm;

    fn ba(t: &[u8]) -> Value {
        new(t).unwrap()
    }

    fn sl(a: Value, b: Value) -> Value {
        crate::objs::slice::new(a, b, Value::NONE).unwrap()
    }

    #[test]
    fn construct_and_print() {
        with_vm(|| {
            let t = TYPE.as_value();
            assert_eq!(
                r(runtime::call(t, &[i(2)], &[])),
                "bytearray(b'\\x00\\x00')"
            );
            assert_eq!(r(runtime::call(t, &[b(b"ab")], &[])), "bytearray(b'ab')");
            assert_eq!(
                r(runtime::call(t, &[s("é"), s("utf-8")], &[])),
                "bytearray(b'\\xc3\\xa9')"
            );
            assert_eq!(r(runtime::call(t, &[], &[])), "bytearray(b'')");
            assert_eq!(runtime::len(ba(b"abc")).unwrap(), 3);
            assert_eq!(
                r(runtime::unary_op(uop::HASH, ba(b""))),
                "TypeError: unsupported type for __hash__: 'bytearray'"
            );
        });
    }

    #[test]
    fn mutate() {
        with_vm(|| {
            let a = ba(b"abc");
            m(a, "append", &[i(100)]).unwrap();
            m(a, "extend", &[b(b"ef")]).unwrap();
            assert_eq!(r(Ok(a)), "bytearray(b'abcdef')");
            // MicroPython keeps the low 8 bits.
            let t = ba(b"");
            m(t, "append", &[i(256 + 7)]).unwrap();
            m(t, "append", &[i(-1)]).unwrap();
            assert_eq!(r(Ok(t)), "bytearray(b'\\x07\\xff')");
            runtime::store_subscr(a, i(0), i(65)).unwrap();
            runtime::store_subscr(a, i(-1), i(70)).unwrap();
            assert_eq!(r(Ok(a)), "bytearray(b'AbcdeF')");
            runtime::store_subscr(a, sl(i(1), i(3)), b(b"XYZW")).unwrap();
            assert_eq!(r(Ok(a)), "bytearray(b'AXYZWdeF')");
            runtime::store_subscr(a, sl(i(0), i(5)), b(b"")).unwrap();
            assert_eq!(r(Ok(a)), "bytearray(b'deF')");
            runtime::delete_subscr(a, i(0)).unwrap();
            assert_eq!(r(Ok(a)), "bytearray(b'eF')");
            assert_eq!(
                r(runtime::binary_op(op::INPLACE_ADD, a, b(b"!"))),
                "bytearray(b'eF!')"
            );
            assert_eq!(r(runtime::binary_op(op::ADD, a, a)), "bytearray(b'eF!eF!')");
            assert_eq!(r(runtime::binary_op(op::EQUAL, a, b(b"eF!"))), "True");
            assert_eq!(r(runtime::binary_op(op::EQUAL, b(b"eF!"), a)), "True");
            assert_eq!(r(runtime::binary_op(op::IN, b(b"F!"), a)), "True");
            assert_eq!(r(runtime::subscr(a, i(1))), "70");
            assert_eq!(
                r(runtime::subscr(a, sl(i(1), Value::NONE))),
                "bytearray(b'F!')"
            );
            assert_eq!(
                r(runtime::subscr(a, i(3))),
                "IndexError: bytearray index out of range"
            );
            // extend with itself must not read a moved buffer
            m(a, "extend", &[a]).unwrap();
            assert_eq!(r(Ok(a)), "bytearray(b'eF!eF!')");
        });
    }

    #[test]
    fn shared_methods_return_bytearray() {
        with_vm(|| {
            let a = ba(b" a,b ");
            assert_eq!(r(m(a, "strip", &[])), "bytearray(b'a,b')");
            assert_eq!(
                r(m(a, "split", &[b(b",")])),
                "[bytearray(b' a'), bytearray(b'b ')]"
            );
            assert_eq!(r(m(a, "find", &[b(b"b")])), "3");
            assert_eq!(r(m(a, "decode", &[])), "' a,b '");
            assert_eq!(r(m(a, "hex", &[])), "'20612c6220'");
            assert_eq!(
                r(m(TYPE.as_value(), "fromhex", &[s("0102")])),
                "bytearray(b'\\x01\\x02')"
            );
            let it = runtime::get_iter(ba(b"xy")).unwrap();
            assert_eq!(
                r(runtime::iter_next(it).map(|v| v.unwrap_or(Value::NONE))),
                "120"
            );
        });
    }
}
