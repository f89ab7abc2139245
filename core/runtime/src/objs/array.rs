//! `array.array`: a growable array of machine numbers (the array part of MicroPython's
//! py/objarray.c). Items are stored packed in native byte order in a separate GC
//! allocation; the struct typecode says how to read them (see `memoryview::load_item`).
//! Besides CPython's codes, MicroPython's `O` (objects), `P` and `S` (pointers) exist.

use crate::mem;
use crate::obj::{
    flags, Buffer, BufferAccess, ObjBase, Print, PrintKind, PyResult, SubscrOp, Type,
};
use crate::objs::memoryview::{item_size, load_item, store_item};
use crate::objs::module::Module;
use crate::objs::str as pystr;
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::value::Value;
use crate::vstr::VStr;
use upy_compiler::bc::{binary as op, unary as uop};

#[repr(C)]
pub struct Array {
    pub base: ObjBase,
    pub typecode: u8,
    /// Items in use.
    pub len: usize,
    /// Items allocated.
    pub cap: usize,
    pub data: *mut u8,
}

const TYPECODES: &[u8] = b"bBhHiIlLqQfdOPS";

impl Array {
    fn sz(&self) -> usize {
        item_size(self.typecode)
    }

    pub fn bytes(&self) -> &'static mut [u8] {
        let n = self.len * self.sz();
        if self.data.is_null() || n == 0 {
            return &mut [];
        }
        // SAFETY: data holds cap >= len items of sz bytes, kept alive by this object.
        unsafe { core::slice::from_raw_parts_mut(self.data, n) }
    }

    fn reserve(&mut self, extra: usize) -> PyResult<()> {
        let need = self.len.checked_add(extra).ok_or_else(mem::oom)?;
        if need <= self.cap {
            return Ok(());
        }
        let cap = need.max(self.cap + self.cap / 2).max(4);
        let bytes = cap.checked_mul(self.sz()).ok_or_else(mem::oom)?;
        self.data = mem::realloc_array::<u8>(self.data, bytes)?;
        self.cap = cap;
        Ok(())
    }

    fn push(&mut self, v: Value) -> PyResult<()> {
        self.reserve(1)?;
        let sz = self.sz();
        // SAFETY: reserve made room for one more item after len.
        let slot = unsafe { core::slice::from_raw_parts_mut(self.data.add(self.len * sz), sz) };
        store_item(self.typecode, slot, 0, v)?;
        self.len += 1;
        Ok(())
    }

    /// Append raw bytes (whole items only).
    fn push_raw(&mut self, b: &[u8]) -> PyResult<()> {
        let sz = self.sz();
        let n = b.len() / sz;
        let mut tmp = VStr::with_capacity(n * sz)?;
        tmp.push_bytes(b.get(..n * sz).unwrap_or(&[]))?;
        self.reserve(n)?;
        // SAFETY: reserve made room for n more items; tmp does not alias our buffer.
        unsafe {
            core::ptr::copy_nonoverlapping(
                tmp.as_bytes().as_ptr(),
                self.data.add(self.len * sz),
                n * sz,
            )
        };
        self.len += n;
        Ok(())
    }
}

pub fn get(v: Value) -> Option<&'static mut Array> {
    if let Some(a) = v.downcast(&TYPE) {
        return Some(a);
    }
    crate::objs::r#type::native_of(v)?.downcast(&TYPE)
}

fn this(v: Value) -> PyResult<&'static mut Array> {
    get(v).ok_or_else(|| raise::type_error("expected an array"))
}

pub fn is_array(v: Value) -> bool {
    get(v).is_some()
}

/// A new empty array of typecode `tc` (checked by the caller).
pub fn new(tc: u8) -> PyResult<Value> {
    let a = Array {
        base: ObjBase::new(&TYPE),
        typecode: tc,
        len: 0,
        cap: 0,
        data: core::ptr::null_mut(),
    };
    Ok(Value::from_ptr(mem::alloc(a)?))
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(raise::type_error("function doesn't take keyword arguments"));
    }
    if args.is_empty() || args.len() > 2 {
        return Err(raise::type_error_fmt(format_args!(
            "function expected at most 2 arguments, got {}",
            args.len()
        )));
    }
    let tc = pystr::as_str(args[0]).ok_or_else(|| pystr::bad_implicit_conversion(args[0]))?;
    let tc = match tc.as_bytes() {
        [c] if TYPECODES.contains(c) => *c,
        _ => return Err(raise::value_error("bad typecode")),
    };
    let v = new(tc)?;
    let a = this(v)?;
    if let Some(&init) = args.get(1) {
        // Raw copies come only from bytes and bytearray (as upstream); anything else,
        // including other arrays, is read item by item.
        if pystr::is_bytes(init) || init.is_type(&crate::objs::bytearray::TYPE) {
            a.push_raw(pystr::buffer_bytes(init).unwrap_or(&[]))?;
        } else {
            extend_items(a, init)?;
        }
    }
    Ok(v)
}

fn extend_items(a: &mut Array, it: Value) -> PyResult<()> {
    let iter = runtime::get_iter(it)?;
    while let Some(x) = runtime::iter_next(iter)? {
        a.push(x)?;
    }
    Ok(())
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let a = this(v)?;
    out.write_str("array('")?;
    out.write_char(a.typecode as char)?;
    out.write_str("'")?;
    if a.len > 0 {
        out.write_str(", [")?;
        for i in 0..a.len {
            if i > 0 {
                out.write_str(", ")?;
            }
            let x = load_item(a.typecode, a.bytes(), i)?;
            runtime::print_value(out, x, PrintKind::Repr)?;
        }
        out.write_str("]")?;
    }
    out.write_str(")")
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let a = this(v)?;
    Ok(match o {
        uop::BOOL => Some(Value::from_bool(a.len != 0)),
        uop::LEN => Some(Value::small_int(a.len as isize)),
        _ => None,
    })
}

/// An integer item as i128 (for value comparisons across signedness).
fn int_item(tc: u8, data: &[u8], i: usize) -> i128 {
    let sz = item_size(tc);
    let mut w = [0u8; 16];
    if let Some(b) = data.get(i * sz..i * sz + sz) {
        w[..sz].copy_from_slice(b);
    }
    let u = u128::from_le_bytes(w);
    #[cfg(target_endian = "big")]
    let u = u128::from_be_bytes(w) >> (128 - 8 * sz);
    if tc.is_ascii_lowercase() {
        let shift = 128 - 8 * sz as u32;
        ((u << shift) as i128) >> shift
    } else {
        u as i128
    }
}

fn compare(o: u8, a: &Array, b: &Array) -> PyResult<bool> {
    let ca = a.typecode.to_ascii_lowercase();
    let cb = b.typecode.to_ascii_lowercase();
    if ca != cb || matches!(ca, b'f' | b'd' | b'o' | b's' | b'p') {
        return Err(raise::with_args(
            &crate::objs::exception::NOT_IMPLEMENTED_ERROR,
            &[],
        ));
    }
    let (da, db) = (a.bytes(), b.bytes());
    let mut ord = a.len.cmp(&b.len);
    for i in 0..a.len.min(b.len) {
        let c = int_item(a.typecode, da, i).cmp(&int_item(b.typecode, db, i));
        if c != core::cmp::Ordering::Equal {
            ord = c;
            break;
        }
    }
    Ok(match o {
        op::LESS => ord.is_lt(),
        op::LESS_EQUAL => ord.is_le(),
        op::MORE => ord.is_gt(),
        op::MORE_EQUAL => ord.is_ge(),
        _ => ord.is_eq(),
    })
}

fn binary_op(o: u8, lhs: Value, rhs: Value) -> PyResult<Option<Value>> {
    let a = this(lhs)?;
    match o {
        op::ADD => {
            let rb = pystr::buffer_bytes(rhs)
                .ok_or_else(|| raise::type_error("object with buffer protocol required"))?;
            let v = new(a.typecode)?;
            let n = this(v)?;
            n.push_raw(a.bytes())?;
            n.push_raw(rb)?;
            Ok(Some(v))
        }
        op::INPLACE_ADD => {
            extend(lhs, rhs)?;
            Ok(Some(lhs))
        }
        op::CONTAINS => {
            if !(pystr::is_str(rhs)
                || rhs.is_small_int()
                || crate::objs::float::is_float(rhs)
                || crate::objs::int::is_int(rhs))
            {
                return Ok(Some(Value::FALSE));
            }
            for i in 0..a.len {
                if runtime::equal(load_item(a.typecode, a.bytes(), i)?, rhs)? {
                    return Ok(Some(Value::TRUE));
                }
            }
            Ok(Some(Value::FALSE))
        }
        op::EQUAL | op::LESS | op::LESS_EQUAL | op::MORE | op::MORE_EQUAL => match get(rhs) {
            Some(b) => Ok(Some(Value::from_bool(compare(o, a, b)?))),
            None if o == op::EQUAL => Ok(Some(Value::FALSE)),
            None => Ok(None),
        },
        _ => Ok(None),
    }
}

fn subscr(v: Value, index: Value, o: SubscrOp) -> PyResult<Option<Value>> {
    let a = this(v)?;
    let sz = a.sz();
    if index.is_type(&crate::objs::slice::TYPE) {
        let (start, _stop, step, count) = crate::objs::slice::indices(index, a.len)?;
        return match o {
            SubscrOp::Load => {
                let r = new(a.typecode)?;
                let ra = this(r)?;
                ra.reserve(count)?;
                let mut i = start;
                for _ in 0..count {
                    let b = a
                        .bytes()
                        .get(i as usize * sz..(i as usize + 1) * sz)
                        .unwrap_or(&[]);
                    ra.push_raw(b)?;
                    i += step;
                }
                Ok(Some(r))
            }
            SubscrOp::Store(x) => {
                let src = match pystr::get_buffer(x, BufferAccess::Read) {
                    Some(b) if pystr::is_str(x) => {
                        let _ = b;
                        return Err(raise::not_implemented_error(
                            "array/bytes required on right side",
                        ));
                    }
                    Some(b) if item_size(b.typecode) == sz => pystr::buffer_bytes(x).unwrap_or(&[]),
                    Some(_) => return Err(raise::value_error("lhs and rhs should be compatible")),
                    None => {
                        return Err(raise::not_implemented_error(
                            "array/bytes required on right side",
                        ))
                    }
                };
                let mut tmp = VStr::with_capacity(src.len())?;
                tmp.push_bytes(src)?;
                splice(a, start, step, count, tmp.as_bytes())?;
                Ok(Some(Value::NONE))
            }
            SubscrOp::Delete => {
                splice_delete(a, start, step, count);
                Ok(Some(Value::NONE))
            }
        };
    }
    let i = pystr::seq_index("array", a.len, index)?;
    match o {
        SubscrOp::Load => load_item(a.typecode, a.bytes(), i).map(Some),
        SubscrOp::Store(x) => {
            store_item(a.typecode, a.bytes(), i, x)?;
            Ok(Some(Value::NONE))
        }
        SubscrOp::Delete => {
            splice_delete(a, i as isize, 1, 1);
            Ok(Some(Value::NONE))
        }
    }
}

/// Replace the selected items with `src` (any length for step 1, the same count otherwise).
fn splice(a: &mut Array, start: isize, step: isize, count: usize, src: &[u8]) -> PyResult<()> {
    let sz = a.sz();
    let n = src.len() / sz;
    if step != 1 {
        if n != count {
            return Err(raise::value_error("lhs and rhs should be compatible"));
        }
        let data = a.bytes();
        let mut i = start;
        for k in 0..n {
            if let (Some(d), Some(s)) = (
                data.get_mut(i as usize * sz..(i as usize + 1) * sz),
                src.get(k * sz..(k + 1) * sz),
            ) {
                d.copy_from_slice(s);
            }
            i += step;
        }
        return Ok(());
    }
    let start = start as usize;
    if n > count {
        a.reserve(n - count)?;
    }
    let tail = a.len - start - count;
    // SAFETY: all ranges are inside the allocation (reserved above); `copy` handles the
    // overlapping move of the tail.
    unsafe {
        core::ptr::copy(
            a.data.add((start + count) * sz),
            a.data.add((start + n) * sz),
            tail * sz,
        );
        core::ptr::copy_nonoverlapping(src.as_ptr(), a.data.add(start * sz), n * sz);
    }
    a.len = start + n + tail;
    Ok(())
}

fn splice_delete(a: &mut Array, start: isize, step: isize, count: usize) {
    let sz = a.sz();
    let selected = |r: isize| {
        let d = if step > 0 { r - start } else { start - r };
        d >= 0 && d % step.abs() == 0 && ((d / step.abs()) as usize) < count
    };
    let data = a.bytes();
    let mut w = 0;
    for r in 0..a.len {
        if !selected(r as isize) {
            data.copy_within(r * sz..(r + 1) * sz, w * sz);
            w += 1;
        }
    }
    a.len = w;
}

fn getiter(v: Value) -> PyResult<Value> {
    crate::objs::memoryview::buffer_iter(v)
}

fn buffer(v: Value, _access: BufferAccess) -> Option<Buffer> {
    let a = get(v)?;
    Some(Buffer {
        ptr: a.data,
        len: a.len * a.sz(),
        typecode: a.typecode,
    })
}

fn append(v: Value, x: Value) -> PyResult<Value> {
    this(v)?.push(x)?;
    Ok(Value::NONE)
}

fn extend(v: Value, x: Value) -> PyResult<Value> {
    let a = this(v)?;
    // Buffers are appended raw (an extension to CPython, as upstream).
    if let Some(b) = pystr::buffer_bytes(x).filter(|_| !pystr::is_str(x)) {
        a.push_raw(b)?;
    } else {
        extend_items(a, x)?;
    }
    Ok(Value::NONE)
}

static LOCALS: [(Qstr, Value); 2] = [
    (Q::append, crate::fun!(append, F2(append))),
    (Q::extend, crate::fun!(extend, F2(extend))),
];

pub static TYPE: Type = Type {
    name: Q::array,
    flags: flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE,
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

static GLOBALS: [(Qstr, Value); 2] = [
    (Q::__name__, Value::qstr(Q::array)),
    (Q::array, Value::from_static(&TYPE)),
];

/// The `array` module.
pub static MODULE: Module = Module::new_static(Q::array, &GLOBALS);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::{b, i, m, r, s};
    use crate::state::testing::with_vm;

    fn arr(tc: &str, items: &[isize]) -> Value {
        let a = runtime::call(TYPE.as_value(), &[s(tc)], &[]).unwrap();
        for &x in items {
            m(a, "append", &[i(x)]).unwrap();
        }
        a
    }

    #[test]
    fn construct_print_items() {
        with_vm(|| {
            let a = arr("h", &[1, -2, 40000]);
            assert_eq!(r(Ok(a)), "array('h', [1, -2, -25536])");
            assert_eq!(r(Ok(arr("I", &[]))), "array('I')");
            assert_eq!(
                r(runtime::call(TYPE.as_value(), &[s("X")], &[])),
                "ValueError: bad typecode"
            );
            assert_eq!(
                r(runtime::call(
                    TYPE.as_value(),
                    &[s("h"), b(b"\x01\x00\x02")],
                    &[]
                )),
                "array('h', [1])"
            );
            assert_eq!(runtime::len(a).unwrap(), 3);
            assert_eq!(r(runtime::subscr(a, i(-2))), "-2");
            runtime::store_subscr(a, i(0), i(7)).unwrap();
            assert_eq!(r(Ok(a)), "array('h', [7, -2, -25536])");
            let sl = crate::objs::slice::new(Value::NONE, Value::NONE, i(-1)).unwrap();
            assert_eq!(r(runtime::subscr(a, sl)), "array('h', [-25536, -2, 7])");
            runtime::delete_subscr(a, i(1)).unwrap();
            assert_eq!(r(Ok(a)), "array('h', [7, -25536])");
            assert_eq!(
                r(runtime::subscr(a, i(2))),
                "IndexError: array index out of range"
            );
        });
    }

    #[test]
    fn compare_and_add() {
        with_vm(|| {
            let x = arr("b", &[1, 2]);
            let y = arr("B", &[1, 2]);
            let z = arr("B", &[1, 3]);
            assert_eq!(r(runtime::binary_op(op::EQUAL, x, y)), "True");
            assert_eq!(r(runtime::binary_op(op::LESS, y, z)), "True");
            assert_eq!(r(runtime::binary_op(op::EQUAL, x, b(b"\x01\x02"))), "False");
            assert_eq!(r(runtime::binary_op(op::EQUAL, b(b"\x01\x02"), x)), "False");
            assert_eq!(
                r(runtime::binary_op(op::EQUAL, x, arr("f", &[]))),
                "NotImplementedError: "
            );
            assert_eq!(
                r(runtime::binary_op(op::ADD, x, y)),
                "array('b', [1, 2, 1, 2])"
            );
            assert_eq!(r(runtime::binary_op(op::IN, i(2), x)), "True");
            assert_eq!(r(runtime::binary_op(op::IN, s("a"), x)), "False");
        });
    }
}
