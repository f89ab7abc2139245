//! MicroPython's float `repr` digit for digit (py/formatfloat.c, "exact" implementation as
//! built on x86-64 hosts, with py/parsenum.c's parser for its round-trip check). Upstream
//! computes decimal mantissas in x87 80-bit `long double`; `Ext` emulates that format
//! (64-bit mantissa, round to nearest even) so that the printed digits match, including
//! upstream's non-shortest outputs such as `99.90000000000001`.

use alloc::string::String;

/// An x87 extended-precision value: `man * 2^exp`, `man` normalised (top bit set) or zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ext {
    man: u64,
    exp: i32,
}

/// Rounds a wide significand to 64 bits, nearest even; `sticky` marks lost nonzero bits
/// below `q`.
fn round_wide(q: u128, base_exp: i32, sticky: bool) -> Ext {
    if q == 0 {
        return Ext { man: 0, exp: 0 };
    }
    let n = 128 - q.leading_zeros() as i32;
    if n <= 64 {
        let sh = 64 - n;
        return Ext {
            man: (q << sh) as u64,
            exp: base_exp - sh,
        };
    }
    let sh = (n - 64) as u32;
    let mut m = (q >> sh) as u64;
    let rem = q & ((1u128 << sh) - 1);
    let half = 1u128 << (sh - 1);
    let mut exp = base_exp + sh as i32;
    if rem > half || (rem == half && (sticky || m & 1 == 1)) {
        let (m2, carry) = m.overflowing_add(1);
        m = m2;
        if carry {
            m = 1 << 63;
            exp += 1;
        }
    }
    Ext { man: m, exp }
}

impl Ext {
    const ZERO: Ext = Ext { man: 0, exp: 0 };

    fn from_u64(v: u64) -> Ext {
        round_wide(u128::from(v), 0, false)
    }

    /// Exact conversion of a finite, non-negative double.
    fn from_f64(f: f64) -> Ext {
        let bits = f.to_bits();
        let e = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1 << 52) - 1);
        if e == 0 {
            round_wide(u128::from(frac), -1074, false)
        } else {
            round_wide(u128::from(frac | 1 << 52), e - 1075, false)
        }
    }

    fn mul(self, o: Ext) -> Ext {
        if self.man == 0 || o.man == 0 {
            return Ext::ZERO;
        }
        round_wide(
            u128::from(self.man) * u128::from(o.man),
            self.exp + o.exp,
            false,
        )
    }

    fn div(self, o: Ext) -> Ext {
        if self.man == 0 || o.man == 0 {
            return Ext::ZERO;
        }
        let num = u128::from(self.man) << 64;
        let d = u128::from(o.man);
        round_wide(num / d, self.exp - o.exp - 64, num % d != 0)
    }

    /// Sum of two non-negative values.
    fn add(self, o: Ext) -> Ext {
        if self.man == 0 {
            return o;
        }
        if o.man == 0 {
            return self;
        }
        let (big, small) = if self.exp >= o.exp {
            (self, o)
        } else {
            (o, self)
        };
        let d = (big.exp - small.exp) as u32;
        let a = u128::from(big.man) << 62;
        let (b, sticky) = if d >= 126 {
            (0, true)
        } else {
            let full = u128::from(small.man) << 62;
            (full >> d, full & ((1u128 << d) - 1) != 0)
        };
        round_wide(a + b, big.exp - 62, sticky)
    }

    /// Truncation toward zero, as a C cast to an unsigned integer.
    fn to_u64(self) -> u64 {
        if self.man == 0 {
            0
        } else if self.exp >= 0 {
            self.man.checked_shl(self.exp as u32).unwrap_or(u64::MAX)
        } else if self.exp <= -64 {
            0
        } else {
            self.man >> (-self.exp) as u32
        }
    }

    /// Rounds to a double, nearest even (subnormals and overflow included).
    fn to_f64(self) -> f64 {
        if self.man == 0 {
            return 0.0;
        }
        let lead = self.exp + 63;
        let mut biased = lead + 1023;
        let shift: i32 = if biased >= 1 { 11 } else { 12 - biased };
        if shift > 65 {
            return 0.0;
        }
        let (mut m, rem, half) = if shift >= 64 {
            (0u64, u128::from(self.man), 1u128 << (shift - 1))
        } else {
            let s = shift as u32;
            (
                self.man >> s,
                u128::from(self.man & ((1u64 << s) - 1)),
                1u128 << (s - 1),
            )
        };
        if rem > half || (rem == half && m & 1 == 1) {
            m += 1;
        }
        if biased >= 1 {
            if m == 1 << 53 {
                m >>= 1;
                biased += 1;
            }
            if biased >= 2047 {
                return f64::INFINITY;
            }
            f64::from_bits((biased as u64) << 52 | (m & ((1 << 52) - 1)))
        } else {
            f64::from_bits(m)
        }
    }
}

/// `num * 10^dec_exp` by repeated squaring in extended precision (`mp_decimal_exp`).
fn decimal_exp(num: Ext, dec_exp: i32) -> Ext {
    if dec_exp == 0 || num.man == 0 {
        return num;
    }
    let neg = dec_exp < 0;
    let mut n = dec_exp.unsigned_abs();
    let mut res = num;
    let mut expo = Ext::from_u64(10);
    while n != 0 {
        if n & 1 == 1 {
            res = if neg { res.div(expo) } else { res.mul(expo) };
        }
        n >>= 1;
        if n != 0 {
            expo = expo.mul(expo);
        }
    }
    res
}

/// `mantissa * 10^exp10` to within a few units in the last place, and whether that is
/// certainly the correctly rounded double: for the runtime's parser (`objs/float/codec.rs`
/// in upy-runtime), which checks the uncertain ones exactly.
pub fn scale10(mantissa: u64, exp10: i32) -> (f64, bool) {
    let x = decimal_exp(Ext::from_u64(mantissa), exp10);
    let f = x.to_f64();
    // A normal double keeps the top 53 of the 64 bits; the 11 below decide the rounding.
    // The squarings and products err by fewer than 64 units of the last of the 64 bits (and
    // a mantissa cut to 19 digits by under 19 more), so only results this near halfway are
    // in doubt.
    let low = (x.man & 0x7ff) as i64;
    let certain = f.is_normal() && (low - 0x400).abs() > 128;
    (f, certain)
}

/// Upstream's decimal reader (`mp_parse_float_internal`) on an unsigned number, up to the
/// scaling: the digits kept in a mantissa below `max` (a tenth of the integer type's range)
/// and the power of ten to apply. Later digits only count for the exponent.
fn scan(text: &str, max: u64) -> Option<(u64, i32)> {
    #[derive(PartialEq)]
    enum In {
        Intg,
        Frac,
        Exp,
    }
    let b = text.as_bytes();
    let mut i = 0;
    let mut state = In::Intg;
    let mut exp_neg = false;
    let mut mantissa: u64 = 0;
    let mut exp_val: i32 = 0;
    let mut exp_extra: i32 = 0;
    let (mut tz_intg, mut tz_frac) = (0i32, 0i32);
    let accept = |m: u64, dig: u64, extra: &mut i32, st_frac: bool| -> u64 {
        if m < max {
            if st_frac {
                *extra -= 1;
            }
            10 * m + dig
        } else {
            if !st_frac {
                *extra += 1;
            }
            m
        }
    };
    while i < b.len() {
        let c = b[i];
        i += 1;
        if c.is_ascii_digit() {
            let dig = u64::from(c - b'0');
            if state == In::Exp {
                if exp_val < (i32::MAX / 2 - 9) / 10 {
                    exp_val = 10 * exp_val + dig as i32;
                }
            } else if dig == 0 || mantissa >= max {
                if state == In::Intg {
                    tz_intg += 1;
                } else {
                    tz_frac += 1;
                }
            } else {
                while tz_intg > 0 {
                    mantissa = accept(mantissa, 0, &mut exp_extra, false);
                    tz_intg -= 1;
                }
                while tz_frac > 0 {
                    mantissa = accept(mantissa, 0, &mut exp_extra, true);
                    tz_frac -= 1;
                }
                mantissa = accept(mantissa, dig, &mut exp_extra, state == In::Frac);
            }
        } else if state == In::Intg && c == b'.' {
            state = In::Frac;
        } else if state != In::Exp && (c | 0x20) == b'e' {
            state = In::Exp;
            match b.get(i) {
                Some(b'+') => i += 1,
                Some(b'-') => {
                    i += 1;
                    exp_neg = true;
                }
                _ => {}
            }
            if i == b.len() {
                return None;
            }
        } else if c == b'_' {
            continue;
        } else {
            return None;
        }
    }
    if exp_neg {
        exp_val = -exp_val;
    }
    Some((mantissa, exp_val + exp_extra + tz_intg))
}

/// Upstream's double-precision decimal reader on an unsigned number (64-bit mantissa,
/// extended-precision scaling).
pub fn parse64(text: &str) -> Option<f64> {
    let (m, e) = scan(text, 0x1999_9999_9999_9998)?;
    Some(decimal_exp(Ext::from_u64(m), e).to_f64())
}

/// `num * 10^dec_exp` as upstream's single-precision boards compute it: the power of two
/// goes straight into the exponent field (modulo its 8 bits), then libm's `powf(5, n)`
/// multiplies (or, for n down to -10, where 5^-n is exact, divides).
pub fn scale10_f32(num: f32, dec_exp: i32) -> f32 {
    if dec_exp == 0 || num == 0.0 {
        return num;
    }
    let bits = num.to_bits();
    let field = (((bits >> 23) as i32 & 0xff).wrapping_add(dec_exp) & 0xff) as u32;
    let x = f32::from_bits((bits & !(0xff << 23)) | field << 23);
    if (-10..0).contains(&dec_exp) {
        x / libm::powf(5.0, -dec_exp as f32)
    } else {
        x * libm::powf(5.0, dec_exp as f32)
    }
}

/// Upstream's single-precision decimal reader on an unsigned number (32-bit mantissa,
/// [`scale10_f32`]); not always correctly rounded, as there.
pub fn parse32(text: &str) -> Option<f32> {
    let (m, e) = scan(text, 0x1999_9998)?;
    Some(scale10_f32(m as f32, e))
}

/// Python's floor division and modulo in single precision, as upstream's float32 boards
/// compute them (`mp_obj_float_divmod`): the remainder is exact, the quotient is
/// `(x - r) / y` made integral. For the compiler's folding and upy-runtime's `float32`.
pub fn divmod32(x: f32, y: f32) -> (f32, f32) {
    let mut r = libm::fmodf(x, y);
    let mut q = (x - r) / y;
    if r == 0.0 {
        r = libm::copysignf(0.0, y);
    } else if (r < 0.0) != (y < 0.0) {
        r += y;
        q -= 1.0;
    }
    if q == 0.0 {
        return (libm::copysignf(0.0, x / y), r);
    }
    let whole = libm::floorf(q);
    (if q - whole > 0.5 { whole + 1.0 } else { whole }, r)
}

/// Upstream's decimal reader for the build's float precision (`float32`: single, read
/// as upstream's float32 boards and widened), for literals and `.mpy` constants.
#[cfg(not(feature = "float32"))]
pub fn parse(text: &str) -> Option<f64> {
    parse64(text)
}

/// Upstream's decimal reader for the build's float precision (`float32`: single, read
/// as upstream's float32 boards and widened), for literals and `.mpy` constants.
#[cfg(feature = "float32")]
pub fn parse(text: &str) -> Option<f64> {
    parse32(text).map(f64::from)
}

const MAX_MANTISSA_DIGITS: i32 = 19;
const SAFE_MANTISSA_DIGITS: i32 = 16;

/// `mp_format_mantissa` for 'g' formatting.
fn format_mantissa(
    mut mantissa: u64,
    mantissa_cap: u64,
    mut num_digits: i32,
    max_exp_zeros: i32,
    mut trailing_zeros: i32,
    mut dec: i32,
    mut e: i32,
) -> String {
    let mut out: alloc::vec::Vec<u8> = alloc::vec::Vec::new();
    if mantissa != 0 && mantissa >= mantissa_cap {
        mantissa /= 10;
        e += 1;
    }
    if e != 0 {
        if e >= 0 {
            if e < max_exp_zeros {
                dec += e;
                if dec >= num_digits {
                    trailing_zeros = dec - (num_digits - 1);
                }
                e = 0;
            }
        } else if e >= -4 {
            let mut cnt = 0;
            while e < 0 && mantissa.is_multiple_of(10) {
                mantissa /= 10;
                cnt += 1;
                e += 1;
            }
            num_digits -= cnt;
            out.extend_from_slice(b"0.");
            out.resize(out.len() + (cnt - e - 1).max(0) as usize, b'0');
            dec = 255;
            e = 0;
        }
    }
    let start = out.len();
    let nd = num_digits.max(0) as usize;
    let with_dot = dec + 1 < num_digits;
    out.resize(start + nd + usize::from(with_dot), b'0');
    let mut m = mantissa;
    for digit in (0..num_digits).rev() {
        let ofs = if digit > dec { digit + 1 } else { digit };
        if let Some(slot) = out.get_mut(start + ofs as usize) {
            *slot = b'0' + (m % 10) as u8;
        }
        m /= 10;
    }
    let mut dot = dec >= 255;
    if with_dot {
        dot = true;
        if let Some(slot) = out.get_mut(start + dec as usize + 1) {
            *slot = b'.';
        }
    }
    if trailing_zeros > 0 {
        let mut d = dec - (num_digits - 1);
        while trailing_zeros > 0 {
            trailing_zeros -= 1;
            if d == 0 {
                out.push(b'.');
                dot = true;
            }
            d -= 1;
            out.push(b'0');
        }
    }
    if dot {
        while out.last() == Some(&b'0') {
            out.pop();
        }
        if out.last() == Some(&b'.') {
            out.pop();
        }
    }
    if e != 0 {
        out.push(b'e');
        if e >= 0 {
            out.push(b'+');
        } else {
            out.push(b'-');
            e = -e;
        }
        if e >= 100 {
            out.push(b'0' + (e / 100) as u8);
        }
        out.push(b'0' + ((e / 10) % 10) as u8);
        out.push(b'0' + (e % 10) as u8);
    }
    String::from_utf8(out).unwrap_or_default()
}

/// MicroPython's `repr` of a float; `always_decimal` adds `.0` to integral values (float
/// repr) and is off for the parts of a complex number.
pub fn repr(f_entry: f64, always_decimal: bool) -> String {
    let mut out = String::new();
    let mut f = f_entry;
    if f.is_sign_negative() && !f.is_nan() {
        f = -f;
        out.push('-');
    }
    if f.is_infinite() {
        out.push_str("inf");
        return out;
    }
    if f.is_nan() {
        out.push_str("nan");
        return out;
    }
    let mut e: i32 = 0;
    if f != 0.0 {
        let expval = ((f.to_bits() >> 52) & 0x7ff) as i32 - 1023;
        // Upstream writes 0.3010299956639812, the same double as LOG10_2.
        e = (f64::from(expval) * core::f64::consts::LOG10_2) as i32;
        let positive = f >= 1.0;
        let p = i32::from(positive);
        let mut u_base = decimal_exp(Ext::from_u64(1), e + p).to_f64();
        let mut guard = 0;
        while (f >= u_base) == positive && guard < 700 {
            e += if positive { 1 } else { -1 };
            u_base = decimal_exp(Ext::from_u64(1), e + p).to_f64();
            guard += 1;
        }
    }
    let max_digits = MAX_MANTISSA_DIGITS;
    let mut num_digits = SAFE_MANTISSA_DIGITS;
    let text = loop {
        let extra_zeros = max_digits - num_digits;
        let decexp = if f == 0.0 { 0 } else { num_digits - e - 1 };
        let mut cap: u64 = 10;
        for _ in 1..num_digits {
            cap = cap.saturating_mul(10);
        }
        let mf = decimal_exp(Ext::from_f64(f), decexp);
        let mantissa = mf.add(Ext::from_f64(0.5)).to_u64();
        let s = format_mantissa(mantissa, cap, num_digits, 16, extra_zeros, 0, e);
        if num_digits < max_digits && parse64(&s) != Some(f) {
            num_digits += 1;
            continue;
        }
        break s;
    };
    out.push_str(&text);
    if always_decimal && !out.contains('.') && !out.contains('e') && !out.contains('n') {
        out.push_str(".0");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extended_arithmetic() {
        assert_eq!(Ext::from_u64(3).mul(Ext::from_u64(7)).to_u64(), 21);
        assert_eq!(Ext::from_u64(1).div(Ext::from_u64(4)).to_f64(), 0.25);
        assert_eq!(Ext::from_f64(1.5).add(Ext::from_f64(0.5)).to_f64(), 2.0);
        assert_eq!(Ext::from_f64(5e-324).to_f64(), 5e-324);
        assert_eq!(Ext::from_f64(1.7976931348623157e308).to_f64(), f64::MAX);
    }

    #[test]
    fn parses_like_upstream() {
        for t in [
            "1.5",
            "0.1",
            "1e-20",
            "99.9",
            "123456789.125",
            "5e-324",
            "1e308",
        ] {
            assert_eq!(parse64(t), t.parse::<f64>().ok(), "{t}");
        }
    }

    #[test]
    fn single_precision_as_upstream_boards() {
        assert_eq!(divmod32(7.5, 2.0), (3.0, 1.5));
        assert_eq!(divmod32(-7.5, 2.0), (-4.0, 0.5));
        assert_eq!(divmod32(7.5, -2.0), (-4.0, -0.5));
        let (q, r) = divmod32(-0.0, 1.0);
        assert!(q == 0.0 && q.is_sign_negative() && r == 0.0);
        // 3.0 on the boards too (CPython, in double precision: 2.0).
        assert_eq!(divmod32(0.3, 0.1).0, 3.0);
        // Upstream's reader: exponent into the bits, then powf(5, n); not always nearest.
        assert_eq!(parse32("0.1"), Some(0.1));
        // Read right, though the boards print this subnormal as 1.08773684e-38.
        assert_eq!(parse32("1e-38").map(f32::to_bits), Some(0x006c_e3ee));
        assert_eq!(scale10_f32(3.0, 2), 300.0);
        assert_eq!(parse(".5"), Some(0.5));
    }

    #[test]
    #[allow(clippy::approx_constant)]
    fn repr_matches_upstream() {
        assert_eq!(core::f64::consts::LOG10_2, 0.3010299956639812);
        let cases: [(f64, &str); 17] = [
            (1.5, "1.5"),
            (0.1, "0.1"),
            (1e100, "1e+100"),
            (1e-7, "1e-07"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (1.0, "1.0"),
            (3.14159265358979, "3.14159265358979"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-0.0, "-0.0"),
            (1e22, "1e+22"),
            (5e-324, "4.940656458412465e-324"),
            (1e-20, "1e-20"),
            (99.9, "99.90000000000001"),
            (8.888e32, "8.888000000000001e+32"),
        ];
        for (f, want) in cases {
            assert_eq!(repr(f, true), want, "{f:e}");
        }
        assert_eq!(repr(2.0, false), "2");
        assert_eq!(repr(f64::NAN, true), "nan");
        assert_eq!(repr(f64::NEG_INFINITY, true), "-inf");
    }
}
