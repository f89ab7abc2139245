//! `int`: small ints are immediates (see value.rs); ints beyond them are [`BigInt`] heap
//! objects holding mpz digits (arbitrary precision, `crate::mpz` does the arithmetic).
//! Every operation normalises its result: a value that fits a small int is always one.
//! Mirrors MicroPython's `py/objint.c` and `py/objint_mpz.c`.

use crate::mem;
use crate::mpz::{self, Int, Written};
use crate::obj::{flags, ObjBase, Print, PrintKind, PyErr, PyResult, Type};
use crate::objs::float;
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;
use crate::vstr::VStr;
use core::cmp::Ordering;
use upy_compiler::bc::{binary as op, unary as uop};

/// A big int: sign and `len` little-endian base-2^32 digits stored inline after the header.
#[repr(C)]
pub struct BigInt {
    pub base: ObjBase,
    pub neg: bool,
    pub len: usize,
}

impl BigInt {
    fn digits(&self) -> &'static [u32] {
        // SAFETY: a BigInt allocation holds at least `len` digits right after the header.
        unsafe { core::slice::from_raw_parts(mem::items_ptr::<BigInt, u32>(self), self.len) }
    }

    fn int(&self) -> Int<'static> {
        Int::new(self.neg, self.digits())
    }
}

/// Digit storage being filled by an mpz operation, which becomes an int value by [`finish`].
struct Out {
    p: *mut BigInt,
    cap: usize,
}

impl Out {
    fn new(n: usize) -> PyResult<Out> {
        let p = mem::alloc_var::<BigInt, u32>(
            BigInt {
                base: ObjBase::new(&TYPE),
                neg: false,
                len: 0,
            },
            n,
        )?;
        Ok(Out { p, cap: n })
    }

    fn slice(&self) -> &'static mut [u32] {
        // SAFETY: allocated with room for `cap` digits (zeroed).
        unsafe { core::slice::from_raw_parts_mut(mem::items_ptr::<BigInt, u32>(self.p), self.cap) }
    }

    /// The int value of the written result, normalised to a small int when it fits.
    fn finish(self, w: Written) -> Value {
        let digits = self.slice();
        let r = w.int(digits);
        if let Some(n) = mpz::to_i64(r) {
            if let Ok(m) = isize::try_from(n) {
                if Value::fits_small_int(m) {
                    mem::free(self.p);
                    return Value::small_int(m);
                }
            }
        }
        // SAFETY: p is our fresh allocation.
        unsafe {
            (*self.p).neg = r.neg;
            (*self.p).len = r.mag.len();
        }
        Value::from_ptr(self.p)
    }
}

/// Scratch digits kept on the native stack; larger needs go to the heap.
const SCRATCH_INLINE: usize = 512;

/// Temporary digits for an mpz algorithm: on the stack when small (most operations), else
/// on the heap and returned to it when dropped. Fewer heap allocations matter because every
/// big-int operation already allocates its result.
struct Scratch {
    p: *mut u32,
    n: usize,
    inline: [u32; SCRATCH_INLINE],
}

impl Scratch {
    fn new(n: usize) -> PyResult<Scratch> {
        let p = if n <= SCRATCH_INLINE {
            core::ptr::null_mut()
        } else {
            mem::alloc_array::<u32>(n)?
        };
        Ok(Scratch {
            p,
            n,
            inline: [0; SCRATCH_INLINE],
        })
    }

    fn slice(&mut self) -> &mut [u32] {
        if self.p.is_null() {
            let n = self.n.min(SCRATCH_INLINE);
            return self.inline.get_mut(..n).unwrap_or_default();
        }
        // SAFETY: p holds n digits.
        unsafe { core::slice::from_raw_parts_mut(self.p, self.n) }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.p.is_null() {
            mem::free(self.p);
        }
    }
}

/// Map an mpz error to the Python exception upstream raises.
fn mpz_err(e: mpz::Error) -> PyErr {
    match e {
        mpz::Error::ZeroDivision => raise::zero_division_error("divide by zero"),
        mpz::Error::Overflow => raise::overflow_error("int too large to convert to float"),
        mpz::Error::InvalidBase => raise::value_error("int() arg 2 must be >= 2 and <= 36"),
        mpz::Error::InvalidDigit => raise::value_error("invalid syntax for integer"),
        mpz::Error::OutputTooSmall | mpz::Error::ScratchTooSmall => mem::oom(),
        mpz::Error::Interrupted => match crate::vm::take_pending() {
            Err(e) => e,
            // Someone else took the interrupt first; still the operation did not finish.
            Ok(()) => raise::msg(&crate::objs::exception::KEYBOARD_INTERRUPT, ""),
        },
    }
}

// --- classification and conversion ---

fn big(v: Value) -> Option<&'static BigInt> {
    v.downcast::<BigInt>(&TYPE).map(|b| &*b)
}

/// The int inside `v`: itself, or the native part of an int-subclass instance.
fn int_value(v: Value) -> Option<Value> {
    if v.is_small_int() || v.is_type(&TYPE) {
        return Some(v);
    }
    if v.is_bool() {
        return Some(Value::small_int((v == Value::TRUE) as isize));
    }
    let n = crate::objs::r#type::native_of(v)?;
    if n.is_small_int() || n.is_type(&TYPE) {
        Some(n)
    } else {
        None
    }
}

/// Whether `v` is an int (small, big, bool, or an int subclass instance).
pub fn is_int(v: Value) -> bool {
    int_value(v).is_some()
}

/// The mpz view of an int value, using `buf` for small ints.
fn as_mpz(v: Value, buf: &mut [u32; 2]) -> Option<Int<'_>> {
    let v = int_value(v)?;
    if let Some(n) = v.as_small_int() {
        return Some(mpz::from_i64(n as i64, buf));
    }
    big(v).map(|b| b.int())
}

/// A big int's value as a float (None for non-big-ints).
pub fn big_to_f64(v: Value) -> Option<f64> {
    let v = int_value(v)?;
    if let Some(n) = v.as_small_int() {
        // Through Real: float32 builds then link no int-to-double conversion.
        return Some(float::widen(n as float::Real));
    }
    big(v).map(|b| mpz::to_f64(b.int()))
}

/// Make an int value from a machine integer.
pub fn from_i64(n: i64) -> PyResult<Value> {
    if let Ok(m) = isize::try_from(n) {
        if Value::fits_small_int(m) {
            return Ok(Value::small_int(m));
        }
    }
    let mut buf = [0u32; 2];
    let i = mpz::from_i64(n, &mut buf);
    from_mpz(i)
}

pub fn from_u64(n: u64) -> PyResult<Value> {
    if let Ok(m) = i64::try_from(n) {
        return from_i64(m);
    }
    let mut buf = [0u32; 2];
    from_mpz(mpz::from_u64(n, &mut buf))
}

#[cfg(target_pointer_width = "64")]
fn from_wide(n: Wide) -> PyResult<Value> {
    if let Ok(m) = i64::try_from(n) {
        return from_i64(m);
    }
    let m = n.unsigned_abs();
    let d = [
        m as u32,
        (m >> 32) as u32,
        (m >> 64) as u32,
        (m >> 96) as u32,
    ];
    from_mpz(Int::new(n < 0, &d))
}

#[cfg(not(target_pointer_width = "64"))]
fn from_wide(n: Wide) -> PyResult<Value> {
    from_i64(n)
}

/// A copy of an mpz value as an int value.
fn from_mpz(i: Int) -> PyResult<Value> {
    let out = Out::new(i.mag.len())?;
    out.slice()
        .get_mut(..i.mag.len())
        .ok_or_else(mem::oom)?
        .copy_from_slice(i.mag);
    Ok(out.finish(Written {
        neg: i.neg,
        len: i.mag.len(),
    }))
}

/// The value as an i64 if it is an int that fits.
pub fn as_i64(v: Value) -> Option<i64> {
    let mut buf = [0u32; 2];
    mpz::to_i64(as_mpz(v, &mut buf)?)
}

/// The int behind `v`: itself for ints and bools, else the result of `__int__` (upstream's
/// `MP_UNARY_OP_INT_MAYBE`); TypeError("can't convert X to int") otherwise.
pub fn to_int(v: Value) -> PyResult<Value> {
    if let Some(i) = int_value(v) {
        return Ok(i);
    }
    if let Some(f) = v.type_of().unary_op {
        if let Some(r) = f(uop::INT_MAYBE, v)? {
            if let Some(i) = int_value(r) {
                return Ok(i);
            }
        }
    }
    Err(crate::objs::list::cant_convert_to_int(v))
}

/// `mp_obj_get_int`: the value of an int, bool or object with `__int__` as a machine word,
/// with upstream's errors.
pub fn get_isize(v: Value) -> PyResult<isize> {
    if let Some(n) = v.as_small_int() {
        return Ok(n);
    }
    let i = to_int(v)?;
    as_i64(i)
        .and_then(|n| isize::try_from(n).ok())
        .ok_or_else(|| raise::overflow_error("overflow converting long int to machine word"))
}

/// int(x) for a float: truncates; OverflowError for infinities, ValueError for NaN.
pub fn from_f64(x: f64) -> PyResult<Value> {
    // float32 builds pass a widened single: narrowing is exact, and keeps doubles out
    // (black_box: else LLVM turns the single comparisons back into double ones).
    #[cfg(feature = "float32")]
    let x = core::hint::black_box(x as f32);
    if x.is_infinite() {
        return Err(raise::overflow_error("can't convert inf to int"));
    }
    if x.is_nan() {
        return Err(raise::value_error("can't convert NaN to int"));
    }
    let t = float::m::trunc(x);
    if t.abs() < 4.0e18 {
        return from_i64(t as i64);
    }
    let t = float::widen(t);
    let out = Out::new(mpz::from_f64_len(t))?;
    let w = mpz::from_f64(t, out.slice()).map_err(mpz_err)?;
    Ok(out.finish(w))
}

/// Exact comparison of int `i` with float `x`; `None` when `x` is NaN (or `i` not an int).
pub fn cmp_with_float(i: Value, x: f64) -> Option<Ordering> {
    // float32 builds pass a widened single: narrowing is exact, and keeps doubles out
    // (black_box: else LLVM turns the single comparisons back into double ones).
    #[cfg(feature = "float32")]
    let x = core::hint::black_box(x as f32);
    if x.is_nan() {
        return None;
    }
    if x.is_infinite() {
        return Some(if x > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    // A small int within the float's mantissa (53 bits, 24 with float32) converts exactly,
    // so the float comparison is the exact one (and `abs(z) > 100` in numeric loops skips
    // the big-int path).
    if let Some(n) = i.as_small_int() {
        if (n as i64).unsigned_abs() <= 1 << (float::Real::MANTISSA_DIGITS) {
            return (n as float::Real).partial_cmp(&x);
        }
    }
    let mut ib = [0u32; 2];
    let a = as_mpz(i, &mut ib)?;
    let fl = float::m::floor(x);
    let mut fb = [0u32; 40];
    let w = mpz::from_f64(float::widen(fl), &mut fb).ok()?;
    // from_f64 truncates toward zero; fl is integral so this is exact.
    let f = w.int(&fb);
    match mpz::cmp(a, f) {
        Ordering::Equal if x > fl => Some(Ordering::Less),
        o => Some(o),
    }
}

/// Hash of an integral float too big for a machine word, equal to the int's hash.
pub fn hash_of_integral_float(x: f64) -> isize {
    let mut fb = [0u32; 40];
    match mpz::from_f64(x, &mut fb) {
        Ok(w) => mpz::hash(w.int(&fb)) as isize,
        Err(_) => 0,
    }
}

// --- text ---

/// Decimal text of `n` in `buf`.
pub fn format_isize(n: isize, buf: &mut [u8; 24]) -> &str {
    let mut i = buf.len();
    let neg = n < 0;
    let mut m = n.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if neg {
        i -= 1;
        buf[i] = b'-';
    }
    core::str::from_utf8(&buf[i..]).unwrap_or("0")
}

/// Write int `v` in `base` (2..=36) with a leading `-` if negative and no prefix, for
/// `hex`/`oct`/`bin`, `str` and format specs. `upper` gives upper-case letters.
pub fn write_radix(out: &mut VStr, v: Value, base: u32, upper: bool) -> PyResult<()> {
    if let (Some(n), 2..=36) = (v.as_small_int(), base) {
        // Small ints (the common case of `str(i)` and `"%d" % i`) need no big-int
        // conversion, scratch space or heap buffer.
        let digits: &[u8; 36] = if upper {
            b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        } else {
            b"0123456789abcdefghijklmnopqrstuvwxyz"
        };
        let mut buf = [0u8; 8 * core::mem::size_of::<isize>() + 1];
        let mut i = buf.len();
        let mut m = n.unsigned_abs();
        let b = base as usize;
        loop {
            i -= 1;
            buf[i] = digits[m % b];
            m /= b;
            if m == 0 {
                break;
            }
        }
        if n < 0 {
            i -= 1;
            buf[i] = b'-';
        }
        return out.push_bytes(buf.get(i..).unwrap_or(&[]));
    }
    let mut ib = [0u32; 2];
    let a = as_mpz(v, &mut ib).ok_or_else(|| raise::type_error("expected an int"))?;
    let n = mpz::to_str_len(a.mag.len(), base);
    let mut scratch = Scratch::new(mpz::to_str_scratch_len(a.mag.len()))?;
    let start = out.len();
    out.reserve(n)?;
    let p = mem::alloc_array::<u8>(n)?;
    // SAFETY: p holds n bytes.
    let buf = unsafe { core::slice::from_raw_parts_mut(p, n) };
    let r = mpz::to_str(a, base, buf, scratch.slice());
    let res = match r {
        Ok(len) => {
            let text = buf.get(..len).unwrap_or(&[]);
            if upper {
                for &c in text {
                    out.push_byte(c.to_ascii_uppercase())?;
                }
                Ok(())
            } else {
                out.push_bytes(text)
            }
        }
        Err(e) => {
            out.truncate(start);
            Err(mpz_err(e))
        }
    };
    mem::free(p);
    res
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let v = int_value(v).unwrap_or(Value::small_int(0));
    if let Some(n) = v.as_small_int() {
        let mut buf = [0u8; 24];
        return out.write_str(format_isize(n, &mut buf));
    }
    let mut s = VStr::new();
    write_radix(&mut s, v, 10, false)?;
    out.write_str(core::str::from_utf8(s.as_bytes()).unwrap_or(""))
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

#[cold]
fn int_syntax_error(base: u32, rest: &[u8]) -> PyErr {
    let mut q = VStr::new();
    if crate::objs::str::print_quoted(&mut q, rest, false).is_err() {
        return raise::value_error("invalid syntax for integer");
    }
    raise::value_error_fmt(format_args!(
        "invalid syntax for integer with base {}: {}",
        base,
        core::str::from_utf8(q.as_bytes()).unwrap_or("")
    ))
}

/// Parse an int from text as `int(s, base)` does (base 0 = from the prefix), including
/// whitespace, sign, `0x`/`0o`/`0b` prefixes and underscores. Errors are upstream's.
pub fn parse(s: &[u8], base: u32) -> PyResult<Value> {
    if (base != 0 && base < 2) || base > 36 {
        return Err(raise::value_error("int() arg 2 must be >= 2 and <= 36"));
    }
    let mut base = base;
    let mut i = 0;
    while s.get(i).is_some_and(|&c| is_space(c)) {
        i += 1;
    }
    let mut neg = false;
    match s.get(i) {
        Some(b'+') => i += 1,
        Some(b'-') => {
            neg = true;
            i += 1
        }
        _ => {}
    }
    // Prefix: base 1 marks "base 0 and a leading 0", where only zeros may follow.
    if s.len() - i > 1 && s.get(i) == Some(&b'0') {
        let c = s.get(i + 1).map(|c| c | 0x20);
        match (c, base) {
            (Some(b'x'), 0 | 16) => {
                base = 16;
                i += 2
            }
            (Some(b'o'), 0 | 8) => {
                base = 8;
                i += 2
            }
            (Some(b'b'), 0 | 2) => {
                base = 2;
                i += 2
            }
            (_, 0) => base = 1,
            _ => {}
        }
    } else if base == 0 {
        base = 10;
    }
    let start = i;
    let rest = s.get(start..).unwrap_or(&[]);
    let shown_base = if base == 1 { 0 } else { base };
    // The value as far as a machine word holds it: exact for up to 12 digits (36**12 <
    // 2**63), which need no big-int parse.
    let mut n: i64 = 0;
    while let Some(&c) = s.get(i) {
        let d = match c {
            b'0'..=b'9' => (c - b'0') as u32,
            b'_' => {
                i += 1;
                continue;
            }
            _ => {
                let l = c | 0x20;
                if l.is_ascii_lowercase() {
                    (l - b'a') as u32 + 10
                } else {
                    break;
                }
            }
        };
        if d >= base.max(1) {
            break;
        }
        n = n.wrapping_mul(i64::from(base)).wrapping_add(i64::from(d));
        i += 1;
    }
    let end = i;
    if end == start {
        return Err(int_syntax_error(shown_base, rest));
    }
    while s.get(i).is_some_and(|&c| is_space(c)) {
        i += 1;
    }
    if i != s.len() {
        return Err(int_syntax_error(shown_base, rest));
    }
    let digits = s.get(start..end).unwrap_or(&[]);
    if base == 1 {
        return Ok(Value::small_int(0));
    }
    if digits.len() <= 12 {
        return from_i64(if neg { -n } else { n });
    }
    let out = Out::new(mpz::from_str_len(digits.len(), base))?;
    match mpz::from_str(digits, neg, base, out.slice()) {
        Ok(w) => Ok(out.finish(w)),
        Err(mpz::Error::InvalidDigit) => Err(int_syntax_error(shown_base, rest)),
        Err(e) => Err(mpz_err(e)),
    }
}

// --- arithmetic ---

fn floor_div(a: isize, b: isize) -> isize {
    let q = a / b;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

fn floor_mod(a: isize, b: isize) -> isize {
    let r = a % b;
    if r != 0 && ((r < 0) != (b < 0)) {
        r + b
    } else {
        r
    }
}

#[cold]
fn zero_div() -> PyErr {
    raise::zero_division_error("divide by zero")
}

/// Binary op on two small ints; promotes to big ints on overflow. `None` for ops ints do not
/// support (the caller raises TypeError).
#[inline(always)]
pub fn small_binary_op(o: u8, a: isize, b: isize) -> PyResult<Option<Value>> {
    // The operations of loop counters and bit twiddling, inlined into the caller; the rest
    // (and any result that leaves the small range) takes the out-of-line path.
    let p = if (op::INPLACE_OR..=op::INPLACE_POWER).contains(&o) {
        o + op::INPLACE_TO_PLAIN
    } else {
        o
    };
    let r = match p {
        op::ADD => a.checked_add(b),
        op::SUBTRACT => a.checked_sub(b),
        op::AND => Some(a & b),
        op::OR => Some(a | b),
        op::XOR => Some(a ^ b),
        op::MULTIPLY => a.checked_mul(b),
        // Positive divisors only: Euclidean and floor division agree there.
        op::FLOOR_DIVIDE if b > 0 => Some(a.div_euclid(b)),
        op::MODULO if b > 0 => Some(a.rem_euclid(b)),
        op::RSHIFT if b >= 0 => Some(a >> b.min(isize::BITS as isize - 1)),
        op::LSHIFT if (0..isize::BITS as isize).contains(&b) => {
            let r = a << b;
            // Shifted out bits (or a sign change) mean the result needs the slow path.
            if r >> b == a {
                Some(r)
            } else {
                None
            }
        }
        op::LESS => return Ok(Some(Value::from_bool(a < b))),
        op::MORE => return Ok(Some(Value::from_bool(a > b))),
        op::EQUAL => return Ok(Some(Value::from_bool(a == b))),
        op::LESS_EQUAL => return Ok(Some(Value::from_bool(a <= b))),
        op::MORE_EQUAL => return Ok(Some(Value::from_bool(a >= b))),
        op::NOT_EQUAL => return Ok(Some(Value::from_bool(a != b))),
        _ => None,
    };
    match r {
        Some(n) if Value::fits_small_int(n) => Ok(Some(Value::small_int(n))),
        _ => small_binary_op_slow(o, a, b),
    }
}

/// Twice a small int's width: sums, products and small shifts of two small ints fit
/// exactly (i64 on 32-bit targets, where i128 arithmetic would cost flash).
#[cfg(target_pointer_width = "64")]
type Wide = i128;
#[cfg(not(target_pointer_width = "64"))]
type Wide = i64;

// Only what the inlined fast path gives up on comes here: results out of the small range,
// non-positive divisors, powers and shifts it does not take. Comparisons and `&|^` never do.
#[inline(never)]
fn small_binary_op_slow(o: u8, a: isize, b: isize) -> PyResult<Option<Value>> {
    let o = if (op::INPLACE_OR..=op::INPLACE_POWER).contains(&o) {
        o + op::INPLACE_TO_PLAIN
    } else {
        o
    };
    if b == 0
        && matches!(
            o,
            op::FLOOR_DIVIDE | op::MODULO | op::DIVMOD | op::TRUE_DIVIDE
        )
    {
        return Err(zero_div());
    }
    if b < 0 && matches!(o, op::LSHIFT | op::RSHIFT) {
        return Err(raise::value_error("negative shift count"));
    }
    let r: Wide = match o {
        op::ADD => a as Wide + b as Wide,
        op::SUBTRACT => a as Wide - b as Wide,
        op::MULTIPLY => a as Wide * b as Wide,
        op::FLOOR_DIVIDE => floor_div(a, b) as Wide,
        op::MODULO => floor_mod(a, b) as Wide,
        op::DIVMOD => {
            let items = [
                from_i64(floor_div(a, b) as i64)?,
                Value::small_int(floor_mod(a, b)),
            ];
            return crate::objs::tuple::new(&items).map(Some);
        }
        op::TRUE_DIVIDE => {
            // Ints up to 2**53 convert to f64 exactly (always true for 32-bit small ints).
            const EXACT: i64 = 1 << 53;
            if (-EXACT..=EXACT).contains(&(a as i64)) && (-EXACT..=EXACT).contains(&(b as i64)) {
                return float::new(a as float::Real / b as float::Real).map(Some);
            }
            return small_via_mpz(o, a, b);
        }
        op::POWER => {
            if b < 0 {
                return float::float_op(op::POWER, a as float::Real, b as float::Real);
            }
            match small_pow(a as Wide, b as u64) {
                Some(r) => r,
                None => return small_via_mpz(o, a, b),
            }
        }
        op::LSHIFT => {
            if a == 0 {
                return Ok(Some(Value::small_int(0)));
            }
            if b < (Wide::BITS - isize::BITS) as isize {
                (a as Wide) << b
            } else {
                let mut ab = [0u32; 2];
                return shift(o, mpz::from_i64(a as i64, &mut ab), b as u64).map(Some);
            }
        }
        _ => return Ok(None),
    };
    from_wide(r).map(Some)
}

/// `a op b` of two small ints done in big-int arithmetic.
fn small_via_mpz(o: u8, a: isize, b: isize) -> PyResult<Option<Value>> {
    let (mut ab, mut bb) = ([0u32; 2], [0u32; 2]);
    big_binary_op(
        o,
        mpz::from_i64(a as i64, &mut ab),
        mpz::from_i64(b as i64, &mut bb),
    )
    .map(Some)
}

/// a ** e when it fits a `Wide` comfortably, else None.
fn small_pow(a: Wide, mut e: u64) -> Option<Wide> {
    let mut base = a;
    let mut r: Wide = 1;
    loop {
        if e & 1 == 1 {
            r = r.checked_mul(base)?;
        }
        e >>= 1;
        if e == 0 {
            break;
        }
        base = base.checked_mul(base)?;
    }
    if r.unsigned_abs() >> (Wide::BITS - 28) != 0 {
        return None;
    }
    Some(r)
}

fn shift(o: u8, a: Int, n: u64) -> PyResult<Value> {
    if o == op::LSHIFT {
        let len = mpz::shl_len(a.mag.len(), n).ok_or_else(mem::oom)?;
        let out = Out::new(len)?;
        let w = mpz::shl(a, n, out.slice()).map_err(mpz_err)?;
        Ok(out.finish(w))
    } else {
        let out = Out::new(mpz::shr_len(a.mag.len(), n))?;
        let w = mpz::shr(a, n, out.slice()).map_err(mpz_err)?;
        Ok(out.finish(w))
    }
}

/// An int as the build's float (rounded twice with float32, as upstream's boards).
#[inline(never)]
fn to_real(a: Int) -> float::Real {
    float::narrow(mpz::to_f64(a))
}

/// `a op b` on two ints of any size (plain ops and DIVMOD, comparisons).
fn big_binary_op(o: u8, a: Int, b: Int) -> PyResult<Value> {
    let (la, lb) = (a.mag.len(), b.mag.len());
    match o {
        op::ADD | op::SUBTRACT | op::AND | op::OR | op::XOR => {
            // One call sequence for the five (their digit loops stay out of line).
            type F = fn(Int, Int, &mut [u32]) -> mpz::Result<Written>;
            let (len, f): (usize, F) = match o {
                op::ADD => (mpz::add_len(la, lb), mpz::add),
                op::SUBTRACT => (mpz::add_len(la, lb), mpz::sub),
                op::AND => (mpz::bitwise_len(la, lb), mpz::and),
                op::OR => (mpz::bitwise_len(la, lb), mpz::or),
                _ => (mpz::bitwise_len(la, lb), mpz::xor),
            };
            let out = Out::new(len)?;
            let w = f(a, b, out.slice()).map_err(mpz_err)?;
            Ok(out.finish(w))
        }
        op::MULTIPLY | op::FLOOR_DIVIDE | op::MODULO => {
            if o != op::MULTIPLY && b.is_zero() {
                return Err(zero_div());
            }
            type F = fn(Int, Int, &mut [u32], &mut [u32]) -> mpz::Result<Written>;
            let (len, scratch, f): (usize, usize, F) = match o {
                op::MULTIPLY => (mpz::mul_len(la, lb), mpz::mul_scratch_len(la, lb), mpz::mul),
                op::FLOOR_DIVIDE => (
                    mpz::divmod_quo_len(la, lb),
                    mpz::divmod_scratch_len(la, lb),
                    mpz::floordiv,
                ),
                _ => (
                    mpz::divmod_rem_len(la, lb),
                    mpz::modulo_scratch_len(la, lb),
                    mpz::modulo,
                ),
            };
            let out = Out::new(len)?;
            let mut s = Scratch::new(scratch)?;
            let w = f(a, b, out.slice(), s.slice()).map_err(mpz_err)?;
            Ok(out.finish(w))
        }
        op::DIVMOD => {
            if b.is_zero() {
                return Err(zero_div());
            }
            let q = Out::new(mpz::divmod_quo_len(la, lb))?;
            let r = Out::new(mpz::divmod_rem_len(la, lb))?;
            let mut s = Scratch::new(mpz::divmod_scratch_len(la, lb))?;
            let (wq, wr) = mpz::divmod(a, b, q.slice(), r.slice(), s.slice()).map_err(mpz_err)?;
            let items = [q.finish(wq), r.finish(wr)];
            crate::objs::tuple::new(&items)
        }
        op::TRUE_DIVIDE => {
            if b.is_zero() {
                return Err(zero_div());
            }
            // Single-precision floats divide the operands' floats, as upstream's boards.
            #[cfg(feature = "float32")]
            let x = to_real(a) / to_real(b);
            #[cfg(not(feature = "float32"))]
            let x = {
                let mut s = Scratch::new(mpz::truediv_scratch_len(la, lb))?;
                mpz::truediv(a, b, s.slice()).map_err(|e| match e {
                    mpz::Error::Overflow => {
                        raise::overflow_error("integer division result too large for a float")
                    }
                    e => mpz_err(e),
                })?
            };
            float::new(x)
        }
        op::POWER => {
            if b.neg {
                return float::float_op(op::POWER, to_real(a), to_real(b))
                    .map(|r| r.unwrap_or(Value::NONE));
            }
            let e = match mpz::to_u64(b) {
                Some(e) => e,
                None => {
                    // Only 0, 1 and -1 survive an exponent this large.
                    return match mpz::to_i64(a) {
                        Some(0) => Ok(Value::small_int(0)),
                        Some(1) => Ok(Value::small_int(1)),
                        Some(-1) => Ok(Value::small_int(
                            if b.mag.first().is_some_and(|d| d & 1 == 1) {
                                -1
                            } else {
                                1
                            },
                        )),
                        _ => Err(raise::overflow_error(
                            "overflow converting long int to machine word",
                        )),
                    };
                }
            };
            let len = mpz::pow_len(a, e).ok_or_else(mem::oom)?;
            if len > (usize::MAX >> 4) {
                return Err(mem::oom());
            }
            let out = Out::new(len)?;
            let mut s = Scratch::new(mpz::pow_scratch_len(la, len))?;
            let w = mpz::pow(a, e, out.slice(), s.slice()).map_err(mpz_err)?;
            Ok(out.finish(w))
        }
        op::LSHIFT | op::RSHIFT => {
            if b.neg {
                return Err(raise::value_error("negative shift count"));
            }
            match mpz::to_u64(b) {
                Some(n) => shift(o, a, n),
                None if o == op::RSHIFT => Ok(Value::small_int(if a.neg { -1 } else { 0 })),
                None => Err(raise::overflow_error(
                    "overflow converting long int to machine word",
                )),
            }
        }
        _ => {
            let ord = mpz::cmp(a, b);
            Ok(Value::from_bool(float::cmp_result(o, ord)))
        }
    }
}

/// The builtin `pow(a, b, m)` with three arguments (upstream's `mp_obj_int_pow3`).
pub fn pow3(a: Value, b: Value, m: Value) -> PyResult<Value> {
    let (mut ab, mut bb, mut mb) = ([0u32; 2], [0u32; 2], [0u32; 2]);
    let (Some(ai), Some(bi), Some(mi)) =
        (as_mpz(a, &mut ab), as_mpz(b, &mut bb), as_mpz(m, &mut mb))
    else {
        return Err(raise::type_error(
            "pow() with 3 arguments requires integers",
        ));
    };
    if mi.is_zero() {
        return Err(raise::value_error("divide by zero"));
    }
    let out = Out::new(mpz::pow_mod_len(mi.mag.len()).max(1))?;
    let mut s = Scratch::new(mpz::pow_mod_scratch_len(ai.mag.len(), mi.mag.len()))?;
    let w = mpz::pow_mod(ai, bi, mi, out.slice(), s.slice()).map_err(mpz_err)?;
    Ok(out.finish(w))
}

fn is_sequence(v: Value) -> bool {
    crate::objs::str::as_bytes(v).is_some()
        || v.is_type(&crate::objs::tuple::TYPE)
        || v.is_type(&crate::objs::list::TYPE)
}

fn binary_op(o: u8, lhs: Value, rhs: Value) -> PyResult<Option<Value>> {
    let Some(lhs) = int_value(lhs) else {
        return Ok(None);
    };
    let mut o = if (op::INPLACE_OR..=op::INPLACE_POWER).contains(&o) {
        o + op::INPLACE_TO_PLAIN
    } else {
        o
    };
    let (mut a, mut b) = (lhs, rhs);
    let reversed = (op::REVERSE_OR..=op::REVERSE_POWER).contains(&o);
    if reversed {
        o = o - op::REVERSE_OR + op::OR;
        core::mem::swap(&mut a, &mut b);
    }
    let rhs_int = int_value(b).filter(|_| int_value(a).is_some());
    match rhs_int {
        Some(bv) => {
            let av = int_value(a).unwrap_or(Value::small_int(0));
            if let (Some(x), Some(y)) = (av.as_small_int(), bv.as_small_int()) {
                return small_binary_op(o, x, y);
            }
            if o == op::MAT_MULTIPLY
                || !matches!(o, op::OR..=op::POWER | op::DIVMOD | op::LESS..=op::MORE_EQUAL | op::NOT_EQUAL)
            {
                return Ok(None);
            }
            let (mut ab, mut bb) = ([0u32; 2], [0u32; 2]);
            let (Some(ai), Some(bi)) = (as_mpz(av, &mut ab), as_mpz(bv, &mut bb)) else {
                return Ok(None);
            };
            big_binary_op(o, ai, bi).map(Some)
        }
        None => {
            // Anything else mixed: the other type may handle the reflected op.
            if let Some(x) = b.downcast::<float::Float>(&float::TYPE).map(|f| f.value) {
                if let Some(iv) = int_value(a) {
                    return float::int_float_op(o, iv, x);
                }
                // A reflected op with a float on the left is the float's to handle.
                return Ok(None);
            }
            // `n * seq` is the sequence's repetition; ask its own slot directly (the
            // runtime's reflected fallback would come back here).
            if o == op::MULTIPLY && !reversed && is_sequence(rhs) {
                if let Some(f) = rhs.type_of().binary_op {
                    return f(op::MULTIPLY, rhs, lhs);
                }
            }
            Ok(None)
        }
    }
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let Some(v) = int_value(v) else {
        return Ok(None);
    };
    if let Some(n) = v.as_small_int() {
        return Ok(Some(match o {
            uop::POSITIVE | uop::INT_MAYBE => v,
            uop::NEGATIVE => from_i64(-(n as i64))?,
            uop::INVERT => Value::small_int(!n),
            uop::BOOL => Value::from_bool(n != 0),
            uop::HASH => v,
            uop::ABS => from_i64((n as i64).abs())?,
            uop::FLOAT_MAYBE => float::new(n as float::Real)?,
            _ => return Ok(None),
        }));
    }
    let Some(b) = big(v) else { return Ok(None) };
    let a = b.int();
    Ok(Some(match o {
        uop::POSITIVE | uop::INT_MAYBE => v,
        uop::BOOL => Value::from_bool(!a.is_zero()),
        uop::HASH => {
            let h = mpz::hash(a) as isize;
            Value::small_int((h << 1) >> 1)
        }
        uop::NEGATIVE | uop::ABS => {
            let neg = if o == uop::ABS { false } else { !a.neg };
            from_mpz(Int::new(neg, a.mag))?
        }
        uop::INVERT => {
            let out = Out::new(mpz::invert_len(a.mag.len()))?;
            let w = mpz::invert(a, out.slice()).map_err(mpz_err)?;
            out.finish(w)
        }
        uop::FLOAT_MAYBE => float::new(to_real(a))?,
        _ => return Ok(None),
    }))
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(raise::type_error("function doesn't take keyword arguments"));
    }
    match args {
        [] => Ok(Value::small_int(0)),
        [x] => {
            if let Some(v) = int_value(*x) {
                return Ok(v);
            }
            if let Some(f) = float::value(*x) {
                return from_f64(float::widen(f));
            }
            if let Some(f) = x.type_of().unary_op {
                if let Some(r) = f(uop::INT_MAYBE, *x)? {
                    return Ok(r);
                }
            }
            if let Some(b) = float::buffer_bytes(*x) {
                return parse(b, 10);
            }
            Err(crate::objs::list::cant_convert_to_int(*x))
        }
        [s, base] => {
            let base = get_isize(*base)?;
            let Some(text) = crate::objs::str::as_bytes(*s) else {
                return Err(raise::type_error(
                    "can't convert non-string with explicit base",
                ));
            };
            if !(0..=36).contains(&base) {
                return Err(raise::value_error("int() arg 2 must be >= 2 and <= 36"));
            }
            parse(text, base as u32)
        }
        _ => Err(crate::objs::list::too_many_args(2, args.len())),
    }
}

/// Find keyword `name` in flattened (name, value) pairs.
fn kwarg(kw: &[Value], name: Qstr) -> Option<Value> {
    kw.chunks_exact(2)
        .find(|p| p.first().and_then(|k| k.as_qstr()) == Some(name))
        .and_then(|p| p.get(1).copied())
}

fn byteorder_is_big(v: Option<Value>) -> bool {
    v.and_then(crate::objs::str::as_str) != Some("little")
}

/// `int.from_bytes(bytes, byteorder='big', *, signed=False)` (a classmethod).
fn from_bytes(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let data = args.get(1).copied().unwrap_or(Value::NONE);
    let bytes = match float::buffer_bytes(data) {
        Some(b) => b,
        None => return Err(raise::type_error("object with buffer protocol required")),
    };
    let big_endian = byteorder_is_big(args.get(2).copied().or_else(|| kwarg(kw, Q::byteorder)));
    let signed = match args.get(3).copied().or_else(|| kwarg(kw, Q::signed)) {
        Some(s) => crate::runtime::is_true(s)?,
        None => false,
    };
    // Short inputs are decoded on the stack so that small results allocate nothing.
    let mut local = [0u32; 16];
    if mpz::from_bytes_len(bytes.len()) <= local.len() {
        let w = mpz::from_bytes(bytes, big_endian, signed, &mut local).map_err(mpz_err)?;
        let i = w.int(&local);
        if let Some(n) = mpz::to_i64(i) {
            return from_i64(n);
        }
        return from_mpz(i);
    }
    let out = Out::new(mpz::from_bytes_len(bytes.len()).max(1))?;
    let w = mpz::from_bytes(bytes, big_endian, signed, out.slice()).map_err(mpz_err)?;
    Ok(out.finish(w))
}

/// `int.to_bytes(length=1, byteorder='big', *, signed=False)`.
fn to_bytes(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let this = args.first().copied().unwrap_or(Value::small_int(0));
    let len = match args.get(1).copied().or_else(|| kwarg(kw, Q::length)) {
        Some(l) => get_isize(l)?,
        None => 1,
    };
    if len < 0 {
        return Err(raise::with_args(&crate::objs::exception::VALUE_ERROR, &[]));
    }
    let big_endian = byteorder_is_big(args.get(2).copied().or_else(|| kwarg(kw, Q::byteorder)));
    let signed = match kwarg(kw, Q::signed) {
        Some(s) => crate::runtime::is_true(s)?,
        None => false,
    };
    let mut ib = [0u32; 2];
    let a = as_mpz(this, &mut ib).ok_or_else(|| raise::type_error("expected an int"))?;
    if !signed && a.neg {
        return Err(raise::overflow_error(
            "can't convert negative int to unsigned",
        ));
    }
    let len = len as usize;
    let p = mem::alloc_array::<u8>(len)?;
    // SAFETY: p holds len bytes.
    let buf = unsafe { core::slice::from_raw_parts_mut(p, len) };
    let ok = mpz::to_bytes(a, big_endian, signed, buf);
    let r = if ok {
        crate::objs::str::new_bytes(buf)
    } else {
        Err(raise::overflow_error_fmt(format_args!(
            "value would overflow a {} byte buffer",
            len
        )))
    };
    mem::free(p);
    r
}

static FROM_BYTES: crate::objs::fun::MethodWrapper = crate::objs::fun::MethodWrapper {
    base: ObjBase::new(&crate::objs::fun::CLASSMETHOD_TYPE),
    fun: crate::fun!(
        from_bytes,
        Kw {
            min: 2,
            f: from_bytes
        }
    ),
};

static LOCALS: [(Qstr, Value); 2] = [
    crate::entry!(from_bytes, Value::from_static(&FROM_BYTES)),
    crate::entry!(
        to_bytes,
        crate::fun!(
            to_bytes,
            Kw {
                min: 1,
                f: to_bytes
            }
        )
    ),
];

pub static TYPE: Type = Type {
    name: Q::int,
    flags: flags::EQ_CHECKS_OTHER_TYPE | flags::BASETYPE,
    make_new: Some(make_new),
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};

/// An int value from an isize (promoting to a big int when it does not fit).
pub fn from_isize(n: isize) -> PyResult<Value> {
    from_i64(n as i64)
}

/// The value of a decimal int literal from the compiler's constant table.
pub fn parse_literal(s: &str) -> PyResult<Value> {
    parse(s.as_bytes(), 10)
}

/// TypeError for a value used where an int is required (its type named once here).
#[cold]
pub fn not_an_integer(v: Value) -> crate::obj::PyErr {
    crate::raise::type_error_fmt(format_args!(
        "'{}' object cannot be interpreted as an integer",
        v.type_of().name.as_str()
    ))
}

/// `bin`/`oct`/`hex` text of any int: sign, `prefix`, digits in `base`.
pub fn format_base(v: Value, base: u32, prefix: &str) -> PyResult<Value> {
    if !is_int(v) {
        return Err(not_an_integer(v));
    }
    let mut digits = VStr::new();
    write_radix(&mut digits, v, base, false)?;
    let d = digits.as_bytes();
    let mut out = VStr::new();
    let (neg, d) = match d.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, d),
    };
    if neg {
        out.push_byte(b'-')?;
    }
    out.push_bytes(prefix.as_bytes())?;
    out.push_bytes(d)?;
    out.into_str()
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::state::testing::with_vm;
    use std::string::String;

    fn s(v: Value) -> String {
        let r = crate::runtime::repr(v).unwrap();
        String::from(crate::objs::str::as_str(r).unwrap())
    }

    fn p(t: &str) -> Value {
        parse(t.as_bytes(), 0).unwrap()
    }

    fn bin(o: u8, a: Value, b: Value) -> Value {
        crate::runtime::binary_op(o, a, b).unwrap()
    }

    #[test]
    fn promotes_and_normalises() {
        with_vm(|| {
            let max = Value::small_int(crate::value::SMALL_INT_MAX);
            let big = bin(op::ADD, max, Value::small_int(1));
            assert!(big.is_type(&TYPE) && !big.is_small_int());
            assert_eq!(s(big), "4611686018427387904");
            let back = bin(op::SUBTRACT, big, Value::small_int(1));
            assert_eq!(back, max);
            let x = bin(op::POWER, Value::small_int(2), Value::small_int(100));
            assert_eq!(s(x), "1267650600228229401496703205376");
            let y = bin(
                op::FLOOR_DIVIDE,
                x,
                bin(op::POWER, Value::small_int(2), Value::small_int(98)),
            );
            assert_eq!(y, Value::small_int(4));
            let z = bin(
                op::MULTIPLY,
                p("123456789123456789"),
                p("-987654321987654321"),
            );
            assert_eq!(s(z), "-121932631356500531347203169112635269");
        });
    }

    #[test]
    fn division_modulo_shifts() {
        with_vm(|| {
            let a = p("-100000000000000000000000");
            assert_eq!(
                s(bin(op::FLOOR_DIVIDE, a, Value::small_int(7))),
                "-14285714285714285714286"
            );
            assert_eq!(s(bin(op::MODULO, a, Value::small_int(7))), "2");
            assert_eq!(
                s(bin(op::DIVMOD, a, Value::small_int(-7))),
                "(14285714285714285714285, -5)"
            );
            assert_eq!(
                s(bin(op::LSHIFT, Value::small_int(1), Value::small_int(70))),
                "1180591620717411303424"
            );
            assert_eq!(s(bin(op::RSHIFT, a, Value::small_int(70))), "-85");
            assert_eq!(s(bin(op::AND, a, Value::small_int(0xff))), "0");
            assert_eq!(
                s(bin(
                    op::TRUE_DIVIDE,
                    Value::small_int(1),
                    Value::small_int(4)
                )),
                "0.25"
            );
            assert_eq!(
                s(bin(op::POWER, Value::small_int(2), Value::small_int(-2))),
                "0.25"
            );
            assert!(crate::runtime::binary_op(op::FLOOR_DIVIDE, a, Value::small_int(0)).is_err());
            assert!(crate::runtime::binary_op(op::LSHIFT, a, Value::small_int(-1)).is_err());
            assert!(crate::runtime::binary_op(op::MAT_MULTIPLY, a, Value::small_int(1)).is_err());
            assert!(
                crate::runtime::binary_op(op::INPLACE_MAT_MULTIPLY, a, Value::small_int(1))
                    .is_err()
            );
            assert!(crate::runtime::binary_op(
                op::POWER,
                Value::small_int(0),
                Value::small_int(-1)
            )
            .is_err());
        });
    }

    #[test]
    fn unary_and_compare() {
        with_vm(|| {
            let a = p("0x10000000000000000");
            assert_eq!(
                s(crate::runtime::unary_op(uop::NEGATIVE, a).unwrap()),
                "-18446744073709551616"
            );
            assert_eq!(
                s(crate::runtime::unary_op(uop::INVERT, a).unwrap()),
                "-18446744073709551617"
            );
            let m = p("-4611686018427387904");
            assert!(m.is_small_int());
            let pm = crate::runtime::unary_op(uop::NEGATIVE, m).unwrap();
            assert!(!pm.is_small_int());
            assert_eq!(crate::runtime::unary_op(uop::NEGATIVE, pm).unwrap(), m);
            assert!(crate::runtime::compare(op::LESS, m, a).unwrap());
            assert!(crate::runtime::equal(bin(op::ADD, a, Value::small_int(0)), a).unwrap());
            assert_eq!(
                cmp_with_float(a, 1.8446744073709552e19),
                Some(Ordering::Equal)
            );
            assert_eq!(
                cmp_with_float(Value::small_int(3), 3.5),
                Some(Ordering::Less)
            );
            assert_eq!(
                cmp_with_float(Value::small_int(-3), -3.5),
                Some(Ordering::Greater)
            );
            assert_eq!(cmp_with_float(Value::small_int(3), f64::NAN), None);
        });
    }

    #[test]
    fn parsing_and_errors() {
        with_vm(|| {
            assert_eq!(parse(b"  -12_3 ", 10).unwrap(), Value::small_int(-123));
            assert_eq!(parse(b"0x1f", 0).unwrap(), Value::small_int(31));
            assert_eq!(parse(b"0b101", 2).unwrap(), Value::small_int(5));
            assert_eq!(parse(b"z", 36).unwrap(), Value::small_int(35));
            assert_eq!(parse(b"000", 0).unwrap(), Value::small_int(0));
            assert!(parse(b"012", 0).is_err());
            assert!(parse(b"", 10).is_err());
            assert!(parse(b"1 2", 10).is_err());
            assert!(parse(b"12", 1).is_err());
            let e = parse(b"abc", 10).unwrap_err();
            let msg = crate::objs::exception::args(e.0)[0];
            assert_eq!(
                crate::objs::str::as_str(msg),
                Some("invalid syntax for integer with base 10: 'abc'")
            );
            assert_eq!(
                s(p("123456789012345678901234567890")),
                "123456789012345678901234567890"
            );
            assert!(from_f64(f64::INFINITY).is_err());
            assert!(from_f64(f64::NAN).is_err());
            assert_eq!(
                s(from_f64(1e30).unwrap()),
                "1000000000000000019884624838656"
            );
            assert_eq!(from_f64(-2.9).unwrap(), Value::small_int(-2));
        });
    }

    #[test]
    fn radix_and_hash() {
        with_vm(|| {
            let mut v = VStr::new();
            write_radix(&mut v, p("-0xABCDEF0123456789ABCDEF"), 16, true).unwrap();
            assert_eq!(v.as_bytes(), b"-ABCDEF0123456789ABCDEF");
            // Small ints take the direct path; it must agree with the big-int one.
            for (n, base, upper, want) in [
                (0isize, 10, false, &b"0"[..]),
                (-255, 16, false, b"-ff"),
                (255, 16, true, b"FF"),
                (-5, 2, false, b"-101"),
                (35, 36, false, b"z"),
                (1 << 40, 8, false, b"20000000000000"),
            ] {
                let mut v = VStr::new();
                write_radix(&mut v, Value::small_int(n), base, upper).unwrap();
                assert_eq!(v.as_bytes(), want);
            }
            let h = crate::runtime::hash(p("18446744073709551617")).unwrap();
            assert_eq!(h, 1);
            assert_eq!(hash_of_integral_float(18446744073709551616.0 * 2.0), 0);
        });
    }

    #[test]
    fn large_operands_use_heap_scratch() {
        with_vm(|| {
            // 3**20000 has about 990 digits: above the inline scratch size.
            let a = bin(op::POWER, Value::small_int(3), Value::small_int(20000));
            let b = bin(op::POWER, Value::small_int(3), Value::small_int(10000));
            let bb = bin(op::MULTIPLY, b, b);
            assert!(crate::runtime::equal(a, bb).unwrap());
            let q = bin(op::FLOOR_DIVIDE, a, bin(op::ADD, b, Value::small_int(1)));
            let r = bin(op::MODULO, a, bin(op::ADD, b, Value::small_int(1)));
            let back = bin(
                op::ADD,
                bin(op::MULTIPLY, q, bin(op::ADD, b, Value::small_int(1))),
                r,
            );
            assert!(crate::runtime::equal(back, a).unwrap());
            let text = s(a);
            assert_eq!(text.len(), 9543);
            assert!(text.starts_with("2661"));
            assert!(crate::runtime::equal(parse(text.as_bytes(), 10).unwrap(), a).unwrap());
        });
    }

    #[test]
    fn three_argument_pow() {
        with_vm(|| {
            let r = pow3(
                Value::small_int(3),
                Value::small_int(200),
                Value::small_int(1000007),
            )
            .unwrap();
            assert_eq!(s(r), "959082");
            let big = p("123456789012345678901234567890");
            let r = pow3(
                big,
                p("98765432109876543210"),
                p("1000000000000000000000000000057"),
            )
            .unwrap();
            assert_eq!(s(r), "327455648218123532448608791417");
            assert!(pow3(
                Value::small_int(2),
                Value::small_int(3),
                Value::small_int(0)
            )
            .is_err());
            let f = float::new(2.0).unwrap();
            assert!(pow3(f, Value::small_int(3), Value::small_int(5)).is_err());
        });
    }

    #[test]
    fn bytes_conversion() {
        with_vm(|| {
            let b = crate::objs::str::new_bytes(&[1, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap();
            let v = from_bytes(&[TYPE.as_value(), b, Value::qstr(Q::little)], &[]).unwrap();
            assert_eq!(v, Value::small_int(1));
            let v = from_bytes(&[TYPE.as_value(), b], &[]).unwrap();
            assert_eq!(s(v), "18446744073709551616");
            let r = to_bytes(&[v, Value::small_int(9), Value::qstr(Q::big)], &[]).unwrap();
            assert_eq!(
                crate::objs::str::as_bytes(r),
                Some(&[1u8, 0, 0, 0, 0, 0, 0, 0, 0][..])
            );
            assert!(to_bytes(&[v, Value::small_int(8)], &[]).is_err());
            assert!(to_bytes(&[Value::small_int(-1), Value::small_int(2)], &[]).is_err());
            let r = to_bytes(
                &[Value::small_int(-2), Value::small_int(2)],
                &[Value::qstr(Q::signed), Value::TRUE],
            )
            .unwrap();
            assert_eq!(crate::objs::str::as_bytes(r), Some(&[0xffu8, 0xfe][..]));
        });
    }
}
