//! `uctypes`: typed access to raw memory through struct descriptors (extmod/moductypes.c).
//!
//! A descriptor is a dict of field name to either a scalar (a small int packing value type,
//! offset and, for bitfields, bit position and length) or an aggregate tuple: `(offset,
//! {dict})` for a nested struct, `(PTR | offset, type)` and `(ARRAY | offset, type |
//! count)` or `(ARRAY | offset, count, {dict})`. The integer encoding is upstream's, so
//! descriptors built from the constants of either implementation mean the same:
//!
//! ```text
//!  scalar:    bit 30..27 value type   26..22 bitfield length  21..17 bit position  16..0 offset
//!             (bits 26..0 are the offset for plain scalars)
//!  aggregate: bit 30..29 kind (STRUCT 0, PTR 1, ARRAY 2)        28..0 offset
//! ```
//!
//! # Safety
//! The module reads and writes whatever address it is given: that is its purpose, and it
//! cannot be made safe. All raw memory access goes through [`read_mem`] and [`write_mem`];
//! what the rest of the file adds is checking descriptors so that malformed ones raise
//! `TypeError` rather than access memory, and bounds-checking array indices (negative ones
//! included, which upstream lets through).

use crate::mem;
use crate::obj::{Buffer, BufferAccess, ObjBase, Print, PrintKind, PyResult, SubscrOp, Type};
use crate::objs::{bytearray, dict, int, module::Module, str as pystr, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;

use crate::value::Value;
use crate::vstr::VStr;
use upy_compiler::bc::unary as uop;

use super::struct_::{self, Order};

const LITTLE_ENDIAN: isize = 0;
const BIG_ENDIAN: isize = 1;
const NATIVE: isize = 2;

const VAL_TYPE_BITS: u32 = 4;
const AGG_TYPE_BITS: u32 = 2;
const OFFSET_BITS: u32 = 17;
const LEN_BITS: u32 = OFFSET_BITS + 5;

// Value types (4 bits); bit 0 is "signed" for the integer ones.
const UINT8: usize = 0;
const INT8: usize = 1;
const UINT16: usize = 2;
const INT16: usize = 3;
const UINT32: usize = 4;
const INT32: usize = 5;
const UINT64: usize = 6;
const INT64: usize = 7;
const BFUINT8: usize = 8;
const BFINT8: usize = 9;
const BFUINT16: usize = 10;
const BFINT16: usize = 11;
const BFUINT32: usize = 12;
const BFINT32: usize = 13;
const FLOAT32: usize = 14;
const FLOAT64: usize = 15;

// Aggregate kinds (2 bits).
const STRUCT: usize = 0;
const PTR: usize = 1;
const ARRAY: usize = 2;

/// struct-module type code per value type (bitfields have none).
const TYPE_CHAR: [u8; 16] = *b"BbHhIiQq------fd";

/// A type placed in the top bits of a 31-bit small int (sign bit included), as upstream.
const fn type_const(t: usize, nbits: u32) -> isize {
    (((t as i32) << (32 - nbits)) >> 1) as isize
}

/// The `nbits`-wide type field of an encoded descriptor int.
fn type_of(x: isize, nbits: u32) -> usize {
    ((x >> (31 - nbits)) & ((1 << nbits) - 1)) as usize
}

/// `x` without its `nbits`-wide type field.
fn value_part(x: isize, nbits: u32) -> usize {
    (x & !((i32::MIN >> nbits) as isize)) as usize
}

fn scalar_size(val_type: usize) -> usize {
    if val_type == FLOAT32 {
        4
    } else {
        1 << ((val_type & 7) >> 1)
    }
}

#[cold]
fn syntax_error() -> crate::obj::PyErr {
    raise::type_error("syntax error in uctypes descriptor")
}

/// A small int inside a descriptor; anything else is a malformed descriptor.
fn desc_int(v: Value) -> PyResult<isize> {
    v.as_small_int().ok_or_else(syntax_error)
}

/// Lower bits of an int as a machine word (`mp_obj_get_int_truncated`).
fn word(v: Value) -> PyResult<usize> {
    if let Some(n) = v.as_small_int() {
        return Ok(n as usize);
    }
    if !v.is_type(&int::TYPE) {
        return Err(crate::objs::list::cant_convert_to_int(v));
    }
    Ok(struct_::int_low_bits(v)? as usize)
}

// --- raw memory: the only unsafe code of the module ---

/// Copy `out.len()` bytes from address `addr`. With `native` and an aligned address of a
/// 1, 2, 4 or 8 byte item, reads with one access of that width (hardware registers need
/// it); otherwise byte by byte. Volatile, so reads of device memory are never elided.
fn read_mem(addr: usize, out: &mut [u8], native: bool) {
    let n = out.len();
    if native && matches!(n, 1 | 2 | 4 | 8) && addr.is_multiple_of(n) {
        // SAFETY: none can be given: the address comes from the Python program, which
        // takes responsibility for it (uctypes' documented contract, as upstream). The
        // access is aligned for its width.
        unsafe {
            match n {
                1 => out[0] = core::ptr::read_volatile(addr as *const u8),
                2 => {
                    out.copy_from_slice(&core::ptr::read_volatile(addr as *const u16).to_ne_bytes())
                }
                4 => {
                    out.copy_from_slice(&core::ptr::read_volatile(addr as *const u32).to_ne_bytes())
                }
                _ => {
                    out.copy_from_slice(&core::ptr::read_volatile(addr as *const u64).to_ne_bytes())
                }
            }
        }
        return;
    }
    for (k, b) in out.iter_mut().enumerate() {
        // SAFETY: as above, the program vouches for `addr..addr + n`.
        *b = unsafe { core::ptr::read_volatile((addr.wrapping_add(k)) as *const u8) };
    }
}

/// Copy `src` to address `addr`, with the same access widths as [`read_mem`].
fn write_mem(addr: usize, src: &[u8], native: bool) {
    let n = src.len();
    let mut w = [0u8; 8];
    if native && matches!(n, 1 | 2 | 4 | 8) && addr.is_multiple_of(n) {
        w[..n].copy_from_slice(src);
        // SAFETY: the program vouches for the address (see read_mem); aligned for the width.
        unsafe {
            match n {
                1 => core::ptr::write_volatile(addr as *mut u8, src[0]),
                2 => core::ptr::write_volatile(addr as *mut u16, u16::from_ne_bytes([w[0], w[1]])),
                4 => core::ptr::write_volatile(
                    addr as *mut u32,
                    u32::from_ne_bytes([w[0], w[1], w[2], w[3]]),
                ),
                _ => core::ptr::write_volatile(addr as *mut u64, u64::from_ne_bytes(w)),
            }
        }
        return;
    }
    for (k, b) in src.iter().enumerate() {
        // SAFETY: as above.
        unsafe { core::ptr::write_volatile((addr.wrapping_add(k)) as *mut u8, *b) };
    }
}

/// A native pointer stored at `addr`.
fn read_ptr(addr: usize) -> usize {
    let mut b = [0u8; core::mem::size_of::<usize>()];
    read_mem(addr, &mut b, true);
    usize::from_ne_bytes(b)
}

// --- the struct object ---

#[repr(C)]
pub struct Struct {
    base: ObjBase,
    desc: Value,
    addr: usize,
    layout: isize,
}

fn new_struct(desc: Value, addr: usize, layout: isize) -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(Struct {
        base: ObjBase::new(&STRUCT_TYPE),
        desc,
        addr,
        layout,
    })?))
}

fn this(v: Value) -> PyResult<&'static Struct> {
    v.downcast::<Struct>(&STRUCT_TYPE)
        .map(|s| &*s)
        .ok_or_else(|| raise::type_error("expected a uctypes struct"))
}

fn struct_make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    crate::objs::list::check_args(args, kw, 2, 3)?;
    let addr = word(args[0])?;
    let layout = match args.get(2) {
        Some(l) => int::get_isize(*l)?,
        None => NATIVE,
    };
    new_struct(args[1], addr, layout)
}

/// Byte order used for a layout: only NATIVE is native, any other non-zero is big.
fn order(layout: isize) -> Order {
    match layout {
        NATIVE => Order::Native,
        LITTLE_ENDIAN => Order::Little,
        _ => Order::Big,
    }
}

fn load_scalar(val_type: usize, addr: usize, layout: isize) -> PyResult<Value> {
    let tc = TYPE_CHAR.get(val_type).copied().unwrap_or(b'B');
    let n = scalar_size(val_type);
    let mut b = [0u8; 8];
    let buf = &mut b[..n];
    read_mem(addr, buf, layout == NATIVE);
    struct_::load(order(layout), tc, buf)
}

fn store_scalar(val_type: usize, addr: usize, layout: isize, v: Value) -> PyResult<()> {
    let tc = TYPE_CHAR.get(val_type).copied().unwrap_or(b'B');
    let n = scalar_size(val_type);
    let mut b = [0u8; 8];
    let buf = &mut b[..n];
    struct_::store(order(layout), tc, v, buf)?;
    write_mem(addr, buf, layout == NATIVE);
    Ok(())
}

/// Unsigned integer of `n` bytes at `addr` (a bitfield's container).
fn load_word(addr: usize, n: usize, layout: isize) -> u64 {
    let mut b = [0u8; 8];
    read_mem(addr, &mut b[..n], layout == NATIVE);
    struct_::get_uint(order(layout), &b[..n])
}

fn store_word(addr: usize, n: usize, layout: isize, v: u64) {
    let mut b = [0u8; 8];
    struct_::put_uint(order(layout), v, &mut b[..n]);
    write_mem(addr, &b[..n], layout == NATIVE);
}

// --- sizes ---

/// Size of an aggregate descriptor tuple, updating the largest field size (alignment).
fn agg_size(t: &[Value], layout: isize, max_field: &mut usize, depth: usize) -> PyResult<usize> {
    if t.len() < 2 {
        return Err(syntax_error());
    }
    let kind = type_of(desc_int(t[0])?, AGG_TYPE_BITS);
    match kind {
        STRUCT => {
            if t.len() != 2 {
                return Err(syntax_error());
            }
            desc_size(t[1], layout, max_field, depth + 1)
        }
        PTR => {
            if t.len() != 2 {
                return Err(syntax_error());
            }
            let n = core::mem::size_of::<usize>();
            *max_field = (*max_field).max(n);
            Ok(n)
        }
        ARRAY => {
            let count = desc_int(t[1])?;
            let val_type = type_of(count, VAL_TYPE_BITS);
            let count = value_part(count, VAL_TYPE_BITS);
            let item = match t.len() {
                2 => {
                    let s = scalar_size(val_type);
                    *max_field = (*max_field).max(s);
                    s
                }
                3 => desc_size(t[2], layout, max_field, depth + 1)?,
                _ => return Err(syntax_error()),
            };
            item.checked_mul(count).ok_or_else(syntax_error)
        }
        _ => Err(syntax_error()),
    }
}

/// Size of any descriptor. `depth` bounds nesting: a descriptor can contain itself.
fn desc_size(desc: Value, layout: isize, max_field: &mut usize, depth: usize) -> PyResult<usize> {
    if depth > 64 {
        crate::vm::check_stack()?;
        if depth > 1000 {
            return Err(crate::vm::recursion_error());
        }
    }
    let Some(map) = dict::map_of(desc) else {
        if let Some(t) = tuple::items(desc) {
            return agg_size(t, layout, max_field, depth);
        }
        if desc.is_small_int() {
            return Err(raise::type_error("can't unambiguously get sizeof scalar"));
        }
        return Err(syntax_error());
    };
    let mut total = 0usize;
    for (_, v) in map.iter() {
        let end = if let Some(x) = v.as_small_int() {
            let val_type = type_of(x, VAL_TYPE_BITS);
            let mut offset = value_part(x, VAL_TYPE_BITS);
            if (BFUINT8..=BFINT32).contains(&val_type) {
                offset &= (1 << OFFSET_BITS) - 1;
            }
            let s = scalar_size(val_type);
            *max_field = (*max_field).max(s);
            offset + s
        } else {
            let t = tuple::items(v).ok_or_else(syntax_error)?;
            let offset = value_part(
                desc_int(*t.first().ok_or_else(syntax_error)?)?,
                AGG_TYPE_BITS,
            );
            offset + agg_size(t, layout, max_field, depth)?
        };
        total = total.max(end);
    }
    if layout == NATIVE && *max_field > 0 {
        total = total.next_multiple_of(*max_field);
    }
    Ok(total)
}

fn sizeof(args: &[Value]) -> PyResult<Value> {
    let mut obj = args[0];
    if let Some(b) = bytearray::get(obj) {
        return Ok(Value::small_int(b.len as isize));
    }
    let mut layout = NATIVE;
    if let Some(s) = obj.downcast::<Struct>(&STRUCT_TYPE) {
        if args.len() != 1 {
            return Err(raise::with_args(&crate::objs::exception::TYPE_ERROR, &[]));
        }
        obj = s.desc;
        layout = s.layout;
    } else if let Some(l) = args.get(1) {
        layout = int::get_isize(*l)?;
    }
    let mut max_field = 0;
    let n = desc_size(obj, layout, &mut max_field, 0)?;
    int::from_u64(n as u64)
}

// --- slots ---

fn struct_print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let s = this(v)?;
    let kind = if dict::map_of(s.desc).is_some() {
        "STRUCT"
    } else if let Some(t) = tuple::items(s.desc) {
        match t
            .first()
            .and_then(|x| x.as_small_int())
            .map(|x| type_of(x, AGG_TYPE_BITS))
        {
            Some(PTR) => "PTR",
            Some(ARRAY) => "ARRAY",
            _ => "unk",
        }
    } else {
        "ERROR"
    };
    out.write_str("<struct ")?;
    out.write_str(kind)?;
    crate::modules::sys::print_nums(out, " {x}>", &[s.addr as isize])
}

/// Load the scalar at `addr`, or store `set` there (giving None).
fn scalar_at(
    val_type: usize,
    addr: usize,
    layout: isize,
    set: Option<Value>,
) -> PyResult<Option<Value>> {
    match set {
        None => load_scalar(val_type, addr, layout).map(Some),
        Some(nv) => {
            store_scalar(val_type, addr, layout, nv)?;
            Ok(Some(Value::NONE))
        }
    }
}

fn struct_attr(v: Value, attr: Qstr, aop: crate::obj::AttrOp) -> PyResult<Option<Value>> {
    use crate::obj::AttrOp;
    let s = this(v)?;
    if dict::map_of(s.desc).is_none() {
        return Err(raise::type_error("struct: no fields"));
    }
    let set = match aop {
        AttrOp::Load => None,
        AttrOp::Store(x) => Some(x),
        AttrOp::Delete => return Ok(None),
    };
    let key = Value::qstr(attr);
    let field = dict::lookup(s.desc, key)?.ok_or_else(|| raise::key_error(key))?;
    if let Some(x) = field.as_small_int() {
        let val_type = type_of(x, VAL_TYPE_BITS);
        let offset = value_part(x, VAL_TYPE_BITS);
        if (BFUINT8..=BFINT32).contains(&val_type) {
            let bit_off = (offset >> OFFSET_BITS) & 31;
            let bit_len = (offset >> LEN_BITS) & 31;
            let addr = s.addr.wrapping_add(offset & ((1 << OFFSET_BITS) - 1));
            // Bit fields live in words of at most 4 bytes: 32-bit arithmetic gives the
            // same bytes as 64-bit (which is several instructions per step on a
            // 32-bit board).
            let n = scalar_size(val_type);
            let cur = load_word(addr, n, s.layout) as u32;
            let mask: u32 = (1u32 << bit_len).wrapping_sub(1);
            return match set {
                None => int::from_u64(u64::from((cur >> bit_off) & mask)).map(Some),
                Some(nv) => {
                    let bits = (int::get_isize(nv)? as u32) & mask;
                    let new = (cur & !(mask << bit_off)) | (bits << bit_off);
                    store_word(addr, n, s.layout, u64::from(new));
                    Ok(Some(Value::NONE))
                }
            };
        }
        return scalar_at(val_type, s.addr.wrapping_add(offset), s.layout, set);
    }
    let t = tuple::items(field).ok_or_else(syntax_error)?;
    if set.is_some() {
        return Err(syntax_error());
    }
    let first = desc_int(*t.first().ok_or_else(syntax_error)?)?;
    let addr = s.addr.wrapping_add(value_part(first, AGG_TYPE_BITS));
    match type_of(first, AGG_TYPE_BITS) {
        STRUCT => {
            let sub = *t.get(1).ok_or_else(syntax_error)?;
            new_struct(sub, addr, s.layout).map(Some)
        }
        ARRAY | PTR => {
            let is_bytes = type_of(first, AGG_TYPE_BITS) == ARRAY
                && t.len() == 2
                && type_of(desc_int(t[1])?, VAL_TYPE_BITS) == UINT8;
            if is_bytes {
                let mut dummy = 0;
                let n = agg_size(t, s.layout, &mut dummy, 0)?;
                return bytearray_at_addr(addr, n).map(Some);
            }
            new_struct(field, addr, s.layout).map(Some)
        }
        _ => Err(syntax_error()),
    }
}

fn struct_subscr(v: Value, index: Value, sop: SubscrOp) -> PyResult<Option<Value>> {
    let s = this(v)?;
    let set = match sop {
        SubscrOp::Load => None,
        SubscrOp::Store(x) => Some(x),
        SubscrOp::Delete => return Ok(None),
    };
    let Some(t) = tuple::items(s.desc) else {
        return Err(raise::type_error("struct: can't index"));
    };
    let first = desc_int(*t.first().ok_or_else(syntax_error)?)?;
    let idx = int::get_isize(index)?;
    match type_of(first, AGG_TYPE_BITS) {
        ARRAY => {
            let count = desc_int(*t.get(1).ok_or_else(syntax_error)?)?;
            let val_type = type_of(count, VAL_TYPE_BITS);
            let count = value_part(count, VAL_TYPE_BITS);
            if idx < 0 || idx as usize >= count {
                return Err(raise::index_error("struct: index out of range"));
            }
            let idx = idx as usize;
            if t.len() == 2 {
                let addr = s.addr.wrapping_add(scalar_size(val_type) * idx);
                return scalar_at(val_type, addr, s.layout, set);
            }
            if set.is_some() {
                return Ok(None);
            }
            let sub = *t.get(2).ok_or_else(syntax_error)?;
            let mut dummy = 0;
            let size = desc_size(sub, s.layout, &mut dummy, 0)?;
            new_struct(sub, s.addr.wrapping_add(size.wrapping_mul(idx)), s.layout).map(Some)
        }
        PTR => {
            if set.is_some() {
                return Ok(None);
            }
            let p = read_ptr(s.addr);
            let target = *t.get(1).ok_or_else(syntax_error)?;
            if let Some(x) = target.as_small_int() {
                let val_type = type_of(x, VAL_TYPE_BITS);
                let addr =
                    p.wrapping_add((scalar_size(val_type) as isize).wrapping_mul(idx) as usize);
                return load_scalar(val_type, addr, NATIVE).map(Some);
            }
            let mut dummy = 0;
            let size = desc_size(target, s.layout, &mut dummy, 0)?;
            let addr = p.wrapping_add((size as isize).wrapping_mul(idx) as usize);
            new_struct(target, addr, s.layout).map(Some)
        }
        _ => Err(syntax_error()),
    }
}

fn struct_unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let s = this(v)?;
    match o {
        uop::INT_MAYBE => {
            if let Some(t) = tuple::items(s.desc) {
                let kind = t
                    .first()
                    .and_then(|x| x.as_small_int())
                    .map(|x| type_of(x, AGG_TYPE_BITS));
                if kind == Some(PTR) {
                    return int::from_u64(read_ptr(s.addr) as u64).map(Some);
                }
            }
            Ok(None)
        }
        // Upstream gives objects with a unary_op slot no default hash.
        uop::HASH => Err(raise::type_error("unsupported type for __hash__: 'struct'")),
        _ => Ok(None),
    }
}

fn struct_buffer(v: Value, _access: BufferAccess) -> Option<Buffer> {
    let s = this(v).ok()?;
    let mut max_field = 0;
    let len = desc_size(s.desc, s.layout, &mut max_field, 0).ok()?;
    Some(Buffer {
        ptr: s.addr as *mut u8,
        len,
        typecode: b'B',
    })
}

// --- module functions ---

/// A bytearray whose storage is the memory at `addr` (it copies out if it ever grows).
fn bytearray_at_addr(addr: usize, len: usize) -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(bytearray::ByteArray {
        base: ObjBase::new(&bytearray::TYPE),
        len,
        cap: len,
        data: addr as *mut u8,
    })?))
}

fn addressof(v: Value) -> PyResult<Value> {
    let ty = v.type_of();
    let buf = ty
        .buffer()
        .and_then(|f| f(v, BufferAccess::Read))
        .map(|b| b.ptr as usize);
    let addr = match buf {
        Some(p) => p,
        None => pystr::buffer_bytes_raise(v)?.as_ptr() as usize,
    };
    remember_addressed(v)?;
    int::from_u64(addr as u64)
}

// --- C strings for struct's `S` ---
//
// Upstream's `struct.unpack("S", ...)` reads a NUL-terminated string at whatever address
// the packed word holds. Here that address must lie inside the buffer of an object recently
// given to `addressof` (kept alive in a small ring rooted in the state), and the string is
// read through that object's buffer, up to a NUL or the buffer's end: forged words raise
// ValueError instead of reading memory.

/// Root slot holding the ring (a list) of objects whose address was taken.
const ADDRESSED_ROOT: usize = 14;
const ADDRESSED_LEN: usize = 16;

fn remember_addressed(v: Value) -> PyResult<()> {
    if !v.is_obj() && !v.is_qstr() {
        return Ok(());
    }
    let roots = &mut crate::state::get().roots;
    if crate::objs::list::get(roots.modules_private[ADDRESSED_ROOT]).is_none() {
        roots.modules_private[ADDRESSED_ROOT] = crate::objs::list::new(&[])?;
    }
    let ring = roots.modules_private[ADDRESSED_ROOT];
    if let Some(l) = crate::objs::list::get(ring) {
        if l.items().contains(&v) {
            return Ok(());
        }
        if l.len >= ADDRESSED_LEN {
            l.items().rotate_left(1);
            if let Some(last) = l.items().last_mut() {
                *last = v;
            }
            return Ok(());
        }
    }
    crate::objs::list::append(ring, v)
}

/// The bytes of an addressed object's buffer from `addr` on, if `addr` points into one.
fn addressed_tail(addr: usize) -> Option<&'static [u8]> {
    let ring = crate::state::get().roots.modules_private[ADDRESSED_ROOT];
    let l = crate::objs::list::get(ring)?;
    l.items().iter().find_map(|&v| {
        let bytes = pystr::buffer_bytes(v)?;
        let start = bytes.as_ptr() as usize;
        let off = addr.checked_sub(start)?;
        bytes.get(off..)
    })
}

/// `struct`'s `S` item: the NUL-terminated string at `addr` (see above).
pub fn string_at(addr: usize) -> PyResult<Value> {
    let tail = addressed_tail(addr)
        .ok_or_else(|| raise::value_error("address not from uctypes.addressof"))?;
    let end = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
    let text = tail.get(..end).unwrap_or(&[]);
    let s = core::str::from_utf8(text).map_err(|_| raise::unicode_error("invalid utf-8"))?;
    pystr::new(s)
}

fn bytearray_at(addr: Value, size: Value) -> PyResult<Value> {
    bytearray_at_addr(word(addr)?, word(size)?)
}

fn bytes_at(addr: Value, size: Value) -> PyResult<Value> {
    let addr = word(addr)?;
    let n = word(size)?;
    let mut out = VStr::with_capacity(n)?;
    for k in 0..n {
        let mut b = [0u8; 1];
        read_mem(addr.wrapping_add(k), &mut b, false);
        out.push_byte(b[0])?;
    }
    out.into_bytes()
}

pub static STRUCT_TYPE: Type = Type {
    name: Q::r#struct,
    make_new: Some(struct_make_new),
    print: Some(struct_print),
    unary_op: Some(struct_unary_op),
    attr: Some(struct_attr),
    subscr: Some(struct_subscr),
    ext: &crate::obj::TypeExt::buffer(struct_buffer),
    ..Type::EMPTY
};

macro_rules! val {
    ($t:expr) => {
        Value::small_int(type_const($t, VAL_TYPE_BITS))
    };
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::uctypes)),
    crate::entry!(r#struct, Value::from_static(&STRUCT_TYPE)),
    crate::entry!(
        sizeof,
        crate::fun!(
            sizeof,
            Var {
                min: 1,
                max: 2,
                f: sizeof
            }
        )
    ),
    crate::entry!(addressof, crate::fun!(addressof, F1(addressof))),
    crate::entry!(bytes_at, crate::fun!(bytes_at, F2(bytes_at))),
    crate::entry!(bytearray_at, crate::fun!(bytearray_at, F2(bytearray_at))),
    crate::entry!(NATIVE, Value::small_int(NATIVE)),
    crate::entry!(LITTLE_ENDIAN, Value::small_int(LITTLE_ENDIAN)),
    crate::entry!(BIG_ENDIAN, Value::small_int(BIG_ENDIAN)),
    crate::entry!(VOID, val!(UINT8)),
    crate::entry!(UINT8, val!(UINT8)),
    crate::entry!(INT8, val!(INT8)),
    crate::entry!(UINT16, val!(UINT16)),
    crate::entry!(INT16, val!(INT16)),
    crate::entry!(UINT32, val!(UINT32)),
    crate::entry!(INT32, val!(INT32)),
    crate::entry!(UINT64, val!(UINT64)),
    crate::entry!(INT64, val!(INT64)),
    crate::entry!(BFUINT8, val!(BFUINT8)),
    crate::entry!(BFINT8, val!(BFINT8)),
    crate::entry!(BFUINT16, val!(BFUINT16)),
    crate::entry!(BFINT16, val!(BFINT16)),
    crate::entry!(BFUINT32, val!(BFUINT32)),
    crate::entry!(BFINT32, val!(BFINT32)),
    crate::entry!(BF_POS, Value::small_int(OFFSET_BITS as isize)),
    crate::entry!(BF_LEN, Value::small_int(LEN_BITS as isize)),
    crate::entry!(FLOAT32, val!(FLOAT32)),
    crate::entry!(FLOAT64, val!(FLOAT64)),
    // C type aliases (sizes of the targets' C ABI: int 32-bit, long pointer-sized).
    crate::entry!(SHORT, val!(INT16)),
    crate::entry!(USHORT, val!(UINT16)),
    crate::entry!(INT, val!(INT32)),
    crate::entry!(UINT, val!(UINT32)),
    crate::entry!(
        LONG,
        val!(if core::mem::size_of::<core::ffi::c_long>() == 8 {
            INT64
        } else {
            INT32
        })
    ),
    crate::entry!(
        ULONG,
        val!(if core::mem::size_of::<core::ffi::c_long>() == 8 {
            UINT64
        } else {
            UINT32
        })
    ),
    crate::entry!(LONGLONG, val!(INT64)),
    crate::entry!(ULONGLONG, val!(UINT64)),
    crate::entry!(PTR, Value::small_int(type_const(PTR, AGG_TYPE_BITS))),
    crate::entry!(ARRAY, Value::small_int(type_const(ARRAY, AGG_TYPE_BITS))),
];

pub static MODULE: Module = Module::new_static(Q::uctypes, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::r;
    use crate::state::testing::with_vm;

    #[test]
    fn encoding_matches_upstream() {
        assert_eq!(type_const(INT8, VAL_TYPE_BITS), 0x0800_0000);
        assert_eq!(type_const(FLOAT64, VAL_TYPE_BITS), -0x0800_0000);
        assert_eq!(type_const(BFUINT8, VAL_TYPE_BITS), -0x4000_0000);
        assert_eq!(type_const(PTR, AGG_TYPE_BITS), 0x2000_0000);
        assert_eq!(type_const(ARRAY, AGG_TYPE_BITS), -0x4000_0000);
        let x = type_const(UINT16, VAL_TYPE_BITS) | 6;
        assert_eq!(
            (type_of(x, VAL_TYPE_BITS), value_part(x, VAL_TYPE_BITS)),
            (UINT16, 6)
        );
        let x = type_const(FLOAT64, VAL_TYPE_BITS) | 8;
        assert_eq!(
            (type_of(x, VAL_TYPE_BITS), value_part(x, VAL_TYPE_BITS)),
            (FLOAT64, 8)
        );
        assert_eq!(scalar_size(FLOAT32), 4);
        assert_eq!(scalar_size(FLOAT64), 8);
        assert_eq!(scalar_size(BFUINT32), 4);
    }

    #[test]
    fn fields_read_and_write_memory() {
        with_vm(|| {
            let data = pystr::new_bytes(b"\x01\x02\x03\x04").unwrap();
            let ba = crate::runtime::call(bytearray::TYPE.as_value(), &[data], &[]).unwrap();
            let addr = addressof(ba).unwrap();
            let desc = dict::new().unwrap();
            let u16_at_1 = Value::small_int(type_const(UINT16, VAL_TYPE_BITS) | 1);
            dict::store(desc, Value::qstr(Q::x), u16_at_1).unwrap();
            let s = struct_make_new(
                &STRUCT_TYPE,
                &[addr, desc, Value::small_int(BIG_ENDIAN)],
                &[],
            )
            .unwrap();
            let x = struct_attr(s, Q::x, crate::obj::AttrOp::Load)
                .unwrap()
                .unwrap();
            assert_eq!(x.as_small_int(), Some(0x0203));
            struct_attr(s, Q::x, crate::obj::AttrOp::Store(Value::small_int(0x0a0b))).unwrap();
            assert_eq!(bytearray::get(ba).unwrap().bytes(), b"\x01\x0a\x0b\x04");
            assert_eq!(sizeof(&[desc]).unwrap().as_small_int(), Some(4));
            assert!(r(
                struct_attr(s, Q::y, crate::obj::AttrOp::Load).map(|o| o.unwrap_or(Value::NONE))
            )
            .starts_with("KeyError"));
            assert_eq!(
                r(struct_subscr(s, Value::small_int(0), SubscrOp::Load)
                    .map(|o| o.unwrap_or(Value::NONE))),
                "TypeError: struct: can't index"
            );
        });
    }
}
