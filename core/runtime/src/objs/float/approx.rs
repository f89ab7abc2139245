//! Single-precision float text (feature `float32`) with the results of upstream's float32
//! boards (`MICROPY_FLOAT_FORMAT_IMPL_APPROX`): digits come from a decimal mantissa computed
//! in single precision, checked by reading the text back with the board's own decimal
//! reader ([`upy_compiler::mpy::float::parse32`]) and nudged until it reads back exactly.
//! Upstream prints no digit beyond the ninth (zeros follow), and may print a non-shortest
//! or not correctly rounded form where its single-precision arithmetic is off; so do we,
//! digit for digit. No big integers and no doubles: a few hundred bytes of flash.

use upy_compiler::mpy::float::{parse32, scale10_f32};

/// Significant digits a 32-bit decimal mantissa holds at most.
const MAX_DIGITS: i32 = 9;
/// Digits tried first: every float32 is told apart by 9, most by 6.
const FIRST_DIGITS: i32 = 6;

/// Formatted text on the stack: upstream formats into a buffer of 33 bytes at most.
pub struct Text {
    buf: [u8; 48],
    len: usize,
}

impl Text {
    fn new() -> Text {
        Text {
            buf: [0; 48],
            len: 0,
        }
    }

    fn push(&mut self, c: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = c;
            self.len += 1;
        }
    }

    fn last(&self) -> Option<u8> {
        self.len
            .checked_sub(1)
            .and_then(|i| self.buf.get(i))
            .copied()
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

/// How the digits are laid out: `%e`, `%f` or `%g` (repr is `%g` with its own limits).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Exp,
    Fixed,
    General,
}

/// Where a decimal mantissa goes in the text (upstream's layout parameters).
#[derive(Clone, Copy)]
struct Layout {
    mode: Mode,
    upper: bool,
    /// Digits the mantissa should have.
    digits: i32,
    /// The digit after which the point goes (counting from 0); 255 when a `0.000` prefix
    /// already holds it.
    point: i32,
    /// Decimal exponent of the first digit.
    exp: i32,
    /// Zeros to append after the digits.
    zeros: i32,
    /// `%g` writes exponents below this out as zeros.
    max_exp_zeros: i32,
}

fn push_point_zeros(t: &mut Text, n: i32) {
    t.push(b'0');
    t.push(b'.');
    for _ in 0..n.max(0) {
        t.push(b'0');
    }
}

/// Writes mantissa `m` laid out by `l` after the first `keep` bytes of `t`.
fn lay_out(t: &mut Text, keep: usize, mut m: u32, l: Layout) {
    t.len = keep;
    let Layout {
        mode,
        mut digits,
        mut point,
        mut exp,
        mut zeros,
        ..
    } = l;
    // Rounding may have carried into one more digit.
    if m != 0 && m >= 10u32.saturating_pow(digits as u32) {
        if mode == Mode::Fixed {
            digits += 1;
            point += 1;
        } else {
            m /= 10;
            exp += 1;
        }
    }
    if mode == Mode::General && exp > 0 && exp < l.max_exp_zeros {
        point += exp;
        if point >= digits {
            zeros = point - (digits - 1);
        }
        exp = 0;
    } else if mode == Mode::General && (-4..0).contains(&exp) {
        // Small negative exponents become leading zeros (trailing zeros of the mantissa
        // go first, they would be dropped anyway).
        let mut cut = 0;
        while exp < 0 && m.is_multiple_of(10) {
            m /= 10;
            cut += 1;
            exp += 1;
        }
        digits -= cut;
        push_point_zeros(t, cut - exp - 1);
        point = 255;
        exp = 0;
    }
    let mut text = [0u8; MAX_DIGITS as usize + 2];
    let n = digits.clamp(0, MAX_DIGITS + 1) as usize;
    for slot in text.iter_mut().take(n).rev() {
        *slot = b'0' + (m % 10) as u8;
        m /= 10;
    }
    let mut has_point = point >= 255;
    for (i, &c) in text.iter().take(n).enumerate() {
        t.push(c);
        if i as i32 == point && point + 1 < digits {
            t.push(b'.');
            has_point = true;
        }
    }
    if zeros > 0 {
        let mut left = point - (digits - 1);
        for _ in 0..zeros {
            if left == 0 {
                t.push(b'.');
                has_point = true;
            }
            left -= 1;
            t.push(b'0');
        }
    }
    if mode == Mode::General && has_point {
        while t.len > keep && t.last() == Some(b'0') {
            t.len -= 1;
        }
        if t.last() == Some(b'.') {
            t.len -= 1;
        }
    }
    if (exp != 0 || mode == Mode::Exp) && mode != Mode::Fixed {
        t.push(if l.upper { b'E' } else { b'e' });
        t.push(if exp < 0 { b'-' } else { b'+' });
        let a = exp.unsigned_abs();
        if a >= 100 {
            t.push(b'0' + (a / 100 % 10) as u8);
        }
        t.push(b'0' + (a / 10 % 10) as u8);
        t.push(b'0' + (a % 10) as u8);
    }
}

/// How far the text reads back from `f`, in single precision (exactly zero: it is `f`).
fn read_back_error(t: &Text, f: f32) -> f32 {
    let s = core::str::from_utf8(t.as_bytes()).unwrap_or("");
    parse32(s).unwrap_or(f32::NAN) - f
}

/// The decimal exponent of finite `f > 0` (`10^e <= f < 10^(e+1)` as single precision
/// sees it).
fn decimal_exponent(f: f32) -> i32 {
    let bits = f.to_bits();
    let binary = ((bits >> 23) & 0xff) as i32 - 127;
    let mut e = (binary as f32 * core::f32::consts::LOG10_2) as i32;
    let above_one = bits >= 0x3f80_0000;
    let up = i32::from(above_one);
    while (f >= scale10_f32(1.0, e + up)) == above_one {
        e += if above_one { 1 } else { -1 };
    }
    e
}

/// The text of finite `f >= 0` in format `fmt` (`e`, `f`, `g`, upper case for capitals, `r`
/// for repr's 9-digit `%g`), `prec` digits (`None`: 6), in a buffer of `room` bytes as
/// upstream (33, one less after a sign).
pub fn format(f: f32, fmt: char, prec: Option<usize>, room: i32) -> Text {
    let upper = fmt.is_ascii_uppercase();
    let (mut mode, mut prec, max_exp_zeros) = match fmt.to_ascii_lowercase() {
        'r' => (Mode::General, MAX_DIGITS, 16),
        c => {
            let p = prec.map_or(6, |p| p.min(1000) as i32);
            let mode = match c {
                'f' | '%' => Mode::Fixed,
                'g' => Mode::General,
                _ => Mode::Exp,
            };
            (mode, p, p.min(room - 3))
        }
    };
    let e = if f.to_bits() == 0 {
        0
    } else {
        decimal_exponent(f)
    };
    if mode == Mode::Fixed && e > 0 && e + prec + 2 > room {
        mode = Mode::General;
        prec += 1;
    }
    let mut max_digits = prec;
    let mut lead_zeros = 0;
    if mode == Mode::Fixed {
        max_digits = max_digits.min(room - 3);
        if e < 0 {
            if max_digits > 2 && e < -2 {
                lead_zeros = (-e).min(max_digits) - 2;
                max_digits -= lead_zeros;
            } else {
                max_digits += 1;
            }
        } else {
            max_digits += e + 1;
        }
    } else if mode == Mode::Exp || max_digits == 0 {
        max_digits += 1;
    }
    let mut trail_zeros = (max_digits - MAX_DIGITS).max(0);
    max_digits = max_digits.min(MAX_DIGITS);
    let overhead = if mode == Mode::Fixed { 3 } else { 7 };
    trail_zeros = trail_zeros.min(room - max_digits - overhead);

    let mut t = Text::new();
    let mut digits = FIRST_DIGITS.min(max_digits);
    'digits: loop {
        t.len = 0;
        let mut point = 0;
        let mut scale = digits - e - 1;
        if f.to_bits() == 0 {
            scale = 0;
        } else if mode == Mode::Fixed {
            scale = digits - 1;
            if e < 0 {
                if lead_zeros > 0 {
                    push_point_zeros(&mut t, lead_zeros);
                    scale += lead_zeros + 1;
                    point = 255;
                }
            } else {
                scale -= e;
                point = e;
            }
        }
        let keep = t.len;
        let layout = Layout {
            mode,
            upper,
            digits,
            point,
            exp: e,
            zeros: trail_zeros + (max_digits - digits),
            max_exp_zeros,
        };
        // Past 6 digits single precision loses the last ones: take them from an integer
        // factor instead.
        let mut m: u32 = 1;
        if digits > FIRST_DIGITS && scale > 1 {
            if digits > FIRST_DIGITS + 1 && scale > 2 {
                m = 100;
                scale -= 2;
            } else {
                m = 10;
                scale -= 1;
            }
        }
        m = m.wrapping_mul((scale10_f32(f, scale) + 0.5) as u32);
        lay_out(&mut t, keep, m, layout);
        let mut diff = read_back_error(&t, f);
        if diff.to_bits() == 0 {
            return t;
        }
        // Search around the mantissa, halving the step, for one that reads back exactly;
        // failing that, one more digit, or the closest found.
        let mut step: u32 = 1 << (3 * (digits - FIRST_DIGITS).max(0));
        let (mut best_diff, mut best_m) = (diff, m);
        for _ in 0..3 + 3 * (MAX_DIGITS - FIRST_DIGITS) {
            m = if diff.is_sign_negative() {
                m.wrapping_add(step)
            } else {
                m.wrapping_sub(step)
            };
            lay_out(&mut t, keep, m, layout);
            diff = read_back_error(&t, f);
            if diff.to_bits() == 0 {
                return t;
            }
            let delta = diff.abs() - best_diff.abs();
            if delta.is_sign_negative() || (delta.to_bits() == 0 && m.is_multiple_of(10)) {
                best_diff = diff;
                best_m = m;
            }
            if step > 1 {
                step >>= 1;
            } else {
                if digits < max_digits {
                    digits += 1;
                    continue 'digits;
                }
                if m != best_m {
                    lay_out(&mut t, keep, best_m, layout);
                }
                return t;
            }
        }
        return t;
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::String;

    fn fmt(x: f32, f: char, p: Option<usize>) -> String {
        String::from_utf8(format(x, f, p, 33).as_bytes().to_vec()).unwrap()
    }

    fn lit(s: &str) -> f32 {
        parse32(s).unwrap()
    }

    /// Outputs of MicroPython's float32 mps2-an385 firmware (repr without its `.0`).
    #[test]
    fn formats_as_upstream_float32() {
        assert_eq!(fmt(1.0 / 3.0, 'r', None), "0.33333334");
        assert_eq!(fmt(2.0 / 3.0, 'r', None), "0.6666667");
        let repr: [(&str, &str); 12] = [
            ("0.1", "0.1"),
            ("1e10", "10000000000"),
            ("123456789", "123456790"),
            ("1e16", "1e+16"),
            ("1e15", "1000000000000000"),
            ("3.4e38", "3.4e+38"),
            // Subnormals come out wrong on the boards (scaling through the exponent bits).
            ("1e-38", "1.08773684e-38"),
            ("1e-45", "4.29496618e-44"),
            ("12345.678", "12345.678"),
            ("8.888e32", "8.888e+32"),
            ("0.0001234", "0.0001234"),
            ("0", "0"),
        ];
        for (text, want) in repr {
            assert_eq!(fmt(lit(text), 'r', None), want, "repr {text}");
        }
        let x = 1.0 / 3.0;
        assert_eq!(fmt(x, 'e', None), "3.333333e-01");
        assert_eq!(fmt(x, 'f', Some(10)), "0.3333333400");
        assert_eq!(fmt(x, 'g', None), "0.333333");
        assert_eq!(fmt(lit("2.675"), 'e', Some(2)), "2.67e+00");
        assert_eq!(fmt(lit("123456789"), 'g', None), "1.23457e+08");
        assert_eq!(fmt(lit("123456789"), 'E', Some(6)), "1.234568E+08");
        assert_eq!(fmt(lit("12345.678"), 'g', Some(12)), "12345.678");
        assert_eq!(
            fmt(lit("1e16"), 'f', Some(10)),
            "10000000000000000.0000000000"
        );
        // Too long for upstream's 33-byte buffer: 'f' becomes 'g'.
        assert_eq!(fmt(lit("1e38"), 'f', Some(3)), "1e+38");
        assert_eq!(fmt(lit("1e-45"), 'g', None), "4.96729e-44");
        assert_eq!(fmt(lit("1e-45"), 'e', None), "9.496728e-44");
        assert_eq!(fmt(lit("1e-5"), 'f', Some(10)), "0.0000100000");
        assert_eq!(fmt(0.0, 'e', Some(2)), "0.00e+00");
    }

    #[test]
    fn reads_as_upstream_float32() {
        assert_eq!(lit("0.1"), 0.1);
        assert_eq!(lit("16777217"), 16777216.0);
        assert_eq!(lit("3.4028235e38"), f32::MAX);
        assert_eq!(lit("1e39"), f32::INFINITY);
        assert_eq!(lit("1_000.5"), 1000.5);
        assert!(parse32("1e").is_none());
    }
}
