//! `float`: a heap-boxed [`Real`] (MicroPython's `py/objfloat.c`): double precision, or single
//! precision with feature `float32` as upstream's `MICROPY_FLOAT_IMPL_FLOAT` boards. Also the
//! shared float text conversions: [`format_float`] (repr, `%e/%f/%g` formatting) and
//! [`parse_decimal`] (float and complex literals from strings), and the builtin `round`.

use crate::mem;
use crate::obj::{flags, ObjBase, Print, PrintKind, PyResult, Type};
use crate::objs::int;
use crate::qstr::Q;
use crate::raise;
use crate::value::Value;
use crate::vstr::VStr;
use upy_compiler::bc::{binary as op, unary as uop};

/// The precision of Python's `float` (and of each part of `complex`).
#[cfg(not(feature = "float32"))]
pub type Real = f64;
/// The precision of Python's `float` (and of each part of `complex`): single, as upstream's
/// float32 boards, so that no double arithmetic (libm's double functions, soft-float
/// doubles, exact decimal conversion) is linked.
#[cfg(feature = "float32")]
pub type Real = f32;

/// libm's functions for [`Real`] under their double names (`m::sqrt` is `sqrtf` with
/// `float32`), so that the float code is written once.
#[cfg(not(feature = "float32"))]
pub mod m {
    pub use libm::{
        ceil, copysign, cosh, erf, erfc, expm1, fabs, floor, fmod, frexp, hypot, lgamma, log10,
        modf, pow, rint, scalbn, sinh, sqrt, tgamma, trunc,
    };
}
#[cfg(feature = "float32")]
pub mod m {
    pub use super::accurate::{log10, tgamma};
    pub use super::f32math::lgamma;
    pub use libm::{
        ceilf as ceil, copysignf as copysign, coshf as cosh, erfcf as erfc, erff as erf,
        expm1f as expm1, fabsf as fabs, floorf as floor, fmodf as fmod, frexpf as frexp,
        hypotf as hypot, modff as modf, powf as pow, rintf as rint, scalbnf as scalbn,
        sinhf as sinh, sqrtf as sqrt, truncf as trunc,
    };
}

/// A double narrowed to [`Real`] (struct's `d`, array's `d`, big ints, clocks).
#[allow(clippy::unnecessary_cast)]
pub const fn narrow(x: f64) -> Real {
    x as Real
}

/// A [`Real`] widened to a double (exact).
#[allow(clippy::useless_conversion)]
pub fn widen(x: Real) -> f64 {
    f64::from(x)
}

/// `x as i64` (toward zero, saturating, NaN to 0) for the port's clock: from the bits in
/// float32 builds, which link no double arithmetic.
#[cfg(feature = "float32")]
pub fn f64_to_i64(x: f64) -> i64 {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32 - 1075;
    let mant = (bits & ((1 << 52) - 1)) | (1 << 52);
    let mag = if exp < -52 {
        0
    } else if exp <= 0 {
        (mant >> -exp) as i64
    } else if exp <= 10 {
        (mant << exp) as i64
    } else if bits << 1 > 0x7ff0_0000_0000_0000 << 1 {
        return 0;
    } else if bits >> 63 != 0 {
        return i64::MIN;
    } else {
        return i64::MAX;
    };
    if bits >> 63 != 0 {
        -mag
    } else {
        mag
    }
}
/// `x as i64` (toward zero, saturating, NaN to 0) for the port's clock.
#[cfg(not(feature = "float32"))]
pub fn f64_to_i64(x: f64) -> i64 {
    x as i64
}

/// The π-like constants at [`Real`] precision.
pub mod consts {
    #[cfg(feature = "float32")]
    pub use core::f32::consts::{E, LOG10_E, PI, TAU};
    #[cfg(not(feature = "float32"))]
    pub use core::f64::consts::{E, LOG10_E, PI, TAU};
}

#[cfg(all(feature = "accurate_math", not(feature = "float32")))]
pub mod accurate;
/// Without `accurate_math`, the elementary functions are libm's: within an ulp, not always
/// the nearest double (as upstream's own libm on boards).
#[cfg(all(not(feature = "accurate_math"), not(feature = "float32")))]
pub mod accurate {
    pub use libm::{
        acos, acosh, asin, asinh, atan, atan2, atanh, cos, cosh, exp, log, log10, log2, pow, sin,
        sinh, tan, tanh,
    };
}
/// With `float32`, libm's single-precision functions, and upstream's own formulas where its
/// float32 boards use them (so that results match to the last digit).
#[cfg(feature = "float32")]
pub mod accurate {
    pub use super::f32math::{asin, cos, sin, tan};
    pub use libm::{
        acosf as acos, acoshf as acosh, asinhf as asinh, atan2f as atan2, atanf as atan,
        atanhf as atanh, coshf as cosh, expf as exp, logf as log, powf as pow, sinhf as sinh,
    };

    pub fn log10(x: f32) -> f32 {
        libm::logf(x) / core::f32::consts::LN_10
    }

    pub fn log2(x: f32) -> f32 {
        libm::logf(x) * core::f32::consts::LOG2_E
    }

    pub fn tanh(x: f32) -> f32 {
        let t = libm::expm1f(-2.0 * x.abs());
        let t = t / (t + 2.0);
        if x < 0.0 {
            t
        } else {
            -t
        }
    }

    /// Gamma as `exp(lgamma)` with lgamma's sign.
    pub fn tgamma(x: f32) -> f32 {
        if !x.is_finite() {
            return x + f32::INFINITY;
        }
        let (l, sign) = super::f32math::lgamma_r(x);
        let y = libm::expf(l);
        if sign < 0 {
            -y
        } else {
            y
        }
    }
}
/// Single-precision conversions (used by `float32` builds; compiled everywhere so that its
/// tests run on the host).
pub mod approx;
#[cfg(not(feature = "float32"))]
pub mod codec;
/// Single-precision trigonometry and log-gamma without doubles (`float32` builds; also
/// compiled for the host's unit tests).
#[cfg(any(feature = "float32", test))]
pub mod f32math;

#[cfg(not(feature = "float32"))]
use codec::Cut;

#[repr(C)]
pub struct Float {
    pub base: ObjBase,
    pub value: Real,
}

/// A new float value.
pub fn new(x: Real) -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(Float {
        base: ObjBase::new(&TYPE),
        value: x,
    })?))
}

/// The value of an exact float (or the native part of a float subclass instance).
pub fn value(v: Value) -> Option<Real> {
    if let Some(f) = v.downcast::<Float>(&TYPE) {
        return Some(f.value);
    }
    let native = crate::objs::r#type::native_of(v)?;
    native.downcast::<Float>(&TYPE).map(|f| f.value)
}

pub fn is_float(v: Value) -> bool {
    value(v).is_some()
}

/// The value of an int, bool or float as a float (MicroPython's `mp_obj_get_float_maybe`).
pub fn to_f64(v: Value) -> Option<Real> {
    if let Some(n) = v.as_small_int() {
        return Some(n as Real);
    }
    if v.is_bool() {
        return Some(if v == Value::TRUE { 1.0 } else { 0.0 });
    }
    if let Some(x) = value(v) {
        return Some(x);
    }
    int::big_to_f64(v).map(narrow)
}

/// As [`to_f64`], also calling `__float__`, with upstream's TypeError otherwise.
pub fn get_f64(v: Value) -> PyResult<Real> {
    if let Some(x) = to_f64(v) {
        return Ok(x);
    }
    if let Some(f) = v.type_of().unary_op {
        if let Some(r) = f(uop::FLOAT_MAYBE, v)? {
            // `__float__` must return a float, as upstream checks.
            if let Some(x) = value(r) {
                return Ok(x);
            }
        }
    }
    Err(raise::type_error_fmt(format_args!(
        "can't convert {} to float",
        v.type_of().name.as_str()
    )))
}

/// The bytes of a str, bytes or any object with the buffer protocol (for `float(b"1.5")`).
pub fn buffer_bytes(v: Value) -> Option<&'static [u8]> {
    if let Some(b) = crate::objs::str::as_bytes(v) {
        return Some(b);
    }
    let buf = v
        .type_of()
        .buffer
        .and_then(|f| f(v, crate::obj::BufferAccess::Read))?;
    if buf.len == 0 {
        return Some(&[]);
    }
    // SAFETY: the buffer slot returns a valid region of the object's bytes, kept alive by `v`.
    Some(unsafe { core::slice::from_raw_parts(buf.ptr, buf.len) })
}

// --- binary interchange formats (for struct and array) ---

/// The value of IEEE half-precision bits (struct's `e` format).
pub fn f16_bits_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1f) as i32;
    let man = (h & 0x3ff) as f64;
    let mag = match exp {
        0 => man * libm::ldexp(1.0, -24),
        0x1f if man == 0.0 => f64::INFINITY,
        0x1f => f64::NAN,
        _ => (1024.0 + man) * libm::ldexp(1.0, exp - 25),
    };
    sign * mag
}

/// Half-precision bits of `x`, rounded to nearest even by way of single precision like
/// upstream's `_Float16` conversion; too large values become infinity (no OverflowError).
pub fn f64_to_f16_bits(x: f64) -> u16 {
    let b = (x as f32).to_bits();
    let sign = ((b >> 16) & 0x8000) as u16;
    let exp = ((b >> 23) & 0xff) as i32;
    let man = b & 0x7f_ffff;
    if exp == 0xff {
        let nan = if man != 0 {
            0x200 | (man >> 13) as u16
        } else {
            0
        };
        return sign | 0x7c00 | nan;
    }
    let e = exp - 127 + 15;
    if e >= 0x1f {
        return sign | 0x7c00;
    }
    // Keep `shift` low bits for rounding: 13 for normals, more for subnormals.
    let (m, shift, e) = if e <= 0 {
        if exp == 0 {
            return sign;
        }
        (man | 0x80_0000, (14 - e) as u32, 0)
    } else {
        (man, 13u32, e)
    };
    if shift > 31 {
        return sign;
    }
    let mut r = m >> shift;
    let rem = m & ((1u32 << shift) - 1);
    let half = 1u32 << (shift - 1);
    if rem > half || (rem == half && r & 1 == 1) {
        r += 1;
    }
    // A carry out of the mantissa bumps the exponent (and may reach infinity).
    let bits = ((e as u32) << 10) + r;
    if bits >= 0x7c00 {
        return sign | 0x7c00;
    }
    sign | bits as u16
}

// --- formatting ---

#[cfg(not(feature = "float32"))]
/// A stack buffer for `repr` text, so that printing a float needs no allocation (as
/// upstream, which formats into a local buffer).
struct ReprBuf<'a> {
    buf: &'a mut [u8; 32],
    len: usize,
}

#[cfg(not(feature = "float32"))]
/// Where formatted float text goes: a heap `VStr` or a [`ReprBuf`]. Taken as `dyn` so that
/// the layout code exists once.
trait Sink {
    fn put(&mut self, b: &[u8]) -> PyResult<()>;
}

#[cfg(not(feature = "float32"))]
impl Sink for VStr {
    fn put(&mut self, b: &[u8]) -> PyResult<()> {
        self.push_bytes(b)
    }
}

#[cfg(not(feature = "float32"))]
impl Sink for ReprBuf<'_> {
    fn put(&mut self, b: &[u8]) -> PyResult<()> {
        let end = self.len + b.len();
        let dst = self
            .buf
            .get_mut(self.len..end)
            .ok_or_else(crate::mem::oom)?;
        dst.copy_from_slice(b);
        self.len = end;
        Ok(())
    }
}

#[cfg(not(feature = "float32"))]
fn push_exponent(out: &mut dyn Sink, e: i32, upper: bool) -> PyResult<()> {
    out.put(if upper { b"E" } else { b"e" })?;
    out.put(if e < 0 { b"-" } else { b"+" })?;
    // At least two digits; a double's exponent has at most three.
    let a = e.unsigned_abs();
    let digits = [(a / 100 % 10) as u8, (a / 10 % 10) as u8, (a % 10) as u8].map(|d| b'0' + d);
    out.put(digits.get(usize::from(a < 100)..).unwrap_or(&digits))
}

#[cfg(not(feature = "float32"))]
/// Lay out digits `d` (value 0.d * 10^decpt) in fixed notation with exactly `frac` digits after
/// the point (padding with zeros), the point omitted when `frac == 0` unless `point`.
fn push_fixed(out: &mut dyn Sink, d: &[u8], decpt: i32, frac: usize, point: bool) -> PyResult<()> {
    let digit_at = |i: i64| -> u8 {
        // i-th digit left of the point counting from 0 at the units position.
        if i < 0 {
            return b'0';
        }
        d.get(i as usize).copied().unwrap_or(b'0')
    };
    if decpt <= 0 {
        out.put(b"0")?;
    } else {
        for i in 0..decpt as i64 {
            out.put(&[digit_at(i)])?;
        }
    }
    if frac > 0 || point {
        out.put(b".")?;
    }
    for k in 0..frac as i64 {
        out.put(&[digit_at(decpt as i64 + k)])?;
    }
    Ok(())
}

#[cfg(not(feature = "float32"))]
/// The repr digits of a finite non-negative `a` (shortest round-trip form).
fn push_repr(out: &mut dyn Sink, a: Real) -> PyResult<()> {
    if a == 0.0 {
        return out.put(b"0.0");
    }
    let mut d = [0u8; 17];
    let (n, decpt) = codec::shortest(a, &mut d);
    let digits = d.get(..n).unwrap_or(&[]);
    if (-3..=16).contains(&decpt) {
        let frac = (n as i32 - decpt).max(1) as usize;
        push_fixed(out, digits, decpt, frac, true)
    } else {
        out.put(digits.get(..1).unwrap_or(b"0"))?;
        if n > 1 {
            out.put(b".")?;
            out.put(digits.get(1..).unwrap_or(&[]))?;
        }
        push_exponent(out, decpt - 1, false)
    }
}

/// Python-style float formatting without padding: `fmt` is `e E f F g G %`, or `r` for repr
/// (shortest round-trip digits, fixed notation for exponents -4..16 as CPython and
/// MicroPython's repr). Negative values get a leading `-`; infinities and NaN print as
/// `inf`/`nan` (upper case for upper-case formats). `alt_form` is the `#` flag; `signed`
/// says the caller puts a sign before the text (with `float32`, upstream's buffer then
/// holds one digit less).
pub fn format_float(
    out: &mut VStr,
    x: Real,
    fmt: char,
    precision: Option<usize>,
    alt_form: bool,
    signed: bool,
) -> PyResult<()> {
    #[cfg(feature = "float32")]
    {
        let _ = alt_form;
        format_approx(out, x, fmt, precision, signed)
    }
    #[cfg(not(feature = "float32"))]
    {
        let _ = signed;
        format_exact(out, x, fmt, precision, alt_form)
    }
}

/// [`format_float`] as upstream's float32 boards (`#` has no effect there).
#[cfg(feature = "float32")]
fn format_approx(
    out: &mut VStr,
    x: Real,
    fmt: char,
    precision: Option<usize>,
    signed: bool,
) -> PyResult<()> {
    let upper = fmt.is_ascii_uppercase();
    if x.is_nan() {
        return out.push_bytes(if upper { b"NAN" } else { b"nan" });
    }
    let neg = x.is_sign_negative();
    if neg {
        out.push_byte(b'-')?;
    }
    let a = x.abs();
    if a.is_infinite() {
        return out.push_bytes(if upper { b"INF" } else { b"inf" });
    }
    // Upstream's buffer is 33 bytes, one of them taken by a sign.
    let room = 33 - i32::from(neg || signed);
    if fmt == '%' {
        let t = approx::format(a * 100.0, 'f', precision, room);
        out.push_bytes(t.as_bytes())?;
        return out.push_byte(b'%');
    }
    out.push_bytes(approx::format(a, fmt, precision, room).as_bytes())
}

/// [`format_float`] with exact decimal conversion, as CPython and upstream's unix port.
#[cfg(not(feature = "float32"))]
fn format_exact(
    out: &mut VStr,
    x: Real,
    fmt: char,
    precision: Option<usize>,
    alt_form: bool,
) -> PyResult<()> {
    let upper = fmt.is_ascii_uppercase();
    if x.is_nan() {
        return out.push_bytes(if upper { b"NAN" } else { b"nan" });
    }
    if x.is_sign_negative() {
        out.push_byte(b'-')?;
    }
    let a = x.abs();
    if a.is_infinite() {
        return out.push_bytes(if upper { b"INF" } else { b"inf" });
    }
    let mut buf = [0u8; codec::MAX_DIGITS];
    match fmt {
        'r' => push_repr(out, a),
        'e' | 'E' => {
            let p = precision.unwrap_or(6);
            let (digits, decpt) = rounded(a, Cut::Significant(p + 1), &mut buf);
            out.push_byte(digits.first().copied().unwrap_or(b'0'))?;
            if p > 0 || alt_form {
                out.push_byte(b'.')?;
            }
            let tail = digits.get(1..).unwrap_or(&[]);
            out.push_bytes(tail)?;
            push_zeros(out, p - tail.len())?;
            push_exponent(out, if a == 0.0 { 0 } else { decpt - 1 }, upper)
        }
        'f' | 'F' | '%' => {
            let p = precision.unwrap_or(6);
            // Upstream formats into a 33-byte buffer and switches to 'g' (one more digit of
            // precision) when the fixed form cannot fit.
            if fmt != '%' && a >= 10.0 {
                let mut d = [0u8; 17];
                let (_, decpt) = codec::shortest(a, &mut d);
                let room = 33 - x.is_sign_negative() as i64;
                if (decpt as i64 - 1) + p as i64 + 2 > room {
                    let g = if upper { 'G' } else { 'g' };
                    out.truncate(out.len() - x.is_sign_negative() as usize);
                    return format_exact(out, x, g, Some(p + 1), alt_form);
                }
            }
            let a = if fmt == '%' { a * 100.0 } else { a };
            let (digits, decpt) = rounded(a, Cut::Decimals(p), &mut buf);
            push_fixed(out, digits, decpt, p, p == 0 && alt_form)?;
            if fmt == '%' {
                out.push_byte(b'%')?;
            }
            Ok(())
        }
        _ => {
            // 'g' / 'G' (and anything else, like upstream's fallback).
            let p = precision.unwrap_or(6).max(1);
            let (mut digits, decpt) = rounded(a, Cut::Significant(p), &mut buf);
            let exp = if a == 0.0 { 0 } else { decpt - 1 };
            while let [rest @ .., b'0'] = digits {
                digits = rest;
            }
            if exp >= -4 && exp < p as i32 {
                let shown = if alt_form { p } else { digits.len().max(1) };
                let frac = (shown as i32 - exp - 1).max(0) as usize;
                push_fixed(out, digits, exp + 1, frac, alt_form)
            } else {
                out.push_byte(digits.first().copied().unwrap_or(b'0'))?;
                if digits.len() > 1 || alt_form {
                    out.push_byte(b'.')?;
                }
                let tail = digits.get(1..).unwrap_or(&[]);
                out.push_bytes(tail)?;
                if alt_form {
                    push_zeros(out, p - 1 - tail.len())?;
                }
                push_exponent(out, exp, upper)
            }
        }
    }
}

#[cfg(not(feature = "float32"))]
/// The digits of `a >= 0` rounded at `cut` and their decimal point position, trailing zeros
/// left implicit (none for zero, whose point is after its units place).
fn rounded(a: Real, cut: Cut, buf: &mut [u8; codec::MAX_DIGITS]) -> (&[u8], i32) {
    if a == 0.0 {
        return (&[], 1);
    }
    let (n, decpt) = codec::exact(a, cut, buf);
    (buf.get(..n).unwrap_or(&[]), decpt)
}

#[cfg(not(feature = "float32"))]
fn push_zeros(out: &mut VStr, n: usize) -> PyResult<()> {
    for _ in 0..n {
        out.push_byte(b'0')?;
    }
    Ok(())
}

/// `repr(x)` into a stack buffer (sign, `inf`/`nan` included).
#[cfg(feature = "float32")]
pub fn repr_text(x: Real, buf: &mut [u8; 32]) -> &str {
    let mut n = 0;
    let mut put = |b: &[u8]| {
        for &c in b {
            if let Some(slot) = buf.get_mut(n) {
                *slot = c;
                n += 1;
            }
        }
    };
    if x.is_nan() {
        put(b"nan");
    } else {
        if x.is_sign_negative() {
            put(b"-");
        }
        if x.is_infinite() {
            put(b"inf");
        } else {
            let t = approx::format(x.abs(), 'r', None, 32);
            let text = t.as_bytes();
            put(text);
            if !text.iter().any(|&c| c == b'.' || c == b'e') {
                put(b".0");
            }
        }
    }
    core::str::from_utf8(buf.get(..n).unwrap_or(&[])).unwrap_or("?")
}

/// `repr(x)` into a stack buffer (sign, `inf`/`nan` included).
#[cfg(not(feature = "float32"))]
pub fn repr_text(x: Real, buf: &mut [u8; 32]) -> &str {
    let mut f = ReprBuf { buf, len: 0 };
    let sign: &[u8] = if x.is_sign_negative() && !x.is_nan() {
        b"-"
    } else {
        b""
    };
    let ok = f.put(sign).and_then(|()| match x.abs() {
        a if a.is_nan() => f.put(b"nan"),
        a if a.is_infinite() => f.put(b"inf"),
        a => push_repr(&mut f, a),
    });
    let n = if ok.is_ok() { f.len } else { 0 };
    core::str::from_utf8(f.buf.get(..n).unwrap_or(&[])).unwrap_or("?")
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let mut buf = [0u8; 32];
    out.write_str(repr_text(value(v).unwrap_or(0.0), &mut buf))
}

// --- parsing ---

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Parse one unsigned real number at the start of `s`: `inf`, `infinity`, `nan` (any case) or
/// decimal digits with optional point, exponent and underscores. Returns the value and the
/// number of bytes used, or `None` when there is no number there.
fn parse_real(s: &[u8]) -> Option<(Real, usize)> {
    if let Some(special) = parse_special(s) {
        return Some(special);
    }
    #[cfg(feature = "float32")]
    {
        // Upstream's reader gives the value of what the scan accepted.
        let end = scan_number(s)?;
        let text = core::str::from_utf8(s.get(..end)?).ok()?;
        Some((upy_compiler::mpy::float::parse32(text)?, end))
    }
    #[cfg(not(feature = "float32"))]
    parse_exact(s)
}

/// `inf`, `infinity` or `nan` (any case) at the start of `s`.
fn parse_special(s: &[u8]) -> Option<(Real, usize)> {
    let lower = |i: usize| s.get(i).map(|c| c | 0x20);
    if s.len() >= 3 && lower(0) == Some(b'i') && lower(1) == Some(b'n') && lower(2) == Some(b'f') {
        let word = b"infinity";
        let long = s.len() >= 8 && (0..8).all(|i| lower(i) == word.get(i).copied());
        return Some((Real::INFINITY, if long { 8 } else { 3 }));
    }
    if s.len() >= 3 && lower(0) == Some(b'n') && lower(1) == Some(b'a') && lower(2) == Some(b'n') {
        return Some((Real::NAN, 3));
    }
    None
}

/// The length of the decimal number at the start of `s` (digits with underscores and one
/// point, then an optional exponent), as [`parse_exact`] accepts it.
#[cfg(feature = "float32")]
fn scan_number(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    let (mut seen_point, mut seen_digit) = (false, false);
    while let Some(&c) = s.get(i) {
        match c {
            b'0'..=b'9' => seen_digit = true,
            b'_' => {}
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if !seen_digit {
        return None;
    }
    if matches!(s.get(i), Some(b'e') | Some(b'E')) {
        let mut j = i + 1;
        if matches!(s.get(j), Some(b'+') | Some(b'-')) {
            j += 1;
        }
        let mut any = false;
        while let Some(&c) = s.get(j) {
            if c.is_ascii_digit() {
                any = true;
            } else if c != b'_' {
                break;
            }
            j += 1;
        }
        if !any {
            return None;
        }
        i = j;
    }
    Some(i)
}

/// A decimal number at the start of `s`, correctly rounded, and its length.
#[cfg(not(feature = "float32"))]
fn parse_exact(s: &[u8]) -> Option<(Real, usize)> {
    // Keep the significant digits (underscores and leading zeros dropped) and where the
    // point goes; the codec rounds them correctly.
    let mut digits = [0u8; codec::MAX_DIGITS];
    let (mut n, mut decpt, mut more) = (0, 0i32, false);
    let mut i = 0;
    let mut seen_point = false;
    let mut seen_digit = false;
    while let Some(&c) = s.get(i) {
        match c {
            b'0'..=b'9' => {
                seen_digit = true;
                if n == 0 && c == b'0' {
                    decpt -= i32::from(seen_point);
                } else {
                    match digits.get_mut(n) {
                        Some(slot) => {
                            *slot = c;
                            n += 1;
                        }
                        None => more |= c != b'0',
                    }
                    decpt = decpt.saturating_add(i32::from(!seen_point));
                }
            }
            b'_' => {}
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if !seen_digit {
        return None;
    }
    if matches!(s.get(i), Some(b'e') | Some(b'E')) {
        let mut j = i + 1;
        let neg = s.get(j) == Some(&b'-');
        if matches!(s.get(j), Some(b'+') | Some(b'-')) {
            j += 1;
        }
        let mut exp: i32 = 0;
        let mut any = false;
        while let Some(&c) = s.get(j) {
            if c.is_ascii_digit() {
                any = true;
                // Beyond any double's range either way; stop before overflowing.
                exp = (exp * 10 + i32::from(c - b'0')).min(100_000);
            } else if c != b'_' {
                break;
            }
            j += 1;
        }
        if !any {
            return None;
        }
        decpt = decpt.saturating_add(if neg { -exp } else { exp });
        i = j;
    }
    let digits = digits.get(..n).unwrap_or(&[]);
    Some((codec::to_f64(digits, decpt, more), i))
}

#[cold]
fn invalid_number() -> crate::obj::PyErr {
    raise::value_error("invalid syntax for number")
}

/// Parse a float (or, with `allow_imag`/`force_complex`, a complex) from text, as
/// `float(str)` and `complex(str)` do. Errors are ValueError("invalid syntax for number").
pub fn parse_decimal(s: &[u8], allow_imag: bool, force_complex: bool) -> PyResult<Value> {
    let mut i = 0;
    let mut real: Real = 0.0;
    let mut have_real = false;
    loop {
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
        let start = i;
        let mut val: Real = 0.0;
        if let Some((v, n)) = parse_real(s.get(i..).unwrap_or(&[])) {
            val = v;
            i += n;
        }
        let mut imag = false;
        if allow_imag && matches!(s.get(i), Some(b'j') | Some(b'J')) {
            if i == start {
                val = 1.0;
            }
            i += 1;
            imag = true;
        }
        if i == start {
            return Err(invalid_number());
        }
        if neg {
            val = -val;
        }
        while s.get(i).is_some_and(|&c| is_space(c)) {
            i += 1;
        }
        if i != s.len() {
            if force_complex && !have_real && !imag {
                real = val;
                have_real = true;
                continue;
            }
            return Err(invalid_number());
        }
        if have_real && !imag {
            return Err(invalid_number());
        }
        if imag {
            return crate::objs::complex::new(real, val);
        }
        if force_complex {
            return crate::objs::complex::new(val, 0.0);
        }
        return new(val);
    }
}

// --- arithmetic ---

/// Python's floor division and modulo of floats (upstream's `mp_obj_float_divmod`), shared
/// with the compiler's constant folding.
#[cfg(not(feature = "float32"))]
pub use upy_compiler::compile::{float_divmod as divmod, fmod};
#[cfg(feature = "float32")]
pub use {m::fmod, upy_compiler::mpy::float::divmod32 as divmod};

#[cold]
fn zero_div() -> crate::obj::PyErr {
    raise::zero_division_error("divide by zero")
}

/// `lhs op rhs` on floats (plain, in-place and DIVMOD ops; comparisons).
pub fn float_op(o: u8, x: Real, y: Real) -> PyResult<Option<Value>> {
    let o = if (op::INPLACE_OR..=op::INPLACE_POWER).contains(&o) {
        o + op::INPLACE_TO_PLAIN
    } else {
        o
    };
    let r = match o {
        op::ADD => x + y,
        op::SUBTRACT => x - y,
        op::MULTIPLY => x * y,
        op::FLOOR_DIVIDE => {
            if y == 0.0 {
                return Err(zero_div());
            }
            divmod(x, y).0
        }
        op::TRUE_DIVIDE => {
            if y == 0.0 {
                return Err(zero_div());
            }
            x / y
        }
        op::MODULO => {
            if y == 0.0 {
                return Err(zero_div());
            }
            let mut m = fmod(x, y);
            if m == 0.0 {
                m = m::copysign(0.0, y);
            } else if (m < 0.0) != (y < 0.0) {
                m += y;
            }
            m
        }
        op::POWER => {
            if x == 0.0 && y < 0.0 && !y.is_infinite() {
                return Err(zero_div());
            }
            if x < 0.0 && y != m::floor(y) && !y.is_nan() {
                return crate::objs::complex::complex_op(op::POWER, x, 0.0, y, 0.0).map(Some);
            }
            if x == 1.0 || y == 0.0 {
                1.0
            } else if y.is_nan() {
                y
            } else {
                accurate::pow(x, y)
            }
        }
        op::DIVMOD => {
            if y == 0.0 {
                return Err(zero_div());
            }
            let (q, m) = divmod(x, y);
            let items = [new(q)?, new(m)?];
            return crate::objs::tuple::new(&items).map(Some);
        }
        op::LESS => return Ok(Some(Value::from_bool(x < y))),
        op::MORE => return Ok(Some(Value::from_bool(x > y))),
        op::EQUAL => return Ok(Some(Value::from_bool(x == y))),
        op::LESS_EQUAL => return Ok(Some(Value::from_bool(x <= y))),
        op::MORE_EQUAL => return Ok(Some(Value::from_bool(x >= y))),
        op::NOT_EQUAL => return Ok(Some(Value::from_bool(x != y))),
        _ => return Ok(None),
    };
    new(r).map(Some)
}

/// Swap a comparison for reversed operands.
fn swap_cmp(o: u8) -> u8 {
    match o {
        op::LESS => op::MORE,
        op::MORE => op::LESS,
        op::LESS_EQUAL => op::MORE_EQUAL,
        op::MORE_EQUAL => op::LESS_EQUAL,
        o => o,
    }
}

fn binary_op(o: u8, lhs: Value, rhs: Value) -> PyResult<Option<Value>> {
    let Some(x) = value(lhs) else { return Ok(None) };
    // Reflected operators: `rhs OP lhs`.
    if (op::REVERSE_OR..=op::REVERSE_POWER).contains(&o) {
        let plain = o - op::REVERSE_OR + op::OR;
        let Some(y) = to_f64(rhs) else {
            return Ok(None);
        };
        return float_op(plain, y, x);
    }
    // The common case first: float with float.
    if let Some(f) = rhs.downcast::<Float>(&TYPE) {
        return float_op(o, x, f.value);
    }
    if crate::objs::complex::is_complex(rhs) {
        return Ok(None);
    }
    // Comparisons with ints are exact, like CPython.
    if matches!(
        o,
        op::LESS | op::MORE | op::EQUAL | op::LESS_EQUAL | op::MORE_EQUAL | op::NOT_EQUAL
    ) && int::is_int(rhs)
    {
        return Ok(Some(Value::from_bool(
            match int::cmp_with_float(rhs, widen(x)) {
                Some(ord) => cmp_result(swap_cmp(o), ord),
                None => o == op::NOT_EQUAL,
            },
        )));
    }
    let Some(y) = to_f64(rhs) else {
        return Ok(None);
    };
    float_op(o, x, y)
}

/// `int op float` for the int type, which hands mixed operations to the float code.
pub fn int_float_op(o: u8, i: Value, x: Real) -> PyResult<Option<Value>> {
    if matches!(
        o,
        op::LESS | op::MORE | op::EQUAL | op::LESS_EQUAL | op::MORE_EQUAL | op::NOT_EQUAL
    ) {
        return Ok(Some(Value::from_bool(
            match int::cmp_with_float(i, widen(x)) {
                Some(ord) => cmp_result(o, ord),
                None => o == op::NOT_EQUAL,
            },
        )));
    }
    let Some(y) = to_f64(i) else { return Ok(None) };
    float_op(o, y, x)
}

/// Whether ordering `ord` (of a vs b) satisfies comparison `o` (a o b).
pub fn cmp_result(o: u8, ord: core::cmp::Ordering) -> bool {
    use core::cmp::Ordering::*;
    match o {
        op::LESS => ord == Less,
        op::MORE => ord == Greater,
        op::EQUAL => ord == Equal,
        op::LESS_EQUAL => ord != Greater,
        op::MORE_EQUAL => ord != Less,
        _ => ord != Equal,
    }
}

/// Hash of a float: equal to the int hash for integral values.
pub fn hash(x: Real) -> isize {
    if x.is_finite() && x == m::trunc(x) {
        if x.abs() < 4.0e18 {
            return x as i64 as isize;
        }
        return int::hash_of_integral_float(widen(x));
    }
    let b = widen(x).to_bits();
    (b ^ (b >> 32)) as isize
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let Some(x) = value(v) else { return Ok(None) };
    Ok(Some(match o {
        uop::BOOL => Value::from_bool(x != 0.0),
        uop::HASH => {
            let h = hash(x);
            Value::small_int((h << 1) >> 1)
        }
        uop::POSITIVE | uop::FLOAT_MAYBE => v,
        uop::NEGATIVE => new(-x)?,
        uop::ABS => {
            if x.is_sign_negative() {
                new(-x)?
            } else {
                v
            }
        }
        _ => return Ok(None),
    }))
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(raise::type_error("function doesn't take keyword arguments"));
    }
    match args {
        [] => new(0.0),
        [x] => {
            if x.is_type(&TYPE) {
                return Ok(*x);
            }
            if let Some(v) = to_f64(*x) {
                return new(v);
            }
            if let Some(b) = buffer_bytes(*x) {
                return parse_decimal(b, false, false);
            }
            new(get_f64(*x)?)
        }
        _ => Err(raise::type_error_fmt(format_args!(
            "function expected at most 1 arguments, got {}",
            args.len()
        ))),
    }
}

/// The builtin `round(x[, ndigits])` for ints and floats (upstream's `mp_builtin_round`).
pub fn round(x: Value, ndigits: Option<Value>) -> PyResult<Value> {
    if int::is_int(x) {
        let x = int::to_int(x)?;
        let Some(nd) = ndigits.filter(|n| !n.is_none()) else {
            return Ok(x);
        };
        let nd = int::get_isize(nd)?;
        if nd >= 0 {
            return Ok(x);
        }
        let rt = crate::runtime::binary_op;
        let mult = rt(
            op::POWER,
            Value::small_int(10),
            int::from_i64(-(nd as i64))?,
        )?;
        let half = rt(op::FLOOR_DIVIDE, mult, Value::small_int(2))?;
        let modulo = rt(op::MODULO, x, mult)?;
        let rounded = rt(op::SUBTRACT, x, modulo)?;
        if crate::runtime::compare(op::MORE, half, modulo)? {
            return Ok(rounded);
        }
        if crate::runtime::compare(op::MORE, modulo, half)? {
            return rt(op::ADD, rounded, mult);
        }
        let floor = rt(op::FLOOR_DIVIDE, x, mult)?;
        if crate::runtime::is_true(rt(op::AND, floor, Value::small_int(1))?)? {
            return rt(op::ADD, rounded, mult);
        }
        return Ok(rounded);
    }
    let val = get_f64(x)?;
    match ndigits.filter(|n| !n.is_none()) {
        // As upstream's float32 boards: scale, round and scale back in single precision
        // (so `round(1.5, 50)` is nan there).
        #[cfg(feature = "float32")]
        Some(nd) => {
            let nd = int::get_isize(nd)?.clamp(-1000, 1000) as Real;
            let mult = m::pow(10.0, nd);
            new(m::rint(val * mult) / mult)
        }
        #[cfg(not(feature = "float32"))]
        Some(nd) => {
            let nd = int::get_isize(nd)?;
            if !val.is_finite() || val == 0.0 {
                return new(val);
            }
            if nd > 330 {
                return new(val);
            }
            if nd < -330 {
                return new(libm::copysign(0.0, val));
            }
            if nd >= 0 {
                // Exact decimal rounding of the binary value, like CPython.
                let mut buf = [0u8; codec::MAX_DIGITS];
                let (digits, decpt) = rounded(val.abs(), Cut::Decimals(nd as usize), &mut buf);
                let r = codec::to_f64(digits, decpt, false);
                return new(if val < 0.0 { -r } else { r });
            }
            let mult = libm::pow(10.0, -nd as f64);
            let scaled = val / mult;
            if !scaled.is_finite() {
                return new(val);
            }
            new(libm::rint(scaled) * mult)
        }
        None => int::from_f64(widen(m::rint(val))),
    }
}

pub static TYPE: Type = Type {
    name: Q::float,
    flags: flags::EQ_CHECKS_OTHER_TYPE | flags::EQ_NOT_REFLEXIVE | flags::BASETYPE,
    make_new: Some(make_new),
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::state::testing::with_vm;
    use std::string::String;

    fn fmt(x: f64, f: char, p: Option<usize>, alt: bool) -> String {
        let mut s = VStr::new();
        format_float(&mut s, x, f, p, alt, false).unwrap();
        String::from_utf8(s.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn repr_matches_cpython() {
        with_vm(|| {
            let cases: &[(f64, &str)] = &[
                (0.1, "0.1"),
                (1.0, "1.0"),
                (-0.0, "-0.0"),
                (0.0, "0.0"),
                (1e16, "1e+16"),
                (1e15, "1000000000000000.0"),
                (123456789012345678.0, "1.2345678901234568e+17"),
                (0.0001, "0.0001"),
                (0.00001, "1e-05"),
                (1.5e-10, "1.5e-10"),
                (1e300, "1e+300"),
                (f64::INFINITY, "inf"),
                (f64::NEG_INFINITY, "-inf"),
                (f64::NAN, "nan"),
                (2.0 / 3.0, "0.6666666666666666"),
                (1e22, "1e+22"),
                (5e-324, "5e-324"),
                (12.5, "12.5"),
            ];
            for (x, want) in cases {
                assert_eq!(fmt(*x, 'r', None, false), *want, "{}", x);
            }
        });
    }

    #[test]
    fn formats_match_cpython() {
        with_vm(|| {
            assert_eq!(fmt(1.5, 'e', None, false), "1.500000e+00");
            assert_eq!(fmt(12345.678, 'E', Some(2), false), "1.23E+04");
            assert_eq!(fmt(1.0, 'e', Some(0), true), "1.e+00");
            assert_eq!(fmt(0.0, 'e', Some(3), false), "0.000e+00");
            assert_eq!(fmt(1.23456, 'f', Some(2), false), "1.23");
            assert_eq!(fmt(2.5, 'f', Some(0), false), "2");
            assert_eq!(fmt(-1.0, 'f', None, false), "-1.000000");
            assert_eq!(fmt(0.5, '%', Some(1), false), "50.0%");
            assert_eq!(fmt(1.0, 'g', None, false), "1");
            assert_eq!(fmt(1e-5, 'g', None, false), "1e-05");
            assert_eq!(fmt(123456789.0, 'g', None, false), "1.23457e+08");
            assert_eq!(fmt(0.0001234, 'g', None, false), "0.0001234");
            assert_eq!(fmt(100000.0, 'g', None, false), "100000");
            assert_eq!(fmt(1000000.0, 'g', None, false), "1e+06");
            assert_eq!(fmt(1.0, 'g', None, true), "1.00000");
            assert_eq!(fmt(0.0, 'g', None, false), "0");
            assert_eq!(fmt(1.23456, 'G', Some(3), false), "1.23");
            assert_eq!(fmt(f64::NAN, 'F', None, false), "NAN");
            assert_eq!(fmt(-f64::INFINITY, 'g', None, false), "-inf");
            assert_eq!(fmt(9.9999, 'g', Some(2), false), "10");
            // Too long for upstream's buffer: 'f' becomes 'g'.
            assert_eq!(fmt(8.888e32, 'f', Some(2), false), "8.89e+32");
            assert_eq!(fmt(-1e30, 'f', Some(2), false), "-1e+30");
            assert_eq!(fmt(1e20, 'f', Some(2), false), "100000000000000000000.00");
        });
    }

    fn parse(s: &str) -> Option<f64> {
        parse_decimal(s.as_bytes(), false, false)
            .ok()
            .and_then(value)
    }

    #[test]
    fn parsing() {
        with_vm(|| {
            assert_eq!(parse("1.5"), Some(1.5));
            assert_eq!(parse("  -2.5e3  "), Some(-2500.0));
            assert_eq!(parse("1_000.5"), Some(1000.5));
            assert_eq!(parse("inf"), Some(f64::INFINITY));
            assert_eq!(parse("-Infinity"), Some(f64::NEG_INFINITY));
            assert!(parse("nan").is_some_and(|x| x.is_nan()));
            assert_eq!(parse("1e500"), Some(f64::INFINITY));
            assert_eq!(parse("1."), Some(1.0));
            assert_eq!(parse(".5"), Some(0.5));
            assert_eq!(parse("1.e2"), Some(100.0));
            assert_eq!(parse("0.1"), Some(0.1));
            for bad in [
                "", " ", "abc", "1e", "1.5x", ".", "e5", "1 2", "--1", "infx",
            ] {
                assert!(
                    parse_decimal(bad.as_bytes(), false, false).is_err(),
                    "{:?}",
                    bad
                );
            }
        });
    }

    #[test]
    fn half_precision() {
        let cases: &[(f64, u16)] = &[
            (0.0, 0x0),
            (-0.0, 0x8000),
            (1.0, 0x3c00),
            (-2.5, 0xc100),
            (65504.0, 0x7bff),
            (1e-7, 0x2),
            (2e-7, 0x3),
            (6e-8, 0x1),
            (3e-8, 0x1),
            (1e-5, 0xa8),
            (0.1, 0x2e66),
            (0.3333333, 0x3555),
            (1e4, 0x70e2),
            (6e4, 0x7b53),
            (65519.99, 0x7bff),
            (f64::INFINITY, 0x7c00),
            (f64::NEG_INFINITY, 0xfc00),
            (6.103515625e-05, 0x400),
            (6.1e-05, 0x3ff),
            (1e6, 0x7c00),
            (1e-30, 0x0),
        ];
        for &(x, h) in cases {
            assert_eq!(f64_to_f16_bits(x), h, "{}", x);
        }
        for h in 0..0x7c00u16 {
            assert_eq!(f64_to_f16_bits(f16_bits_to_f64(h)), h);
            assert_eq!(f64_to_f16_bits(f16_bits_to_f64(h | 0x8000)), h | 0x8000);
        }
        assert_eq!(f16_bits_to_f64(0x3555), 0.333251953125);
        assert!(f16_bits_to_f64(0x7e00).is_nan());
        assert_eq!(f64_to_f16_bits(f64::NAN) & 0x7e00, 0x7e00);
    }

    #[test]
    fn floor_division_and_modulo() {
        assert_eq!(divmod(7.0, 2.0), (3.0, 1.0));
        assert_eq!(divmod(-7.0, 2.0), (-4.0, 1.0));
        assert_eq!(divmod(7.0, -2.0), (-4.0, -1.0));
        let (q, m) = divmod(-0.0, 5.0);
        assert!(q == 0.0 && m == 0.0);
    }

    #[test]
    fn arithmetic_and_errors() {
        with_vm(|| {
            let v = float_op(op::ADD, 1.5, 2.0).unwrap().unwrap();
            assert_eq!(value(v), Some(3.5));
            assert!(float_op(op::TRUE_DIVIDE, 1.0, 0.0).is_err());
            assert!(float_op(op::MODULO, 1.0, 0.0).is_err());
            assert!(float_op(op::POWER, 0.0, -1.0).is_err());
            let v = float_op(op::MODULO, -1.0, 3.0).unwrap().unwrap();
            assert_eq!(value(v), Some(2.0));
            let v = float_op(op::POWER, -8.0, 1.0 / 3.0).unwrap().unwrap();
            assert!(crate::objs::complex::is_complex(v));
            assert_eq!(hash(3.0), 3);
            assert_eq!(hash(-0.0), 0);
        });
    }

    #[test]
    fn rounding() {
        with_vm(|| {
            let r = round(new(2.5).unwrap(), None).unwrap();
            assert_eq!(r, Value::small_int(2));
            let r = round(new(2.675).unwrap(), Some(Value::small_int(2))).unwrap();
            assert_eq!(value(r), Some(2.67));
            let r = round(Value::small_int(1250), Some(Value::small_int(-2))).unwrap();
            assert_eq!(r, Value::small_int(1200));
            let r = round(Value::small_int(1351), Some(Value::small_int(-2))).unwrap();
            assert_eq!(r, Value::small_int(1400));
            assert!(round(new(f64::INFINITY).unwrap(), None).is_err());
        });
    }

    include!("float/format_cases.rs");

    #[test]
    fn formats_match_cpython_on_many_values() {
        with_vm(|| {
            for &(bits, r, e3, g10, g, f2) in CASES {
                let x = f64::from_bits(bits);
                assert_eq!(fmt(x, 'r', None, false), r, "repr {:e}", x);
                assert_eq!(fmt(x, 'e', Some(3), false), e3, "%.3e {:e}", x);
                assert_eq!(fmt(x, 'g', Some(10), false), g10, "%.10g {:e}", x);
                assert_eq!(fmt(x, 'g', None, false), g, "%g {:e}", x);
                if !f2.is_empty() {
                    assert_eq!(fmt(x, 'f', Some(2), false), f2, "%.2f {:e}", x);
                }
                let back = parse(r);
                assert_eq!(back.map(f64::to_bits), Some(bits), "parse {}", r);
            }
        });
    }
}
