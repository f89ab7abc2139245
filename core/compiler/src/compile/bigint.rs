//! Arbitrary-precision integers for constant folding only (the compiler must fold `1 << 100`
//! and friends as upstream's parser does with its mpz). Small and simple, not fast: sign and
//! magnitude in 32-bit limbs, schoolbook algorithms, bitwise operators through two's
//! complement, Python's floor semantics for `//`, `%` and `>>`.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BigInt {
    neg: bool,
    /// Little-endian limbs, no high zero limbs; zero is empty.
    mag: Vec<u32>,
}

/// Folding gives up beyond this many bits (upstream would carry on; we keep the code).
const MAX_BITS: usize = 1 << 16;

fn trim(v: &mut Vec<u32>) {
    while v.last() == Some(&0) {
        v.pop();
    }
}

fn cmp_mag(a: &[u32], b: &[u32]) -> Ordering {
    if a.len() != b.len() {
        return a.len().cmp(&b.len());
    }
    for i in (0..a.len()).rev() {
        if a[i] != b[i] {
            return a[i].cmp(&b[i]);
        }
    }
    Ordering::Equal
}

fn add_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len().max(b.len()) + 1);
    let mut carry = 0u64;
    for i in 0..a.len().max(b.len()) {
        let s = u64::from(*a.get(i).unwrap_or(&0)) + u64::from(*b.get(i).unwrap_or(&0)) + carry;
        out.push(s as u32);
        carry = s >> 32;
    }
    if carry != 0 {
        out.push(carry as u32);
    }
    out
}

/// `a - b` for `a >= b`.
fn sub_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0i64;
    for (i, &x) in a.iter().enumerate() {
        let mut d = i64::from(x) - i64::from(*b.get(i).unwrap_or(&0)) - borrow;
        if d < 0 {
            d += 1 << 32;
            borrow = 1;
        } else {
            borrow = 0;
        }
        out.push(d as u32);
    }
    trim(&mut out);
    out
}

fn mul_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    let mut out = vec![0u32; a.len() + b.len()];
    for (i, &x) in a.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &y) in b.iter().enumerate() {
            let t = u64::from(out[i + j]) + u64::from(x) * u64::from(y) + carry;
            out[i + j] = t as u32;
            carry = t >> 32;
        }
        let mut k = i + b.len();
        while carry != 0 && k < out.len() {
            let t = u64::from(out[k]) + carry;
            out[k] = t as u32;
            carry = t >> 32;
            k += 1;
        }
    }
    trim(&mut out);
    out
}

fn bits(a: &[u32]) -> usize {
    match a.last() {
        None => 0,
        Some(&top) => (a.len() - 1) * 32 + (32 - top.leading_zeros() as usize),
    }
}

fn shl_mag(a: &[u32], n: usize) -> Vec<u32> {
    if a.is_empty() {
        return Vec::new();
    }
    let (limbs, sh) = (n / 32, n % 32);
    let mut out = vec![0u32; limbs];
    let mut carry = 0u32;
    for &x in a {
        if sh == 0 {
            out.push(x);
        } else {
            out.push((x << sh) | carry);
            carry = x >> (32 - sh);
        }
    }
    if carry != 0 {
        out.push(carry);
    }
    trim(&mut out);
    out
}

fn shr_mag(a: &[u32], n: usize) -> Vec<u32> {
    let (limbs, sh) = (n / 32, n % 32);
    if limbs >= a.len() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(a.len() - limbs);
    for i in limbs..a.len() {
        let lo = a[i] >> sh;
        let hi = if sh == 0 {
            0
        } else {
            a.get(i + 1).map_or(0, |&h| h << (32 - sh))
        };
        out.push(lo | hi);
    }
    trim(&mut out);
    out
}

/// Truncating division of magnitudes (shift-subtract, one bit at a time).
fn divmod_mag(a: &[u32], b: &[u32]) -> (Vec<u32>, Vec<u32>) {
    if cmp_mag(a, b) == Ordering::Less {
        return (Vec::new(), a.to_vec());
    }
    if b.len() == 1 {
        let d = u64::from(b[0]);
        let mut q = vec![0u32; a.len()];
        let mut r = 0u64;
        for i in (0..a.len()).rev() {
            let cur = (r << 32) | u64::from(a[i]);
            q[i] = (cur / d) as u32;
            r = cur % d;
        }
        trim(&mut q);
        let mut rv = vec![r as u32];
        trim(&mut rv);
        return (q, rv);
    }
    let n = bits(a);
    let mut q = vec![0u32; a.len()];
    let mut r: Vec<u32> = Vec::new();
    for i in (0..n).rev() {
        r = shl_mag(&r, 1);
        if (a[i / 32] >> (i % 32)) & 1 == 1 {
            if r.is_empty() {
                r.push(1);
            } else {
                r[0] |= 1;
            }
        }
        if cmp_mag(&r, b) != Ordering::Less {
            r = sub_mag(&r, b);
            q[i / 32] |= 1 << (i % 32);
        }
    }
    trim(&mut q);
    (q, r)
}

impl BigInt {
    fn new(neg: bool, mut mag: Vec<u32>) -> BigInt {
        trim(&mut mag);
        let neg = neg && !mag.is_empty();
        BigInt { neg, mag }
    }

    #[cfg(test)]
    pub fn zero() -> BigInt {
        BigInt::new(false, Vec::new())
    }

    pub fn from_i64(v: i64) -> BigInt {
        let m = v.unsigned_abs();
        BigInt::new(v < 0, vec![m as u32, (m >> 32) as u32])
    }

    pub fn bit_len(&self) -> usize {
        bits(&self.mag)
    }

    pub fn is_zero(&self) -> bool {
        self.mag.is_empty()
    }

    pub fn is_neg(&self) -> bool {
        self.neg
    }

    pub fn to_i64(&self) -> Option<i64> {
        if self.mag.len() > 2 {
            return None;
        }
        let m = u64::from(*self.mag.first().unwrap_or(&0))
            | u64::from(*self.mag.get(1).unwrap_or(&0)) << 32;
        if self.neg {
            if m <= 1 << 63 {
                Some((m as i64).wrapping_neg())
            } else {
                None
            }
        } else {
            i64::try_from(m).ok()
        }
    }

    pub fn parse(s: &str) -> Option<BigInt> {
        let (neg, digits) = match s.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, s),
        };
        if digits.is_empty() || digits.len() > 20_000 {
            return None;
        }
        let mut mag: Vec<u32> = Vec::new();
        for c in digits.bytes() {
            if !c.is_ascii_digit() {
                return None;
            }
            mag = mul_mag(&mag, &[10]);
            mag = add_mag(&mag, &[u32::from(c - b'0')]);
            trim(&mut mag);
        }
        Some(BigInt::new(neg, mag))
    }

    pub fn to_decimal(&self) -> String {
        if self.mag.is_empty() {
            return String::from("0");
        }
        let mut digits = Vec::new();
        let mut m = self.mag.clone();
        while !m.is_empty() {
            let (q, r) = divmod_mag(&m, &[1_000_000_000]);
            let mut r = r.first().copied().unwrap_or(0);
            for _ in 0..9 {
                digits.push(b'0' + (r % 10) as u8);
                r /= 10;
            }
            m = q;
        }
        while digits.len() > 1 && digits.last() == Some(&b'0') {
            digits.pop();
        }
        if self.neg {
            digits.push(b'-');
        }
        digits.reverse();
        String::from_utf8(digits).unwrap_or_default()
    }

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
        BigInt::new(!self.neg, self.mag.clone())
    }

    pub fn add(&self, o: &BigInt) -> BigInt {
        if self.neg == o.neg {
            return BigInt::new(self.neg, add_mag(&self.mag, &o.mag));
        }
        match cmp_mag(&self.mag, &o.mag) {
            Ordering::Less => BigInt::new(o.neg, sub_mag(&o.mag, &self.mag)),
            _ => BigInt::new(self.neg, sub_mag(&self.mag, &o.mag)),
        }
    }

    pub fn sub(&self, o: &BigInt) -> BigInt {
        self.add(&o.neg())
    }

    pub fn mul(&self, o: &BigInt) -> Option<BigInt> {
        if bits(&self.mag) + bits(&o.mag) > MAX_BITS {
            return None;
        }
        Some(BigInt::new(self.neg != o.neg, mul_mag(&self.mag, &o.mag)))
    }

    /// Floor division and modulo (`None` on division by zero).
    pub fn divmod(&self, o: &BigInt) -> Option<(BigInt, BigInt)> {
        if o.is_zero() {
            return None;
        }
        let (q, r) = divmod_mag(&self.mag, &o.mag);
        let mut q = BigInt::new(self.neg != o.neg, q);
        let mut r = BigInt::new(self.neg, r);
        if !r.is_zero() && r.neg != o.neg {
            q = q.sub(&BigInt::from_i64(1));
            r = r.add(o);
        }
        Some((q, r))
    }

    pub fn shl(&self, n: usize) -> Option<BigInt> {
        if bits(&self.mag) + n > MAX_BITS {
            return None;
        }
        Some(BigInt::new(self.neg, shl_mag(&self.mag, n)))
    }

    pub fn shr(&self, n: usize) -> BigInt {
        if !self.neg {
            return BigInt::new(false, shr_mag(&self.mag, n));
        }
        // Floor: -((|x| - 1) >> n) - 1
        let m1 = sub_mag(&self.mag, &[1]);
        BigInt::new(false, shr_mag(&m1, n))
            .neg()
            .sub(&BigInt::from_i64(1))
    }

    pub fn pow(&self, e: u64) -> Option<BigInt> {
        if (bits(&self.mag) as u64).saturating_mul(e) > MAX_BITS as u64 + 64 {
            if self.mag.len() == 1 && self.mag[0] == 1 {
                return Some(BigInt::new(self.neg && e % 2 == 1, vec![1]));
            }
            return None;
        }
        let mut acc = BigInt::from_i64(1);
        let mut base = self.clone();
        let mut n = e;
        while n > 0 {
            if n & 1 == 1 {
                acc = acc.mul(&base)?;
            }
            n >>= 1;
            if n > 0 {
                base = base.mul(&base)?;
            }
        }
        Some(acc)
    }

    /// Two's complement limbs, `len` limbs wide.
    fn twos(&self, len: usize) -> Vec<u32> {
        let mut v = self.mag.clone();
        v.resize(len, 0);
        if self.neg {
            let mut carry = 1u64;
            for x in v.iter_mut() {
                let t = u64::from(!*x) + carry;
                *x = t as u32;
                carry = t >> 32;
            }
        }
        v
    }

    fn from_twos(mut v: Vec<u32>) -> BigInt {
        let neg = v.last().is_some_and(|&t| t & 0x8000_0000 != 0);
        if neg {
            let mut carry = 1u64;
            for x in v.iter_mut() {
                let t = u64::from(!*x) + carry;
                *x = t as u32;
                carry = t >> 32;
            }
        }
        BigInt::new(neg, v)
    }

    /// `&`, `|` or `^` (op 0, 1, 2) with Python's infinite two's complement semantics.
    pub fn bitop(&self, o: &BigInt, op: u8) -> BigInt {
        let len = self.mag.len().max(o.mag.len()) + 1;
        let a = self.twos(len);
        let b = o.twos(len);
        let v = a
            .iter()
            .zip(b.iter())
            .map(|(x, y)| match op {
                0 => x & y,
                1 => x | y,
                _ => x ^ y,
            })
            .collect();
        BigInt::from_twos(v)
    }

    pub fn invert(&self) -> BigInt {
        self.neg().sub(&BigInt::from_i64(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> BigInt {
        BigInt::parse(s).unwrap_or_else(BigInt::zero)
    }

    #[test]
    fn arithmetic() {
        let x = b("1267650600228229401496703205376"); // 2**100
        assert_eq!(BigInt::from_i64(2).pow(100), Some(x.clone()));
        assert_eq!(BigInt::from_i64(1).shl(100), Some(x.clone()));
        assert_eq!(
            x.sub(&b("1")).to_decimal(),
            "1267650600228229401496703205375"
        );
        assert_eq!(x.neg().to_decimal(), "-1267650600228229401496703205376");
        let (q, r) = b("-7")
            .divmod(&b("2"))
            .unwrap_or((BigInt::zero(), BigInt::zero()));
        assert_eq!((q.to_i64(), r.to_i64()), (Some(-4), Some(1)));
        let (q, r) = x
            .divmod(&b("-3"))
            .unwrap_or((BigInt::zero(), BigInt::zero()));
        assert_eq!(q.to_decimal(), "-422550200076076467165567735126");
        assert_eq!(r.to_decimal(), "-2");
        assert_eq!(b("-5").shr(1).to_i64(), Some(-3));
        assert_eq!(b("-1").bitop(&x, 0).to_decimal(), x.to_decimal());
        assert_eq!(b("-1").bitop(&b("5"), 2).to_i64(), Some(-6));
        assert_eq!(b("12").bitop(&b("10"), 1).to_i64(), Some(14));
        assert_eq!(b("5").invert().to_i64(), Some(-6));
        assert_eq!(b("-9223372036854775808").to_i64(), Some(i64::MIN));
        assert_eq!(b("9223372036854775808").to_i64(), None);
    }
}
