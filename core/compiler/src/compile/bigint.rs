//! Arbitrary-precision integers for constant folding (the compiler must fold `1 << 100` and
//! friends as upstream's parser does with its mpz): owned digit vectors over the arithmetic
//! of [`crate::mpz`], the one the runtime's `int` uses, so the firmware carries one big-int
//! implementation. Python's semantics come with it (floor `//`, `%` and `>>`, bitwise
//! operators on two's complement). Every operation gives `None` when it fails or would pass
//! [`MAX_BITS`]; the fold is then left to run time.

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

/// One mpz operation given its output and scratch digits.
type Op<'a> = dyn FnMut(&mut [u32], &mut [u32]) -> mpz::Result<Written> + 'a;

/// Runs one mpz operation into a fresh output of `len` digits with `scratch` digits of work
/// space. One non-generic body for every operation (flash on small targets).
fn run(len: usize, scratch: usize, op: &mut Op) -> Option<BigInt> {
    let mut mag = vec![0u32; len];
    let w = op(&mut mag, &mut vec![0u32; scratch]).ok()?;
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
        run(mpz::from_str_len(d.len(), 10), 0, &mut |out, _| {
            mpz::from_str(d, neg, 10, out)
        })
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
    #[cfg_attr(feature = "float32", allow(dead_code))]
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

    pub fn neg(&self) -> BigInt {
        BigInt {
            neg: !self.neg && !self.is_zero(),
            mag: self.mag.clone(),
        }
    }

    pub fn add(&self, o: &BigInt) -> Option<BigInt> {
        let (a, b) = (self.int(), o.int());
        run(mpz::add_len(a.mag.len(), b.mag.len()), 0, &mut |out, _| {
            mpz::add(a, b, out)
        })
    }

    pub fn sub(&self, o: &BigInt) -> Option<BigInt> {
        self.add(&o.neg())
    }

    pub fn mul(&self, o: &BigInt) -> Option<BigInt> {
        let (a, b) = (self.int(), o.int());
        if (self.bit_len() + o.bit_len()) as u64 > MAX_BITS {
            return None;
        }
        let (la, lb) = (a.mag.len(), b.mag.len());
        run(
            mpz::mul_len(la, lb),
            mpz::mul_scratch_len(la, lb),
            &mut |out, tmp| mpz::mul(a, b, out, tmp),
        )
    }

    /// Floor division (`None` on division by zero).
    pub fn floordiv(&self, o: &BigInt) -> Option<BigInt> {
        let (a, b) = (self.int(), o.int());
        let (la, lb) = (a.mag.len(), b.mag.len());
        run(
            mpz::divmod_quo_len(la, lb),
            mpz::divmod_scratch_len(la, lb),
            &mut |out, tmp| mpz::floordiv(a, b, out, tmp),
        )
    }

    /// Python's modulo, with the divisor's sign (`None` on division by zero).
    pub fn modulo(&self, o: &BigInt) -> Option<BigInt> {
        let (a, b) = (self.int(), o.int());
        let (la, lb) = (a.mag.len(), b.mag.len());
        run(
            mpz::divmod_rem_len(la, lb),
            mpz::modulo_scratch_len(la, lb),
            &mut |out, tmp| mpz::modulo(a, b, out, tmp),
        )
    }

    pub fn shl(&self, n: usize) -> Option<BigInt> {
        if (self.bit_len() as u64).saturating_add(n as u64) > MAX_BITS {
            return None;
        }
        let a = self.int();
        run(mpz::shl_len(a.mag.len(), n as u64)?, 0, &mut |out, _| {
            mpz::shl(a, n as u64, out)
        })
    }

    pub fn shr(&self, n: usize) -> Option<BigInt> {
        let a = self.int();
        run(mpz::shr_len(a.mag.len(), n as u64), 0, &mut |out, _| {
            mpz::shr(a, n as u64, out)
        })
    }

    pub fn pow(&self, e: u64) -> Option<BigInt> {
        let a = self.int();
        let tiny = self.len() <= 1 && self.mag.first().is_none_or(|&d| d == 1);
        if !tiny && (self.bit_len() as u64).saturating_mul(e) > MAX_BITS + 64 {
            return None;
        }
        let len = mpz::pow_len(a, e)?;
        run(
            len,
            mpz::pow_scratch_len(a.mag.len(), len),
            &mut |out, tmp| mpz::pow(a, e, out, tmp),
        )
    }

    /// `&`, `|` or `^` (op 0, 1, 2) with Python's infinite two's complement semantics.
    pub fn bitop(&self, o: &BigInt, op: u8) -> Option<BigInt> {
        let (a, b) = (self.int(), o.int());
        run(
            mpz::bitwise_len(a.mag.len(), b.mag.len()),
            0,
            &mut |out, _| mpz::bitwise(a, b, out, op),
        )
    }

    pub fn invert(&self) -> Option<BigInt> {
        let a = self.int();
        run(mpz::invert_len(a.mag.len()), 0, &mut |out, _| {
            mpz::invert(a, out)
        })
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

    #[test]
    fn arithmetic() {
        let x = b("1267650600228229401496703205376"); // 2**100
        assert_eq!(BigInt::from_i64(2).pow(100), Some(x.clone()));
        assert_eq!(BigInt::from_i64(1).shl(100), Some(x.clone()));
        assert_eq!(dec(x.sub(&b("1"))), "1267650600228229401496703205375");
        assert_eq!(dec(Some(x.neg())), "-1267650600228229401496703205376");
        assert_eq!(b("-7").floordiv(&b("2")).and_then(|q| q.to_i64()), Some(-4));
        assert_eq!(b("-7").modulo(&b("2")).and_then(|r| r.to_i64()), Some(1));
        assert_eq!(b("7").floordiv(&b("0")), None);
        assert_eq!(b("7").modulo(&b("0")), None);
        assert_eq!(dec(x.floordiv(&b("-3"))), "-422550200076076467165567735126");
        assert_eq!(dec(x.modulo(&b("-3"))), "-2");
        assert_eq!(b("-5").shr(1).and_then(|r| r.to_i64()), Some(-3));
        assert_eq!(
            b("-5").shr(usize::MAX / 2).and_then(|r| r.to_i64()),
            Some(-1)
        );
        assert_eq!(dec(b("-1").bitop(&x, 0)), dec(Some(x.clone())));
        assert_eq!(b("-1").bitop(&b("5"), 2).and_then(|r| r.to_i64()), Some(-6));
        assert_eq!(
            b("12").bitop(&b("10"), 1).and_then(|r| r.to_i64()),
            Some(14)
        );
        assert_eq!(b("5").invert().and_then(|r| r.to_i64()), Some(-6));
        assert_eq!(b("-9223372036854775808").to_i64(), Some(i64::MIN));
        assert_eq!(b("9223372036854775808").to_i64(), None);
        assert_eq!(b("0").neg(), BigInt::zero());
        assert_eq!(dec(Some(BigInt::zero())), "0");
        assert_eq!(x.to_f64(), 2f64.powi(100));
        assert_eq!(BigInt::parse("12a"), None);
        assert_eq!(BigInt::parse("-"), None);
    }

    #[test]
    fn folding_stops_at_the_size_limit() {
        let two = BigInt::from_i64(2);
        assert!(two.pow(32_000).is_some());
        assert_eq!(two.pow(40_000), None);
        assert_eq!(BigInt::from_i64(-1).pow(1 << 40), Some(BigInt::from_i64(1)));
        assert_eq!(BigInt::zero().pow(1 << 40), Some(BigInt::zero()));
        assert_eq!(two.shl(70_000), None);
        let big = BigInt::from_i64(1).shl(40_000);
        assert!(big.as_ref().is_some_and(|b| b.mul(b).is_none()));
    }
}
