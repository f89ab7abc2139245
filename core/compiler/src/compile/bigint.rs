//! Arbitrary-precision integers for constant folding (the compiler must fold `1 << 100` and
//! friends as upstream's parser does with its mpz): owned digit vectors over the arithmetic
//! of [`crate::mpz`], the one the runtime's `int` uses, so the firmware carries one big-int
//! implementation. Python's semantics come with it (floor `//`, `%` and `>>`, bitwise
//! operators on two's complement). Every operation gives `None` when it fails or would pass
//! [`MAX_BITS`]; the fold is then left to run time.

use crate::ast::BinOp;
use crate::mpz::{self, Int, Written};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BigInt {
    neg: bool,
    /// Little-endian 32-bit digits, no high zero digits; zero is empty.
    mag: Vec<u32>,
}

/// Folding gives up beyond this many bits (upstream would carry on; we keep the code).
const MAX_BITS: u64 = 1 << 16;

/// The value an mpz operation wrote at the start of `mag` (`None` when it failed).
fn finish(mut mag: Vec<u32>, w: mpz::Result<Written>) -> Option<BigInt> {
    let w = w.ok()?;
    mag.truncate(w.len);
    Some(BigInt { neg: w.neg, mag })
}

impl BigInt {
    fn int(&self) -> Int<'_> {
        Int {
            neg: self.neg,
            mag: &self.mag,
        }
    }

    fn len(&self) -> usize {
        self.mag.len()
    }

    #[cfg(test)]
    pub fn zero() -> BigInt {
        BigInt::from_i64(0)
    }

    pub fn from_i64(v: i64) -> BigInt {
        let mut buf = [0; 2];
        let i = mpz::from_i64(v, &mut buf);
        BigInt {
            neg: i.neg,
            mag: i.mag.to_vec(),
        }
    }

    pub fn bit_len(&self) -> usize {
        mpz::bit_length(self.int()) as usize
    }

    pub fn is_zero(&self) -> bool {
        self.mag.is_empty()
    }

    pub fn is_neg(&self) -> bool {
        self.neg
    }

    pub fn to_i64(&self) -> Option<i64> {
        mpz::to_i64(self.int())
    }

    /// Decimal digits with an optional `-`.
    pub fn parse(s: &str) -> Option<BigInt> {
        let (neg, digits) = match s.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, s),
        };
        let d = digits.as_bytes();
        if d.len() > 20_000 || !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut mag = vec![0u32; mpz::from_str_len(d.len(), 10)];
        let w = mpz::from_str(d, neg, 10, &mut mag);
        finish(mag, w)
    }

    pub fn to_decimal(&self) -> Option<String> {
        let mut out = vec![0u8; mpz::to_str_len(self.len(), 10)];
        let mut scratch = vec![0u32; mpz::to_str_scratch_len(self.len())];
        let n = mpz::to_str(self.int(), 10, &mut out, &mut scratch).ok()?;
        out.truncate(n);
        String::from_utf8(out).ok()
    }

    /// Summed digit by digit from the top, as this compiler always folded (not correctly
    /// rounded beyond 2**53, unlike `float(int)` at run time).
    #[cfg(not(feature = "float32"))]
    pub fn to_f64(&self) -> f64 {
        let mut f = 0.0f64;
        for &l in self.mag.iter().rev() {
            f = f * 4294967296.0 + f64::from(l);
        }
        if self.neg {
            -f
        } else {
            f
        }
    }

    /// The value rounded once to single precision from its top bits (no double arithmetic).
    #[cfg(feature = "float32")]
    pub fn to_f32(&self) -> f32 {
        let n = self.bit_len();
        let r = if n <= 63 {
            mpz::top_bits(&self.mag, 0) as f32
        } else {
            // The top 62 bits with a sticky bit for the rest round as the whole value would.
            let shift = n - 62;
            libm::scalbnf(
                mpz::top_bits(&self.mag, shift as u64) as f32,
                shift.min(400) as i32,
            )
        };
        if self.neg {
            -r
        } else {
            r
        }
    }

    pub fn neg(&self) -> BigInt {
        BigInt {
            neg: !self.neg && !self.is_zero(),
            mag: self.mag.clone(),
        }
    }

    /// `self op o` for the integer operators but `/` and `@` (`None` for those, on
    /// division by zero, a negative shift or exponent, and past [`MAX_BITS`]). One body
    /// for every operation: sizes first, then the one mpz call (flash on small targets).
    pub fn binop(&self, op: BinOp, o: &BigInt) -> Option<BigInt> {
        let (a, b) = (self.int(), o.int());
        let (la, lb) = (self.len(), o.len());
        // The exponent, and the shift (a huge right shift leaves 0 or -1 as one by half the
        // address space does).
        let e = o.to_i64().and_then(|v| u64::try_from(v).ok());
        let sh = match e.and_then(|v| usize::try_from(v).ok()) {
            None if !o.neg && op == BinOp::RShift => Some(usize::MAX / 2),
            sh => sh,
        };
        let n = if op == BinOp::Pow {
            e
        } else {
            sh.map(|v| v as u64)
        };
        let bits = self.bit_len() as u64;
        let (len, scratch) = match op {
            BinOp::Add | BinOp::Sub => (mpz::add_len(la, lb), 0),
            BinOp::Mul => {
                if bits + o.bit_len() as u64 > MAX_BITS {
                    return None;
                }
                (mpz::mul_len(la, lb), mpz::mul_scratch_len(la, lb))
            }
            BinOp::FloorDiv => (mpz::divmod_quo_len(la, lb), mpz::divmod_scratch_len(la, lb)),
            BinOp::Mod => (mpz::divmod_rem_len(la, lb), mpz::modulo_scratch_len(la, lb)),
            BinOp::And | BinOp::Or | BinOp::Xor => (mpz::bitwise_len(la, lb), 0),
            BinOp::LShift => {
                if bits.saturating_add(n?) > MAX_BITS {
                    return None;
                }
                (mpz::shl_len(la, n?)?, 0)
            }
            BinOp::RShift => (mpz::shr_len(la, n?), 0),
            BinOp::Pow => {
                let tiny = la <= 1 && self.mag.first().is_none_or(|&d| d == 1);
                if !tiny && bits.saturating_mul(n?) > MAX_BITS + 64 {
                    return None;
                }
                let len = mpz::pow_len(a, n?)?;
                (len, mpz::pow_scratch_len(la, len))
            }
            BinOp::TrueDiv | BinOp::MatMul => return None,
        };
        let mut mag = vec![0u32; len];
        let tmp = &mut vec![0u32; scratch];
        let n = n.unwrap_or(0);
        let out = &mut mag;
        let w = match op {
            BinOp::Add => mpz::add(a, b, out),
            BinOp::Sub => mpz::sub(a, b, out),
            BinOp::Mul => mpz::mul(a, b, out, tmp),
            BinOp::FloorDiv => mpz::floordiv(a, b, out, tmp),
            BinOp::Mod => mpz::modulo(a, b, out, tmp),
            BinOp::And => mpz::bitwise(a, b, out, 0),
            BinOp::Or => mpz::bitwise(a, b, out, 1),
            BinOp::Xor => mpz::bitwise(a, b, out, 2),
            BinOp::LShift => mpz::shl(a, n, out),
            BinOp::RShift => mpz::shr(a, n, out),
            _ => mpz::pow(a, n, out, tmp),
        };
        finish(mag, w)
    }

    pub fn invert(&self) -> Option<BigInt> {
        let mut mag = vec![0u32; mpz::invert_len(self.len())];
        let w = mpz::invert(self.int(), &mut mag);
        finish(mag, w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> BigInt {
        BigInt::parse(s).unwrap_or_else(BigInt::zero)
    }

    fn dec(x: Option<BigInt>) -> String {
        x.and_then(|x| x.to_decimal()).unwrap_or_default()
    }

    fn op(x: &str, op: BinOp, y: &str) -> Option<i64> {
        b(x).binop(op, &b(y)).and_then(|r| r.to_i64())
    }

    #[test]
    fn arithmetic() {
        let x = b("1267650600228229401496703205376"); // 2**100
        assert_eq!(b("2").binop(BinOp::Pow, &b("100")), Some(x.clone()));
        assert_eq!(b("1").binop(BinOp::LShift, &b("100")), Some(x.clone()));
        assert_eq!(
            dec(x.binop(BinOp::Sub, &b("1"))),
            "1267650600228229401496703205375"
        );
        assert_eq!(
            dec(x.binop(BinOp::Add, &b("-1"))),
            "1267650600228229401496703205375"
        );
        assert_eq!(dec(Some(x.neg())), "-1267650600228229401496703205376");
        assert_eq!(op("-7", BinOp::FloorDiv, "2"), Some(-4));
        assert_eq!(op("-7", BinOp::Mod, "2"), Some(1));
        assert_eq!(op("-7", BinOp::Mul, "3"), Some(-21));
        assert_eq!(b("7").binop(BinOp::FloorDiv, &b("0")), None);
        assert_eq!(b("7").binop(BinOp::Mod, &b("0")), None);
        assert_eq!(
            dec(x.binop(BinOp::FloorDiv, &b("-3"))),
            "-422550200076076467165567735126"
        );
        assert_eq!(dec(x.binop(BinOp::Mod, &b("-3"))), "-2");
        assert_eq!(op("-5", BinOp::RShift, "1"), Some(-3));
        assert_eq!(op("-5", BinOp::RShift, "99999999999999999999999"), Some(-1));
        assert_eq!(op("5", BinOp::RShift, "99999999999999999999999"), Some(0));
        assert_eq!(op("5", BinOp::RShift, "-1"), None);
        assert_eq!(op("5", BinOp::LShift, "-1"), None);
        assert_eq!(op("5", BinOp::Pow, "-1"), None);
        assert_eq!(op("5", BinOp::TrueDiv, "1"), None);
        assert_eq!(dec(b("-1").binop(BinOp::And, &x)), dec(Some(x.clone())));
        assert_eq!(op("-1", BinOp::Xor, "5"), Some(-6));
        assert_eq!(op("12", BinOp::Or, "10"), Some(14));
        assert_eq!(b("5").invert().and_then(|r| r.to_i64()), Some(-6));
        assert_eq!(b("-9223372036854775808").to_i64(), Some(i64::MIN));
        assert_eq!(b("9223372036854775808").to_i64(), None);
        assert_eq!(b("0").neg(), BigInt::zero());
        assert_eq!(dec(Some(BigInt::zero())), "0");
        #[cfg(not(feature = "float32"))]
        assert_eq!(x.to_f64(), 2f64.powi(100));
        #[cfg(feature = "float32")]
        assert_eq!(x.to_f32(), 2f32.powi(100));
        assert_eq!(BigInt::parse("12a"), None);
        assert_eq!(BigInt::parse("-"), None);
    }

    #[test]
    fn folding_stops_at_the_size_limit() {
        let two = BigInt::from_i64(2);
        let pow = |x: &BigInt, e: i64| x.binop(BinOp::Pow, &BigInt::from_i64(e));
        assert!(pow(&two, 32_000).is_some());
        assert_eq!(pow(&two, 40_000), None);
        assert_eq!(
            pow(&BigInt::from_i64(-1), 1 << 40),
            Some(BigInt::from_i64(1))
        );
        assert_eq!(pow(&BigInt::zero(), 1 << 40), Some(BigInt::zero()));
        assert_eq!(two.binop(BinOp::LShift, &BigInt::from_i64(70_000)), None);
        let big = BigInt::from_i64(1).binop(BinOp::LShift, &BigInt::from_i64(40_000));
        assert!(big
            .as_ref()
            .is_some_and(|b| b.binop(BinOp::Mul, b).is_none()));
    }
}
