//! `struct`: packing Python values into bytes and back (MicroPython's py/modstruct.c), and
//! the binary codec behind it (py/binary.c): item sizes and alignment per byte order, and
//! reading/writing one int or float item. The `array` type uses the same codec with the
//! native order.
//!
//! A format is an optional byte-order character (`@` native with alignment, `<` little,
//! `>`/`!` big; `=` is accepted but, as upstream, knows no item types) followed by items,
//! each with an optional decimal count. Like upstream, `pack` is lenient: missing values
//! leave zero bytes and extra values are ignored, and `unpack` only needs a big enough buffer.

use crate::obj::{BufferAccess, PyResult};
use crate::objs::{float, int, module::Module, str as pystr, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::value::Value;
use upy_compiler::bc::binary as op;

/// Byte order of a format: native (`@`, aligned), little, big, or `=` (no types known).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Order {
    Native,
    Little,
    Big,
    Standard,
}

#[cold]
fn bad_typecode() -> crate::obj::PyErr {
    raise::value_error("bad typecode")
}

/// Size and alignment of one item of type `tc` in byte order `order`.
pub fn size_align(order: Order, tc: u8) -> PyResult<(usize, usize)> {
    use core::ffi::{c_int, c_long, c_longlong, c_short};
    use core::mem::{align_of, size_of};
    let r = match order {
        Order::Little | Order::Big => match tc {
            b'b' | b'B' => (1, 1),
            b'h' | b'H' | b'e' => (2, 1),
            b'i' | b'I' | b'l' | b'L' | b'f' => (4, 1),
            b'q' | b'Q' | b'd' => (8, 1),
            b'P' | b'O' | b'S' => (size_of::<usize>(), 1),
            _ => return Err(bad_typecode()),
        },
        Order::Native => match tc {
            b'b' | b'B' => (1, 1),
            b'h' | b'H' => (size_of::<c_short>(), align_of::<c_short>()),
            b'i' | b'I' => (size_of::<c_int>(), align_of::<c_int>()),
            b'l' | b'L' => (size_of::<c_long>(), align_of::<c_long>()),
            b'q' | b'Q' => (size_of::<c_longlong>(), align_of::<c_longlong>()),
            b'P' | b'O' | b'S' => (size_of::<usize>(), align_of::<usize>()),
            b'e' => (2, 2),
            b'f' => (4, align_of::<f32>()),
            b'd' => (8, align_of::<f64>()),
            _ => return Err(bad_typecode()),
        },
        Order::Standard => return Err(bad_typecode()),
    };
    Ok(r)
}

fn is_signed(tc: u8) -> bool {
    tc.is_ascii_lowercase()
}

/// IEEE half-precision bits to f32 (subnormals normalised, infinities kept).
fn half_to_f32(h: u16) -> f32 {
    let sign = ((h as u32) & 0x8000) << 16;
    let mut m = (h as u32) & 0x3ff;
    let mut e = ((h as u32) >> 10) & 0x1f;
    if e == 0x1f {
        e = 0xff;
    } else if e != 0 {
        e += 127 - 15;
    } else if m != 0 {
        // Subnormal half: shift the mantissa up until its leading one is implicit.
        let mut exp: i32 = 127 - 15 + 1;
        while m & 0x400 == 0 {
            m <<= 1;
            exp -= 1;
        }
        m &= 0x3ff;
        e = exp as u32;
    }
    f32::from_bits(sign | (e << 23) | (m << 13))
}

/// f32 to half-precision bits, rounding on the first dropped bit the way upstream does
/// (so packed bytes match MicroPython's, including its carry behaviour).
fn f32_to_half(x: f32) -> u16 {
    let bits = x.to_bits();
    let mut m = (bits >> 13) & 0x3ff;
    if bits & (1 << 12) != 0 {
        m += 1;
    }
    let mut e = ((bits >> 23) & 0xff) as i32;
    if e == 0xff {
        e = 0x1f;
    } else if e != 0 {
        e -= 127 - 15;
        if e < 0 {
            if e >= -11 {
                let mm = (m | 0x400) >> ((-e) as u32);
                m = if mm & 1 != 0 { (mm >> 1) + 1 } else { mm >> 1 };
            } else {
                m = 0;
            }
            e = 0;
        } else if e > 0x3f {
            e = 0x1f;
            m = 0;
        }
    }
    ((((bits >> 16) & 0x8000) | ((e as u32) << 10) | m) & 0xffff) as u16
}

/// The low 64 bits (two's complement) of an exact int, as upstream's truncating store.
pub(crate) fn int_low_bits(v: Value) -> PyResult<u64> {
    if let Some(n) = v.as_small_int() {
        return Ok(n as u64);
    }
    let masked = runtime::binary_op(op::AND, v, int::from_u64(u64::MAX)?)?;
    let hi = runtime::binary_op(op::RSHIFT, masked, Value::small_int(32))?;
    let lo = runtime::binary_op(op::AND, masked, int::from_u64(0xffff_ffff)?)?;
    let hi = int::as_i64(hi).unwrap_or(0) as u64;
    let lo = int::as_i64(lo).unwrap_or(0) as u64;
    Ok((hi << 32) | lo)
}

// --- objects packed with `O` ---
//
// Upstream packs an object's address and unpacks any address back into an object. Bytes
// can be forged, so here unpacking only yields an object that was recently packed (kept
// alive in a small ring rooted in the state) or a non-pointer value; anything else comes
// back as the plain integer.

/// Root slot holding the ring (a list) of recently packed objects.
const RING_ROOT: usize = 15;
const RING_LEN: usize = 32;

fn remember_object(v: Value) -> PyResult<()> {
    if !v.is_obj() {
        return Ok(());
    }
    let roots = &mut crate::state::get().roots;
    if crate::objs::list::get(roots.modules_private[RING_ROOT]).is_none() {
        roots.modules_private[RING_ROOT] = crate::objs::list::new(&[])?;
    }
    let ring = roots.modules_private[RING_ROOT];
    if let Some(l) = crate::objs::list::get(ring) {
        if l.items().contains(&v) {
            return Ok(());
        }
        if l.len >= RING_LEN {
            l.items().rotate_left(1);
            if let Some(last) = l.items().last_mut() {
                *last = v;
            }
            return Ok(());
        }
    }
    crate::objs::list::append(ring, v)
}

fn recall_object(bits: usize) -> Value {
    let v = Value::from_bits(bits);
    if v.is_small_int() || v == Value::NONE || v == Value::TRUE || v == Value::FALSE {
        return v;
    }
    let ring = crate::state::get().roots.modules_private[RING_ROOT];
    if let Some(l) = crate::objs::list::get(ring) {
        if let Some(found) = l.items().iter().find(|x| x.bits() == bits) {
            return *found;
        }
    }
    int::from_u64(bits as u64).unwrap_or(Value::NONE)
}

/// The bits to store for value `v` as an item of type `tc` (before byte ordering).
fn item_bits(tc: u8, v: Value) -> PyResult<u64> {
    Ok(match tc {
        b'e' => f32_to_half(float::get_f64(v)? as f32) as u64,
        b'f' => (float::get_f64(v)? as f32).to_bits() as u64,
        b'd' => float::widen(float::get_f64(v)?).to_bits(),
        b'O' => {
            remember_object(v)?;
            v.bits() as u64
        }
        _ => {
            if v.is_small_int() || v.is_type(&int::TYPE) {
                int_low_bits(v)?
            } else {
                int::get_isize(v)? as u64
            }
        }
    })
}

fn is_big(order: Order) -> bool {
    match order {
        Order::Big => true,
        Order::Little => false,
        _ => cfg!(target_endian = "big"),
    }
}

/// Store the low bytes of `bits` into `dst` (up to 8 bytes) in `order`.
pub fn put_uint(order: Order, bits: u64, dst: &mut [u8]) {
    let n = dst.len().min(8);
    let le = bits.to_le_bytes();
    let big = is_big(order);
    for (k, b) in le.iter().take(n).enumerate() {
        let at = if big { n - 1 - k } else { k };
        if let Some(d) = dst.get_mut(at) {
            *d = *b;
        }
    }
}

/// The unsigned value of `src` (up to 8 bytes) in `order`.
pub fn get_uint(order: Order, src: &[u8]) -> u64 {
    let n = src.len().min(8);
    let big = is_big(order);
    let mut u: u64 = 0;
    for k in 0..n {
        let b = if big { src[k] } else { src[n - 1 - k] };
        u = (u << 8) | b as u64;
    }
    u
}

/// Write `v` as one item of type `tc` into `dst` (exactly the item's size) in `order`.
pub fn store(order: Order, tc: u8, v: Value, dst: &mut [u8]) -> PyResult<()> {
    put_uint(order, item_bits(tc, v)?, dst);
    Ok(())
}

/// Read one item of type `tc` from `src` (exactly the item's size) in `order`.
pub fn load(order: Order, tc: u8, src: &[u8]) -> PyResult<Value> {
    let n = src.len().min(8);
    let u = get_uint(order, src);
    if n == 0 {
        return Ok(Value::small_int(0));
    }
    match tc {
        b'O' => Ok(recall_object(u as usize)),
        #[cfg(feature = "uctypes")]
        b'S' => super::uctypes::string_at(u as usize),
        // Without uctypes no address can come from `addressof`.
        #[cfg(not(feature = "uctypes"))]
        b'S' => Err(raise::value_error("address not from uctypes.addressof")),
        b'e' => float::new(half_to_f32(u as u16) as float::Real),
        b'f' => float::new(f32::from_bits(u as u32) as float::Real),
        b'd' => float::new(float::narrow(f64::from_bits(u))),
        _ if is_signed(tc) => {
            let shift = 64 - 8 * n as u32;
            int::from_i64(((u << shift) as i64) >> shift)
        }
        _ => int::from_u64(u),
    }
}

// --- format strings ---

/// A parsed format: its byte order and the item text after the order character.
struct Format {
    order: Order,
    items: &'static [u8],
}

fn format_of(v: Value) -> PyResult<Format> {
    let text = pystr::as_bytes(v).ok_or_else(|| pystr::bad_implicit_conversion(v))?;
    let (order, skip) = match text.first() {
        Some(b'<') => (Order::Little, 1),
        Some(b'>') | Some(b'!') => (Order::Big, 1),
        Some(b'=') => (Order::Standard, 1),
        Some(b'@') => (Order::Native, 1),
        _ => (Order::Native, 0),
    };
    Ok(Format {
        order,
        items: text.get(skip..).unwrap_or(&[]),
    })
}

/// One format item: repeat count and type character (0 at a dangling count).
struct Item {
    count: usize,
    tc: u8,
}

fn items(fmt: &[u8]) -> impl Iterator<Item = Item> + '_ {
    let mut i = 0;
    core::iter::from_fn(move || {
        if i >= fmt.len() {
            return None;
        }
        let mut count: Option<usize> = None;
        while let Some(d) = fmt.get(i).filter(|c| c.is_ascii_digit()) {
            let c = count.unwrap_or(0);
            count = Some(c.saturating_mul(10).saturating_add((d - b'0') as usize));
            i += 1;
        }
        let tc = fmt.get(i).copied().unwrap_or(0);
        i += 1;
        Some(Item {
            count: count.unwrap_or(1),
            tc,
        })
    })
}

fn too_big() -> crate::obj::PyErr {
    raise::value_error("buffer too small")
}

/// Total byte size and number of values of a format.
fn calc(f: &Format) -> PyResult<(usize, usize)> {
    let mut size: usize = 0;
    let mut values: usize = 0;
    for it in items(f.items) {
        match it.tc {
            b'x' => size = size.checked_add(it.count).ok_or_else(crate::mem::oom)?,
            b's' => {
                values += 1;
                size = size.checked_add(it.count).ok_or_else(crate::mem::oom)?;
            }
            tc => {
                let (sz, align) = size_align(f.order, tc)?;
                values = values.checked_add(it.count).ok_or_else(crate::mem::oom)?;
                if it.count > 0 {
                    // Sizes are multiples of alignments, so only the first item needs padding.
                    size = size.next_multiple_of(align);
                    let bytes = sz.checked_mul(it.count).ok_or_else(crate::mem::oom)?;
                    size = size.checked_add(bytes).ok_or_else(crate::mem::oom)?;
                }
            }
        }
    }
    Ok((size, values))
}

fn calcsize(fmt: Value) -> PyResult<Value> {
    let (size, _) = calc(&format_of(fmt)?)?;
    int::from_u64(size as u64)
}

/// `unpack(fmt, buf)` and `unpack_from(fmt, buf, offset=0)`.
fn unpack_from(args: &[Value]) -> PyResult<Value> {
    let f = format_of(args[0])?;
    let (total, nvalues) = calc(&f)?;
    let buf = pystr::buffer_bytes_raise(args[1])?;
    let mut start = 0usize;
    if let Some(o) = args.get(2) {
        let off = int::get_isize(*o)?;
        start = if off < 0 {
            let back = off.unsigned_abs();
            buf.len().checked_sub(back).ok_or_else(too_big)?
        } else {
            off as usize
        };
    }
    let data = buf
        .get(start..)
        .filter(|d| d.len() >= total)
        .ok_or_else(too_big)?;
    let (res, slots) = tuple::new_uninit(nvalues)?;
    for s in slots.iter_mut() {
        *s = Value::NONE;
    }
    let mut p = 0usize;
    let mut k = 0usize;
    for it in items(f.items) {
        match it.tc {
            b'x' => p += it.count,
            b's' => {
                let b = data.get(p..p + it.count).unwrap_or(&[]);
                if let Some(s) = slots.get_mut(k) {
                    *s = pystr::new_bytes(b)?;
                }
                k += 1;
                p += it.count;
            }
            tc => {
                let (sz, align) = size_align(f.order, tc)?;
                if f.order == Order::Native {
                    p = p.next_multiple_of(align);
                }
                for _ in 0..it.count {
                    let b = data.get(p..p + sz).unwrap_or(&[]);
                    if let Some(s) = slots.get_mut(k) {
                        *s = load(f.order, tc, b)?;
                    }
                    k += 1;
                    p += sz;
                }
            }
        }
    }
    Ok(res)
}

/// Pack `values` by format `f` into `out`, which holds at least the format's size.
fn pack_into_slice(f: &Format, out: &mut [u8], values: &[Value]) -> PyResult<()> {
    let mut p = 0usize;
    let mut k = 0usize;
    for it in items(f.items) {
        if k >= values.len() {
            break;
        }
        match it.tc {
            b'x' => {
                for b in out.iter_mut().skip(p).take(it.count) {
                    *b = 0;
                }
                p += it.count;
            }
            b's' => {
                let src = pystr::buffer_bytes_raise(values[k])?;
                k += 1;
                let n = src.len().min(it.count);
                if let Some(d) = out.get_mut(p..p + it.count) {
                    d[..n].copy_from_slice(&src[..n]);
                    d[n..].fill(0);
                }
                p += it.count;
            }
            tc => {
                let (sz, align) = size_align(f.order, tc)?;
                if f.order == Order::Native {
                    p = p.next_multiple_of(align);
                }
                let mut c = it.count;
                while c > 0 && k < values.len() {
                    if let Some(d) = out.get_mut(p..p + sz) {
                        store(f.order, tc, values[k], d)?;
                    }
                    k += 1;
                    p += sz;
                    c -= 1;
                }
            }
        }
    }
    Ok(())
}

fn pack(args: &[Value]) -> PyResult<Value> {
    let f = format_of(args[0])?;
    let (size, _) = calc(&f)?;
    let p = crate::mem::alloc_array::<u8>(size)?;
    // SAFETY: a fresh zeroed GC allocation of `size` bytes, alive while `p` is on the stack.
    let buf = unsafe { core::slice::from_raw_parts_mut(p, size) };
    let r = pack_into_slice(&f, buf, &args[1..]).and_then(|_| pystr::new_bytes(buf));
    crate::mem::free(p);
    r
}

fn pack_into(args: &[Value]) -> PyResult<Value> {
    let f = format_of(args[0])?;
    let buf = pystr::get_buffer(args[1], BufferAccess::Write)
        .ok_or_else(|| raise::type_error("object with buffer protocol required"))?;
    let off = int::get_isize(args[2])?;
    let start = if off < 0 {
        buf.len
            .checked_sub(off.unsigned_abs())
            .ok_or_else(too_big)?
    } else {
        off as usize
    };
    let (size, _) = calc(&f)?;
    if start > buf.len || buf.len - start < size {
        return Err(too_big());
    }
    if size == 0 || buf.ptr.is_null() {
        return Ok(Value::NONE);
    }
    // SAFETY: the buffer slot hands out `len` writable bytes owned by args[1], which the
    // caller keeps alive; start + size <= len was checked above.
    let out = unsafe { core::slice::from_raw_parts_mut(buf.ptr.add(start), size) };
    pack_into_slice(&f, out, &args[3..])?;
    Ok(Value::NONE)
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::r#struct)),
    crate::entry!(calcsize, crate::fun!(calcsize, F1(calcsize))),
    crate::entry!(
        pack,
        crate::fun!(
            pack,
            Var {
                min: 1,
                max: u16::MAX,
                f: pack
            }
        )
    ),
    crate::entry!(
        pack_into,
        crate::fun!(
            pack_into,
            Var {
                min: 3,
                max: u16::MAX,
                f: pack_into
            }
        )
    ),
    crate::entry!(
        unpack,
        crate::fun!(
            unpack,
            Var {
                min: 2,
                max: 3,
                f: unpack_from
            }
        )
    ),
    crate::entry!(
        unpack_from,
        crate::fun!(
            unpack_from,
            Var {
                min: 2,
                max: 3,
                f: unpack_from
            }
        )
    ),
];

pub static MODULE: Module = Module::new_static(Q::r#struct, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::{b, i, r, s};
    use crate::state::testing::with_vm;

    fn call(name: Qstr, args: &[Value]) -> PyResult<Value> {
        let f = GLOBALS
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
            .unwrap();
        runtime::call(f, args, &[])
    }

    #[test]
    fn sizes() {
        with_vm(|| {
            assert_eq!(r(call(Q::calcsize, &[s("<bi")])), "5");
            assert_eq!(r(call(Q::calcsize, &[s("bi")])), "8");
            assert_eq!(r(call(Q::calcsize, &[s("@bq")])), "16");
            assert_eq!(r(call(Q::calcsize, &[s("2s3x")])), "5");
            assert_eq!(r(call(Q::calcsize, &[s("=I")])), "ValueError: bad typecode");
            assert_eq!(r(call(Q::calcsize, &[s("?")])), "ValueError: bad typecode");
            assert_eq!(
                r(call(Q::calcsize, &[i(1)])),
                "TypeError: can't convert 'int' object to str implicitly"
            );
        });
    }

    #[test]
    fn pack_unpack() {
        with_vm(|| {
            assert_eq!(r(call(Q::pack, &[s(">h"), i(100000)])), "b'\\x86\\xa0'");
            assert_eq!(r(call(Q::pack, &[s("<b"), i(200)])), "b'\\xc8'");
            assert_eq!(r(call(Q::pack, &[s("3s"), s("ab")])), "b'ab\\x00'");
            assert_eq!(
                r(call(Q::pack, &[s("2i"), i(1)])),
                "b'\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00'"
            );
            assert_eq!(
                r(call(Q::pack, &[s("<e"), float::new(1.5).unwrap()])),
                "b'\\x00>'"
            );
            assert_eq!(r(call(Q::unpack, &[s("<e"), b(b"\x00\x3e")])), "(1.5,)");
            assert_eq!(r(call(Q::unpack, &[s(">e"), b(b"\x7c\x00")])), "(inf,)");
            assert_eq!(
                r(call(Q::unpack, &[s("<qQ"), b(&[0xff; 16])])),
                "(-1, 18446744073709551615)"
            );
            assert_eq!(r(call(Q::unpack, &[s("<H"), b(b"1234")])), "(12849,)");
            assert_eq!(
                r(call(Q::unpack, &[s("i"), b(b"12")])),
                "ValueError: buffer too small"
            );
            assert_eq!(
                r(call(Q::unpack_from, &[s("<h"), b(b"1234"), i(-2)])),
                "(13363,)"
            );
            assert_eq!(
                r(call(Q::unpack_from, &[s("<h"), b(b"1234"), i(-5)])),
                "ValueError: buffer too small"
            );
            assert_eq!(
                r(call(Q::pack, &[s("<i"), float::new(1.5).unwrap()])),
                "TypeError: can't convert float to int"
            );
            let big = int::parse_literal("1180591620717411303429").unwrap();
            assert_eq!(
                r(call(Q::pack, &[s("<q"), big])),
                "b'\\x05\\x00\\x00\\x00\\x00\\x00\\x00\\x00'"
            );
        });
    }

    #[test]
    fn pack_into_buffers() {
        with_vm(|| {
            let ba = crate::objs::bytearray::new(&[0; 6]).unwrap();
            call(Q::pack_into, &[s("<H"), ba, i(-2), i(0x4142)]).unwrap();
            assert_eq!(r(Ok(ba)), "bytearray(b'\\x00\\x00\\x00\\x00BA')");
            assert_eq!(
                r(call(Q::pack_into, &[s("<i"), ba, i(4), i(1)])),
                "ValueError: buffer too small"
            );
            assert_eq!(
                r(call(Q::pack_into, &[s("<i"), b(b"1234"), i(0), i(1)])),
                "TypeError: object with buffer protocol required"
            );
        });
    }

    #[test]
    fn objects_round_trip_only_when_packed() {
        with_vm(|| {
            let o = crate::objs::list::new(&[i(7)]).unwrap();
            let packed = call(Q::pack, &[s("<O"), o]).unwrap();
            let back = call(Q::unpack, &[s("<O"), packed]).unwrap();
            assert_eq!(tuple::items(back).unwrap()[0], o);
            let forged = call(Q::unpack, &[s("<O"), b(&[0x10, 0, 0, 0, 0, 0, 0, 0])]).unwrap();
            assert_eq!(r(Ok(forged)), "(16,)");
        });
    }

    #[test]
    fn half_floats() {
        assert_eq!(f32_to_half(65520.0), 0x7c00);
        assert_eq!(f32_to_half(1e-8), 0);
        assert_eq!(half_to_f32(0x3c00), 1.0);
        assert_eq!(half_to_f32(0x0001), 5.960_464_5e-8);
        assert_eq!(f32_to_half(-2.0), 0xc000);
    }
}
