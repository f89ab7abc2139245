//! `array.array`: a growable sequence of machine numbers of one struct typecode (the array
//! half of MicroPython's py/objarray.c). Items live packed in a separate GC byte buffer in
//! native order (the bytearray storage, counting items) and are converted with the struct
//! codec through memoryview's item access. Like upstream, storing an int truncates it to
//! the item size, `+`/`extend` accept any buffer (taking its raw bytes), and slices must
//! have step 1.
//!
//! Typecode `O` holds object references (an upstream extension). Its words are only ever
//! written from real values: such an array never takes raw bytes except from another `O`
//! array, and its buffer is read-only, so no pointer can be forged through it.

use crate::mem;
use crate::obj::{
    flags, Buffer, BufferAccess, ObjBase, Print, PrintKind, PyErr, PyResult, SubscrOp, Type,
};
use crate::objs::{bytearray, exception, list, memoryview, slice, str as pystr};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::value::Value;
use upy_compiler::bc::{binary as op, unary as uop};

/// An array: the storage of a bytearray (its `len` and `cap` counting items of the
/// typecode's size) and the typecode.
#[repr(C)]
pub struct Array {
    pub store: bytearray::ByteArray,
    pub typecode: u8,
}

impl Array {
    pub fn item_size(&self) -> usize {
        item_size(self.typecode)
    }

    fn len(&self) -> usize {
        self.store.len
    }

    pub fn bytes(&self) -> &'static mut [u8] {
        let n = self.store.len * self.item_size();
        if self.store.data.is_null() || n == 0 {
            return &mut [];
        }
        // SAFETY: data holds cap >= len items of item_size bytes, kept alive by this object.
        unsafe { core::slice::from_raw_parts_mut(self.store.data, n) }
    }

    fn item(&self, i: usize) -> PyResult<Value> {
        memoryview::load_item(self.typecode, self.bytes(), i)
    }

    pub fn push(&mut self, v: Value) -> PyResult<()> {
        let sz = self.item_size();
        self.store.reserve_items(1, sz)?;
        // Store into the spare slot first so a failed conversion leaves len unchanged.
        let len = self.store.len;
        // SAFETY: reserve made room for len + 1 items.
        let data = unsafe { core::slice::from_raw_parts_mut(self.store.data, (len + 1) * sz) };
        memoryview::store_item(self.typecode, data, len, v)?;
        self.store.len += 1;
        Ok(())
    }

    /// Append whole items from raw bytes (a trailing partial item is dropped).
    fn extend_raw(&mut self, b: &[u8]) -> PyResult<()> {
        self.splice(self.store.len, self.store.len, b)
    }

    /// Replace items `start..stop` by the raw items in `src` (a trailing partial item is
    /// dropped).
    fn splice(&mut self, start: usize, stop: usize, src: &[u8]) -> PyResult<()> {
        let sz = self.item_size();
        self.store.splice_items(start, stop, src, sz)
    }
}

/// Native item size of a supported typecode (1 for anything else).
pub fn item_size(tc: u8) -> usize {
    memoryview::item_size(tc)
}

fn check_typecode(tc: u8) -> PyResult<u8> {
    match tc {
        b'b' | b'B' | b'h' | b'H' | b'i' | b'I' | b'l' | b'L' | b'q' | b'Q' | b'f' | b'd'
        | b'P' | b'O' | b'S' => Ok(tc),
        _ => Err(raise::value_error("bad typecode")),
    }
}

/// A new array of `tc` items holding the raw native bytes `raw`.
pub fn new_raw(tc: u8, raw: &[u8]) -> PyResult<Value> {
    let tc = check_typecode(tc)?;
    let mut a = Array {
        store: bytearray::ByteArray {
            base: ObjBase::new(&TYPE),
            len: 0,
            cap: 0,
            data: core::ptr::null_mut(),
        },
        typecode: tc,
    };
    a.extend_raw(raw)?;
    Ok(Value::from_ptr(mem::alloc(a)?))
}

pub fn get(v: Value) -> Option<&'static mut Array> {
    v.downcast(&TYPE)
}

fn this(v: Value) -> PyResult<&'static mut Array> {
    get(v).ok_or_else(|| raise::type_error("expected an array"))
}

fn not_implemented() -> PyErr {
    raise::with_args(&exception::NOT_IMPLEMENTED_ERROR, &[])
}

/// Append every item of an iterable, converting each.
fn extend_iter(a: Value, iterable: Value) -> PyResult<()> {
    let it = runtime::get_iter(iterable)?;
    while let Some(x) = runtime::iter_next(it)? {
        this(a)?.push(x)?;
    }
    Ok(())
}

// --- slots ---

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 1, 2)?;
    let text = pystr::as_bytes(args[0]).ok_or_else(|| pystr::bad_implicit_conversion(args[0]))?;
    let tc = text.first().copied().unwrap_or(0);
    let Some(init) = args.get(1).copied() else {
        return new_raw(tc, &[]);
    };
    // Only bytes and bytearray initialise raw (any other buffer is iterated, as upstream).
    if tc != b'O' && (init.is_type(&pystr::BYTES_TYPE) || init.is_type(&bytearray::TYPE)) {
        return new_raw(tc, pystr::buffer_bytes(init).unwrap_or(&[]));
    }
    let a = new_raw(tc, &[])?;
    extend_iter(a, init)?;
    Ok(a)
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let a = this(v)?;
    out.write_str("array('")?;
    out.write_char(a.typecode as char)?;
    out.write_str("'")?;
    if a.len() > 0 {
        out.write_str(", [")?;
        let mut i = 0;
        while i < this(v)?.len() {
            if i > 0 {
                out.write_str(", ")?;
            }
            runtime::print_value(out, this(v)?.item(i)?, PrintKind::Repr)?;
            i += 1;
        }
        out.write_str("]")?;
    }
    out.write_str(")")
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let a = this(v)?;
    Ok(match o {
        uop::BOOL => Some(Value::from_bool(a.len() != 0)),
        uop::LEN => Some(Value::small_int(a.len() as isize)),
        _ => None,
    })
}

/// Typecode class for comparisons: lower case, and whether any side was unsigned.
fn comparable_code(tc: u8, unsigned: &mut bool) -> u8 {
    if tc.is_ascii_uppercase() {
        *unsigned = true;
        tc.to_ascii_lowercase()
    } else {
        tc
    }
}

fn binary_op(o: u8, lhs: Value, rhs: Value) -> PyResult<Option<Value>> {
    let a = this(lhs)?;
    match o {
        op::ADD if a.typecode == b'O' => {
            let r = new_raw(b'O', a.bytes())?;
            extend(r, rhs)?;
            Ok(Some(r))
        }
        op::ADD => {
            let rb = pystr::get_buffer(rhs, BufferAccess::Read)
                .ok_or_else(|| raise::type_error("object with buffer protocol required"))?;
            let rbytes = pystr::buffer_bytes(rhs).unwrap_or(&[]);
            let sz = a.item_size();
            let n = rb.len / sz;
            let r = new_raw(a.typecode, a.bytes())?;
            this(r)?.extend_raw(rbytes.get(..n * sz).unwrap_or(&[]))?;
            Ok(Some(r))
        }
        op::INPLACE_ADD => {
            extend(lhs, rhs)?;
            Ok(Some(lhs))
        }
        op::CONTAINS => {
            if pystr::get_buffer(rhs, BufferAccess::Read).is_some() {
                return Ok(Some(Value::FALSE));
            }
            if crate::objs::int::is_int(rhs) || crate::objs::float::is_float(rhs) {
                return Err(not_implemented());
            }
            Ok(Some(Value::FALSE))
        }
        op::EQUAL | op::LESS | op::LESS_EQUAL | op::MORE | op::MORE_EQUAL => {
            // Upstream only compares with an object of another type if that type says
            // equality may hold across types (bytearray, memoryview).
            let other_ok = rhs.is_type(&TYPE)
                || rhs.is_type(&bytearray::TYPE)
                || rhs.is_type(&memoryview::TYPE);
            let Some(rb) = pystr::get_buffer(rhs, BufferAccess::Read).filter(|_| other_ok) else {
                return Ok(Some(Value::FALSE));
            };
            let mut unsigned = false;
            let lc = comparable_code(a.typecode, &mut unsigned);
            let rc = comparable_code(rb.typecode, &mut unsigned);
            if lc == rc && lc != b'f' && lc != b'd' && (o == op::EQUAL || unsigned) {
                let r = pystr::buffer_bytes(rhs).unwrap_or(&[]);
                return Ok(pystr::compare_bytes(o, a.bytes(), r).map(Value::from_bool));
            }
            Err(not_implemented())
        }
        _ => Ok(None),
    }
}

/// Raw items to assign to a slice of `a`: from an array, bytearray or memoryview of the
/// same item size, or from bytes when items are single bytes.
fn slice_source(a: &Array, x: Value) -> PyResult<&'static [u8]> {
    let sz = a.item_size();
    let compatible = || raise::value_error("lhs and rhs should be compatible");
    if a.typecode == b'O' {
        let from_objects = get(x).is_some_and(|s| s.typecode == b'O')
            || memoryview::get(x).is_some_and(|m| m.typecode == b'O');
        if !from_objects {
            return Err(compatible());
        }
    }
    let src_size = if let Some(s) = get(x) {
        s.item_size()
    } else if let Some(m) = memoryview::get(x) {
        memoryview::item_size(m.typecode)
    } else if x.is_type(&bytearray::TYPE) || x.is_type(&pystr::BYTES_TYPE) {
        1
    } else {
        return Err(raise::not_implemented_error(
            "array/bytes required on right side",
        ));
    };
    if src_size != sz {
        return Err(compatible());
    }
    Ok(pystr::buffer_bytes(x).unwrap_or(&[]))
}

fn subscr(v: Value, index: Value, sop: SubscrOp) -> PyResult<Option<Value>> {
    let a = this(v)?;
    if sop == SubscrOp::Delete {
        return Ok(None);
    }
    if slice::get(index).is_some() {
        let (start, _stop, step, count) = slice::indices(index, a.len())?;
        if step != 1 {
            return Err(raise::not_implemented_error(
                "only slices with step=1 (aka None) are supported",
            ));
        }
        let start = start.max(0) as usize;
        let sz = a.item_size();
        return match sop {
            SubscrOp::Load => {
                let b = a
                    .bytes()
                    .get(start * sz..(start + count) * sz)
                    .unwrap_or(&[]);
                new_raw(a.typecode, b).map(Some)
            }
            SubscrOp::Store(x) => {
                let src = slice_source(a, x)?;
                a.splice(start, start + count, src)?;
                Ok(Some(Value::NONE))
            }
            SubscrOp::Delete => Ok(None),
        };
    }
    let i = list::get_index(&TYPE, a.len(), index, false)?;
    match sop {
        SubscrOp::Load => a.item(i).map(Some),
        SubscrOp::Store(x) => {
            memoryview::store_item(a.typecode, a.bytes(), i, x)?;
            Ok(Some(Value::NONE))
        }
        SubscrOp::Delete => Ok(None),
    }
}

fn buffer(v: Value, access: BufferAccess) -> Option<Buffer> {
    let a = get(v)?;
    if a.typecode == b'O' && access == BufferAccess::Write {
        return None;
    }
    Some(Buffer {
        ptr: a.store.data,
        len: a.len() * a.item_size(),
        typecode: a.typecode,
    })
}

// --- iterator ---

/// Arrays iterate as any buffer does (memoryview's buffer iterator).
pub use memoryview::BUF_ITER_TYPE as ITER_TYPE;

fn getiter(v: Value) -> PyResult<Value> {
    memoryview::buffer_iter(v)
}

/// An array iterator placed in `buf` (see `runtime::get_iter_buf`).
pub fn iter_in(v: Value, buf: &mut crate::runtime::IterBuf) -> Value {
    memoryview::buffer_iter_in(v, buf)
}

// --- methods ---

fn append(v: Value, x: Value) -> PyResult<Value> {
    this(v)?.push(x)?;
    Ok(Value::NONE)
}

fn extend(v: Value, x: Value) -> PyResult<Value> {
    let a = this(v)?;
    let raw_ok = a.typecode != b'O' || get(x).is_some_and(|s| s.typecode == b'O');
    if raw_ok && pystr::get_buffer(x, BufferAccess::Read).is_some() {
        a.extend_raw(pystr::buffer_bytes(x).unwrap_or(&[]))?;
    } else {
        extend_iter(v, x)?;
    }
    Ok(Value::NONE)
}

static LOCALS: [(Qstr, Value); 2] = [
    crate::entry!(append, crate::fun!(append, F2(append))),
    crate::entry!(extend, crate::fun!(extend, F2(extend))),
];

pub static TYPE: Type = Type {
    name: Q::array,
    flags: flags::BASETYPE,
    make_new: Some(make_new),
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    subscr: Some(subscr),
    getiter: Some(getiter),
    buffer: Some(buffer),
    locals: &LOCALS,
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::{b, i, m, r, s};
    use crate::state::testing::with_vm;

    fn arr(tc: &str, items: &[isize]) -> Value {
        let vals: alloc::vec::Vec<Value> = items.iter().map(|n| i(*n)).collect();
        let l = list::new(&vals).unwrap();
        runtime::call(TYPE.as_value(), &[s(tc), l], &[]).unwrap()
    }

    fn sl(a: Value, b: Value) -> Value {
        slice::new(a, b, Value::NONE).unwrap()
    }

    #[test]
    fn construct_and_print() {
        with_vm(|| {
            let t = TYPE.as_value();
            assert_eq!(r(Ok(arr("i", &[1, 2]))), "array('i', [1, 2])");
            assert_eq!(r(runtime::call(t, &[s("f")], &[])), "array('f')");
            assert_eq!(
                r(runtime::call(t, &[s("h"), b(b"\x01\x02\x03")], &[])),
                "array('h', [513])"
            );
            assert_eq!(r(Ok(arr("b", &[200, -200]))), "array('b', [-56, 56])");
            assert_eq!(r(Ok(arr("I", &[-1]))), "array('I', [4294967295])");
            assert_eq!(
                r(runtime::call(t, &[s("z")], &[])),
                "ValueError: bad typecode"
            );
            assert_eq!(
                r(runtime::call(t, &[s("")], &[])),
                "ValueError: bad typecode"
            );
            assert_eq!(
                r(runtime::call(t, &[s("i"), s("ab")], &[])),
                "TypeError: can't convert str to int"
            );
            assert_eq!(runtime::len(arr("d", &[1, 2])).unwrap(), 2);
        });
    }

    #[test]
    fn operators_and_items() {
        with_vm(|| {
            let a = arr("i", &[1, 2]);
            assert_eq!(
                r(runtime::binary_op(op::EQUAL, a, arr("I", &[1, 2]))),
                "True"
            );
            assert_eq!(r(runtime::binary_op(op::EQUAL, a, b(b"\x01"))), "False");
            assert_eq!(
                r(runtime::binary_op(op::EQUAL, a, arr("b", &[1]))),
                "NotImplementedError: "
            );
            assert_eq!(
                r(runtime::binary_op(
                    op::LESS,
                    arr("B", &[1, 2]),
                    arr("B", &[1, 3])
                )),
                "True"
            );
            assert_eq!(
                r(runtime::binary_op(op::ADD, a, b(b"\x05\x00\x00\x00\x06"))),
                "array('i', [1, 2, 5])"
            );
            m(a, "extend", &[arr("b", &[1, 2, 3, 4])]).unwrap();
            assert_eq!(r(Ok(a)), "array('i', [1, 2, 67305985])");
            m(a, "append", &[Value::TRUE]).unwrap();
            assert_eq!(r(runtime::subscr(a, i(-1))), "1");
            assert_eq!(
                r(runtime::subscr(a, sl(i(1), i(3)))),
                "array('i', [2, 67305985])"
            );
            runtime::store_subscr(a, sl(i(0), i(2)), arr("i", &[9, 9, 9])).unwrap();
            assert_eq!(r(Ok(a)), "array('i', [9, 9, 9, 67305985, 1])");
            assert_eq!(
                r(runtime::store_subscr(a, sl(i(0), i(1)), arr("h", &[1])).map(|_| Value::NONE)),
                "ValueError: lhs and rhs should be compatible"
            );
            assert_eq!(
                r(runtime::subscr(a, i(100))),
                "IndexError: array index out of range"
            );
            assert_eq!(
                r(runtime::delete_subscr(a, i(0)).map(|_| Value::NONE)),
                "TypeError: 'array' object doesn't support item deletion"
            );
            let o = runtime::call(TYPE.as_value(), &[s("O"), b(b"ab")], &[]).unwrap();
            assert_eq!(r(Ok(o)), "array('O', [97, 98])");
            m(o, "append", &[s("x")]).unwrap();
            assert_eq!(r(runtime::subscr(o, i(2))), "'x'");
            assert!(pystr::get_buffer(o, BufferAccess::Write).is_none());
            m(o, "extend", &[b(b"\x01\x02")]).unwrap();
            assert_eq!(r(Ok(o)), "array('O', [97, 98, 'x', 1, 2])");
            let it = runtime::get_iter(arr("H", &[7])).unwrap();
            assert_eq!(
                r(runtime::iter_next(it).map(|v| v.unwrap_or(Value::NONE))),
                "7"
            );
        });
    }
}
