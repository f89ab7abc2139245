//! `memoryview`: a window onto another object's buffer without copying (the memoryview half
//! of MicroPython's py/objarray.c), plus the iterator shared by buffer-backed sequences.
//!
//! A view holds the source object (so it stays alive), a pointer to its first item, an item
//! count and the struct typecode of the items. Slicing makes a new view on the same memory.
//! Like upstream, a view of a bytearray that later grows keeps looking at the old storage.
//!
//! # Safety
//! `ptr` points at `len * item_size(typecode)` readable bytes inside the buffer of `obj` at
//! the time the view was made; the conservative collector keeps that storage alive through
//! the interior pointer even if `obj` has since moved its contents.

use crate::obj::{
    flags, AttrOp, Buffer, BufferAccess, ObjBase, Print, PrintKind, PyResult, SubscrOp, Type,
};
use crate::objs::str as pystr;
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;
use upy_compiler::bc::{binary as op, unary as uop};

#[repr(C)]
pub struct MemoryView {
    pub base: ObjBase,
    /// The object whose buffer this views (keeps it alive).
    pub obj: Value,
    pub ptr: *mut u8,
    /// Number of items (not bytes).
    pub len: usize,
    pub typecode: u8,
    pub writable: bool,
}

/// Largest item offset a slice may start at (upstream's offset field width).
const OFFSET_MAX: usize = (1 << (usize::BITS - 8)) - 1;

/// Size in bytes of one item of struct typecode `tc` (native sizes, as upstream's '@').
pub fn item_size(tc: u8) -> usize {
    match tc {
        b'h' | b'H' => 2,
        b'i' | b'I' | b'f' => 4,
        b'l' | b'L' => core::mem::size_of::<isize>(),
        b'q' | b'Q' | b'd' => 8,
        b'P' | b'O' | b'S' => core::mem::size_of::<usize>(),
        _ => 1,
    }
}

pub fn get(v: Value) -> Option<&'static mut MemoryView> {
    v.downcast(&TYPE)
}

impl MemoryView {
    fn bytes(&self) -> &'static mut [u8] {
        let n = self.len * item_size(self.typecode);
        if n == 0 || self.ptr.is_null() {
            return &mut [];
        }
        // SAFETY: the view was made from a buffer of at least `n` bytes starting at `ptr`
        // (see make_new and slicing), kept alive through `obj`.
        unsafe { core::slice::from_raw_parts_mut(self.ptr, n) }
    }
}

/// Typecodes whose items the struct codec reads and writes here ('B' is read directly).
const NUMERIC: &[u8] = b"bhHiIlLqQPfdS";

/// Read item `i` of typecode `tc` from `data` (native byte order). Numbers go through the
/// struct codec; codes it does not size here are single unsigned bytes.
pub fn load_item(tc: u8, data: &[u8], i: usize) -> PyResult<Value> {
    let sz = item_size(tc);
    let Some(b) = data.get(i * sz..i * sz + sz) else {
        return Ok(Value::small_int(0));
    };
    match tc {
        b'O' => {
            let mut w = [0u8; core::mem::size_of::<usize>()];
            if b.len() == w.len() {
                w.copy_from_slice(b);
            }
            let v = Value::from_bits(usize::from_ne_bytes(w));
            // Only values are stored in object items (see array.rs).
            Ok(if v.is_null() { Value::NONE } else { v })
        }
        _ if NUMERIC.contains(&tc) => {
            crate::modules::struct_::load(crate::modules::struct_::Order::Native, tc, b)
        }
        _ => Ok(Value::small_int(b.first().copied().unwrap_or(0) as isize)),
    }
}

/// Write item `i` of typecode `tc` into `data` through the struct codec (ints truncate
/// like upstream); codes it does not size here are single bytes. Object items store the
/// value word itself (an `O` view only ever comes from an `O` array).
pub fn store_item(tc: u8, data: &mut [u8], i: usize, v: Value) -> PyResult<()> {
    let sz = item_size(tc);
    let Some(dst) = data.get_mut(i * sz..i * sz + sz) else {
        return Ok(());
    };
    if tc == b'O' {
        let w = v.bits().to_ne_bytes();
        if dst.len() == w.len() {
            dst.copy_from_slice(&w);
        }
        return Ok(());
    }
    let code = if NUMERIC.contains(&tc) { tc } else { b'B' };
    crate::modules::struct_::store(crate::modules::struct_::Order::Native, code, v, dst)
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(raise::type_error("function doesn't take keyword arguments"));
    }
    let [src] = args else {
        return Err(crate::objs::fun::arg_count_error(1, args.len()));
    };
    let buf = pystr::get_buffer(*src, BufferAccess::Read)
        .ok_or_else(|| raise::type_error("object with buffer protocol required"))?;
    let writable = pystr::get_buffer(*src, BufferAccess::Write).is_some();
    let obj = match get(*src) {
        Some(m) => m.obj,
        None => *src,
    };
    let sz = item_size(buf.typecode);
    let mv = MemoryView {
        base: ObjBase::new(&TYPE),
        obj,
        ptr: buf.ptr,
        len: buf.len / sz,
        typecode: buf.typecode,
        writable,
    };
    Ok(Value::from_ptr(crate::mem::alloc(mv)?))
}

fn print(out: &mut dyn Print, _v: Value, _k: PrintKind) -> PyResult<()> {
    out.write_str("<memoryview>")
}

fn this(v: Value) -> PyResult<&'static mut MemoryView> {
    get(v).ok_or_else(|| raise::type_error("expected a memoryview"))
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let m = this(v)?;
    Ok(match o {
        uop::BOOL => Some(Value::from_bool(m.len != 0)),
        uop::LEN => Some(Value::small_int(m.len as isize)),
        _ => None,
    })
}

fn is_bytelike(tc: u8) -> bool {
    matches!(tc, b'B' | b'b')
}

fn binary_op(o: u8, lhs: Value, rhs: Value) -> PyResult<Option<Value>> {
    let m = this(lhs)?;
    match o {
        op::EQUAL | op::LESS | op::LESS_EQUAL | op::MORE | op::MORE_EQUAL => {
            let Some(rb) = pystr::get_buffer(rhs, BufferAccess::Read) else {
                return Ok(if o == op::EQUAL {
                    Some(Value::FALSE)
                } else {
                    None
                });
            };
            let comparable = (is_bytelike(m.typecode)
                && is_bytelike(rb.typecode)
                && (o == op::EQUAL || m.typecode == b'B'))
                || (m.typecode == rb.typecode
                    && !matches!(m.typecode, b'f' | b'd')
                    && o == op::EQUAL);
            if !comparable {
                return Err(raise::with_args(
                    &crate::objs::exception::NOT_IMPLEMENTED_ERROR,
                    &[],
                ));
            }
            let r = pystr::buffer_bytes(rhs).unwrap_or(&[]);
            Ok(pystr::compare_bytes(o, m.bytes(), r).map(Value::from_bool))
        }
        op::CONTAINS => {
            if rhs.is_small_int() {
                for i in 0..m.len {
                    if load_item(m.typecode, m.bytes(), i)? == rhs {
                        return Ok(Some(Value::TRUE));
                    }
                }
            }
            Ok(Some(Value::FALSE))
        }
        _ => Ok(None),
    }
}

fn subscr(v: Value, index: Value, o: SubscrOp) -> PyResult<Option<Value>> {
    let m = this(v)?;
    let sz = item_size(m.typecode);
    if index.is_type(&crate::objs::slice::TYPE) {
        let (start, _stop, step, count) = crate::objs::slice::indices(index, m.len)?;
        if step != 1 {
            return Err(raise::not_implemented_error(
                "only slices with step=1 (aka None) are supported",
            ));
        }
        let start = start as usize;
        // Upstream keeps a view's offset in a bit field one byte narrower than a word; a
        // slice starting beyond it is an OverflowError there, so the same here.
        if start > OFFSET_MAX {
            return Err(raise::overflow_error("memoryview offset too large"));
        }
        return match o {
            SubscrOp::Load => {
                // SAFETY: start + count <= len, so the new view stays inside the buffer.
                let ptr = unsafe { m.ptr.add(start * sz) };
                let view = MemoryView {
                    base: ObjBase::new(&TYPE),
                    obj: m.obj,
                    ptr,
                    len: count,
                    typecode: m.typecode,
                    writable: m.writable,
                };
                Ok(Some(Value::from_ptr(crate::mem::alloc(view)?)))
            }
            SubscrOp::Store(x) => {
                if !m.writable {
                    return Ok(None);
                }
                let src = pystr::get_buffer(x, BufferAccess::Read).ok_or_else(|| {
                    raise::not_implemented_error("array/bytes required on right side")
                })?;
                // Object items ('O') may only come from object items: raw bytes copied into
                // them would be forged pointers.
                let objects = (m.typecode == b'O') != (src.typecode == b'O');
                if objects || item_size(src.typecode) != sz || src.len != count * sz {
                    return Err(raise::value_error("lhs and rhs should be compatible"));
                }
                let n = count * sz;
                // SAFETY: the source buffer holds `n` bytes (checked above) and the
                // destination range lies inside this view; `copy` allows the two to overlap
                // (a view assigned from a view of the same memory).
                unsafe { core::ptr::copy(src.ptr, m.ptr.add(start * sz), n) };
                Ok(Some(Value::NONE))
            }
            SubscrOp::Delete => Ok(None),
        };
    }
    let i = pystr::seq_index("memoryview", m.len, index)?;
    match o {
        SubscrOp::Load => load_item(m.typecode, m.bytes(), i).map(Some),
        SubscrOp::Store(x) => {
            if !m.writable {
                return Ok(None);
            }
            store_item(m.typecode, m.bytes(), i, x)?;
            Ok(Some(Value::NONE))
        }
        SubscrOp::Delete => Ok(None),
    }
}

fn buffer(v: Value, access: BufferAccess) -> Option<Buffer> {
    let m = get(v)?;
    if access == BufferAccess::Write && !m.writable {
        return None;
    }
    Some(Buffer {
        ptr: m.ptr,
        len: m.len * item_size(m.typecode),
        typecode: m.typecode,
    })
}

fn attr(v: Value, name: Qstr, o: AttrOp) -> PyResult<Option<Value>> {
    let m = this(v)?;
    if name == Q::itemsize && o == AttrOp::Load {
        return Ok(Some(Value::small_int(item_size(m.typecode) as isize)));
    }
    Ok(None)
}

// --- iteration over buffer-backed sequences (bytearray, memoryview) ---

#[repr(C)]
pub struct BufIter {
    pub base: ObjBase,
    pub obj: Value,
    pub pos: usize,
}

/// An iterator over the items of a bytearray or memoryview.
pub fn buffer_iter(v: Value) -> PyResult<Value> {
    Ok(Value::from_ptr(crate::mem::alloc(BufIter {
        base: ObjBase::new(&BUF_ITER_TYPE),
        obj: v,
        pos: 0,
    })?))
}

/// [`buffer_iter`] placed in `buf` (see `runtime::get_iter_buf`).
pub fn buffer_iter_in(v: Value, buf: &mut crate::runtime::IterBuf) -> Value {
    crate::runtime::place_iter(
        buf,
        BufIter {
            base: ObjBase::new(&BUF_ITER_TYPE),
            obj: v,
            pos: 0,
        },
    )
}

fn buf_iternext(it: Value) -> PyResult<Option<Value>> {
    // SAFETY: only installed on BUF_ITER_TYPE, whose instances are BufIter.
    let s: &mut BufIter = unsafe { it.downcast_unchecked() };
    let (tc, data, len) = match get(s.obj) {
        Some(m) => (m.typecode, &*m.bytes(), m.len),
        None => {
            let tc = pystr::get_buffer(s.obj, BufferAccess::Read)
                .map(|b| b.typecode)
                .unwrap_or(b'B');
            let b = pystr::buffer_bytes(s.obj).unwrap_or(&[]);
            (tc, b, b.len() / item_size(tc))
        }
    };
    if s.pos >= len {
        return Ok(None);
    }
    let v = load_item(tc, data, s.pos)?;
    s.pos += 1;
    Ok(Some(v))
}

pub static BUF_ITER_TYPE: Type = Type {
    name: Q::iterator,
    flags: flags::ITER_IS_ITERNEXT,
    iternext: Some(buf_iternext),
    ..Type::EMPTY
};

fn getiter(v: Value) -> PyResult<Value> {
    buffer_iter(v)
}

static LOCALS: [(Qstr, Value); 1] = [(Q::hex, pystr::HEX)];

pub static TYPE: Type = Type {
    name: Q::memoryview,
    flags: flags::EQ_CHECKS_OTHER_TYPE,
    make_new: Some(make_new),
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    subscr: Some(subscr),
    getiter: Some(getiter),
    buffer: Some(buffer),
    attr: Some(attr),
    locals: &LOCALS,
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::{b, i, r};
    use crate::runtime;
    use crate::state::testing::with_vm;
    extern crate std;

    fn sl(a: Value, b: Value) -> Value {
        crate::objs::slice::new(a, b, Value::NONE).unwrap()
    }

    #[test]
    fn view_bytes_and_bytearray() {
        with_vm(|| {
            let t = TYPE.as_value();
            let src = b(b"abcdef");
            let mv = runtime::call(t, &[src], &[]).unwrap();
            assert_eq!(runtime::len(mv).unwrap(), 6);
            assert_eq!(r(runtime::subscr(mv, i(1))), "98");
            assert_eq!(r(runtime::subscr(mv, i(-1))), "102");
            assert_eq!(
                r(runtime::subscr(mv, i(6))),
                "IndexError: memoryview index out of range"
            );
            assert_eq!(
                r(runtime::store_subscr(mv, i(0), i(1)).map(|_| Value::NONE)),
                "TypeError: 'memoryview' object doesn't support item assignment"
            );
            let part = runtime::subscr(mv, sl(i(2), i(4))).unwrap();
            assert_eq!(runtime::len(part).unwrap(), 2);
            assert_eq!(
                r(runtime::call(
                    crate::objs::str::BYTES_TYPE.as_value(),
                    &[part],
                    &[]
                )),
                "b'cd'"
            );
            assert_eq!(r(runtime::binary_op(op::EQUAL, part, b(b"cd"))), "True");
            assert_eq!(r(runtime::load_attr(part, Q::itemsize)), "1");

            let ba = crate::objs::bytearray::new(b"xyz").unwrap();
            let mv = runtime::call(t, &[ba], &[]).unwrap();
            let tail = runtime::subscr(mv, sl(i(1), Value::NONE)).unwrap();
            runtime::store_subscr(tail, i(0), i(65)).unwrap();
            runtime::store_subscr(tail, sl(i(1), i(2)), b(b"B")).unwrap();
            assert_eq!(r(Ok(ba)), "bytearray(b'xAB')");
            assert_eq!(
                r(runtime::store_subscr(tail, sl(i(0), i(2)), b(b"abc")).map(|_| Value::NONE)),
                "ValueError: lhs and rhs should be compatible"
            );
            let it = runtime::get_iter(tail).unwrap();
            assert_eq!(
                r(runtime::iter_next(it).map(|v| v.unwrap_or(Value::NONE))),
                "65"
            );
            assert_eq!(
                r(runtime::call(t, &[i(1)], &[])),
                "TypeError: object with buffer protocol required"
            );
        });
    }

    #[test]
    fn typed_items() {
        with_vm(|| {
            let mut data = [0u8; 8];
            store_item(b'h', &mut data, 1, Value::small_int(-2)).unwrap();
            assert_eq!(load_item(b'h', &data, 1).unwrap(), Value::small_int(-2));
            assert_eq!(load_item(b'H', &data, 1).unwrap(), Value::small_int(0xfffe));
            store_item(b'i', &mut data, 1, Value::small_int(-5)).unwrap();
            assert_eq!(load_item(b'i', &data, 1).unwrap(), Value::small_int(-5));
            assert_eq!(item_size(b'q'), 8);
        });
    }

    /// A view keeps the storage it was made on even after the bytearray grows elsewhere, so
    /// writing through it cannot touch newer objects.
    #[test]
    fn view_survives_bytearray_growth() {
        with_vm(|| {
            let ba = crate::objs::bytearray::new(b"abcd").unwrap();
            let mv = runtime::call(TYPE.as_value(), &[ba], &[]).unwrap();
            let a = crate::objs::bytearray::get(ba).unwrap();
            for _ in 0..200 {
                a.extend_from(b"0123456789").unwrap();
            }
            let others: std::vec::Vec<Value> = (0..200).map(|k| b(&[k as u8; 24])).collect();
            runtime::store_subscr(mv, i(0), i(65)).unwrap();
            runtime::store_subscr(mv, sl(i(1), i(4)), b(b"XYZ")).unwrap();
            for (k, o) in others.iter().enumerate() {
                assert_eq!(crate::objs::str::as_bytes(*o), Some(&[k as u8; 24][..]));
            }
            assert_eq!(&a.bytes()[..4], b"abcd");
            assert_eq!(
                r(runtime::call(
                    crate::objs::str::BYTES_TYPE.as_value(),
                    &[mv],
                    &[]
                )),
                "b'AXYZ'"
            );
        });
    }
}
