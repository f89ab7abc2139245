//! Exact conversions between doubles and decimal digits, on small fixed-size big integers:
//! the shortest digits that read back to the same double ([`shortest`], for `repr`), digits
//! correctly rounded at a given place ([`exact`], for `%e/%f/%g` and `round`), and the double
//! nearest to a decimal number ([`to_f64`], for `float(str)`).
//!
//! Why not core's `{:e}` and `str::parse`: they bring Grisu with a Dragon fallback and the
//! Eisel-Lemire parser with its 10 KB table, about 20 KB of flash on thumbv7m; these exact
//! algorithms (Steele-White/Burger-Dybvig digit generation, and a guess from
//! `upy_compiler::mpy::float` checked against the exact halfway points) are a tenth of that.
//! They are slower on long or extreme numbers only: common values take a fast path or a few
//! two-limb operations.

use core::cmp::Ordering;

/// Limbs of a [`Big`]: 3200 bits. The largest numbers are in [`to_f64`]: 780 digits times
/// 5^1104 (about 2600 bits each side); digit generation stays below 1200 bits.
const LIMBS: usize = 100;

/// Significant digits [`to_f64`] looks at: more than the 767 that a halfway point between two
/// doubles can have, so later digits only matter as "some nonzero digit follows".
pub const MAX_DIGITS: usize = 780;

/// A non-negative integer in little-endian base-2^32 limbs, `len` of them in use (no high
/// zero limbs). Every operation keeps within `LIMBS` by the bounds of the callers' numbers;
/// should one not, the excess is dropped rather than panicking.
#[derive(Clone)]
struct Big {
    len: usize,
    limbs: [u32; LIMBS],
}

impl Big {
    fn from_u64(v: u64) -> Big {
        let mut b = Big {
            len: 0,
            limbs: [0; LIMBS],
        };
        b.push(v as u32);
        b.push((v >> 32) as u32);
        b.trim();
        b
    }

    fn used(&self) -> &[u32] {
        self.limbs.get(..self.len).unwrap_or(&[])
    }

    fn push(&mut self, limb: u32) {
        debug_assert!(self.len < LIMBS, "float codec: big integer overflow");
        if let Some(slot) = self.limbs.get_mut(self.len) {
            *slot = limb;
            self.len += 1;
        }
    }

    fn trim(&mut self) {
        while self.len > 0 && self.limbs.get(self.len - 1) == Some(&0) {
            self.len -= 1;
        }
    }

    fn is_zero(&self) -> bool {
        self.len == 0
    }

    /// `self = self * m + a`.
    fn mul_add_small(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for limb in self.limbs.iter_mut().take(self.len) {
            let t = u64::from(*limb) * u64::from(m) + carry;
            *limb = t as u32;
            carry = t >> 32;
        }
        if carry != 0 {
            self.push(carry as u32);
        }
    }

    fn mul_pow5(&mut self, mut n: u32) {
        const POW5_13: u32 = 1_220_703_125;
        while n >= 13 {
            self.mul_add_small(POW5_13, 0);
            n -= 13;
        }
        self.mul_add_small(5u32.pow(n), 0);
    }

    fn shl(&mut self, bits: u32) {
        if self.is_zero() {
            return;
        }
        let (words, bits) = ((bits / 32) as usize, bits % 32);
        let old = self.len;
        let new_len = (old + words + 1).min(LIMBS);
        for i in (0..new_len).rev() {
            let src = i.checked_sub(words);
            let at = |j: Option<usize>| match j {
                Some(j) if j < old => self.limbs.get(j).copied().unwrap_or(0),
                _ => 0,
            };
            let hi = at(src);
            let lo = if bits == 0 {
                0
            } else {
                at(src.and_then(|s| s.checked_sub(1))) >> (32 - bits)
            };
            if let Some(slot) = self.limbs.get_mut(i) {
                *slot = if bits == 0 { hi } else { hi << bits | lo };
            }
        }
        self.len = new_len;
        self.trim();
    }

    fn mul_pow10(&mut self, n: u32) {
        self.mul_pow5(n);
        self.shl(n);
    }

    /// `self -= o`, for `self >= o`.
    fn sub(&mut self, o: &Big) {
        let mut borrow = 0i64;
        for (i, limb) in self.limbs.iter_mut().enumerate().take(self.len) {
            let t = i64::from(*limb) - i64::from(o.limbs.get(i).copied().unwrap_or(0)) + borrow;
            *limb = t as u32;
            borrow = t >> 32;
        }
        self.trim();
    }

    fn cmp(&self, o: &Big) -> Ordering {
        self.len
            .cmp(&o.len)
            .then_with(|| self.used().iter().rev().cmp(o.used().iter().rev()))
    }

    /// How `self + k * b` compares with `c` (`k` is 1 or 2), without room for the sum.
    fn cmp_sum(&self, k: i64, b: &Big, c: &Big) -> Ordering {
        let mut carry = 0i64;
        let mut nonzero = false;
        for i in 0..self.len.max(b.len).max(c.len) {
            let limb = |x: &Big| i64::from(x.limbs.get(i).copied().unwrap_or(0));
            let t = limb(self) + k * limb(b) - limb(c) + carry;
            nonzero |= t as u32 != 0;
            carry = t >> 32;
        }
        match carry.cmp(&0) {
            Ordering::Equal if !nonzero => Ordering::Equal,
            Ordering::Equal => Ordering::Greater,
            ord => ord,
        }
    }

    /// `self -= q * d`, for `self >= q * d`.
    fn sub_mul(&mut self, d: &Big, q: u32) {
        let (mut carry, mut borrow) = (0u64, 0u64);
        for (i, limb) in self.limbs.iter_mut().enumerate().take(self.len) {
            let p = u64::from(d.limbs.get(i).copied().unwrap_or(0)) * u64::from(q) + carry;
            carry = p >> 32;
            let (t, under) = u64::from(*limb).overflowing_sub((p & 0xffff_ffff) + borrow);
            *limb = t as u32;
            borrow = u64::from(under);
        }
        self.trim();
    }

    /// Shifts `self` and `others` left so that the top limb of `self` has its high bit set.
    fn normalize(&mut self, others: &mut [&mut Big]) {
        let top = self.len.checked_sub(1).and_then(|i| self.limbs.get(i));
        let shift = top.map_or(0, |t| t.leading_zeros());
        self.shl(shift);
        for b in others.iter_mut() {
            b.shl(shift);
        }
    }

    /// The digit `self / d` (below 10 by the callers' scaling), leaving the remainder. With
    /// `d` normalized, the quotient of the top limbs is at most one short.
    fn div_digit(&mut self, d: &Big) -> u8 {
        let Some(top) = d.len.checked_sub(1) else {
            return 0;
        };
        let limb = |x: &Big, i: usize| u64::from(x.limbs.get(i).copied().unwrap_or(0));
        let r_top = limb(self, top + 1) << 32 | limb(self, top);
        let mut q = (r_top / (limb(d, top) + 1)).min(9) as u32;
        if q > 0 {
            self.sub_mul(d, q);
        }
        while q < 9 && self.cmp(d) != Ordering::Less {
            self.sub(d);
            q += 1;
        }
        q as u8
    }
}

/// A finite positive double as `m * 2^e`, `m < 2^53`, `e >= -1074`.
fn decode(x: f64) -> (u64, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    if biased == 0 {
        (frac, -1074)
    } else {
        (frac | 1 << 52, biased - 1075)
    }
}

/// `floor(n * log10(2))`, exact for |n| < 2^16 or so (checked to 1100 by a test).
fn floor_log10_pow2(n: i32) -> i32 {
    ((i64::from(n) * 661_971_961_083) >> 41) as i32
}

/// `x = m * 2^e` as a fraction `r / s = x / 10^k`, with `k` such that `0.1 <= r / s < 10`
/// (the caller moves it up by one where needed); the numbers in `scale` are scaled with `r`.
fn scaled(m: u64, e: i32, scale: &mut [&mut Big]) -> (Big, Big, i32) {
    let mut r = Big::from_u64(m);
    let mut s = Big::from_u64(1);
    if e >= 0 {
        r.shl(e as u32);
    } else {
        s.shl(e.unsigned_abs());
    }
    let bits = 64 - m.leading_zeros() as i32;
    let k = floor_log10_pow2(bits - 1 + e) + 1;
    if k >= 0 {
        s.mul_pow10(k as u32);
    } else {
        let n = k.unsigned_abs();
        r.mul_pow10(n);
        for b in scale.iter_mut() {
            b.mul_pow10(n);
        }
    }
    (r, s, k)
}

/// The shortest digits (ASCII) that read back as `x`, finite and positive; of several such,
/// the nearest to `x` (ties to an even digit), as CPython's repr. Returns the number of
/// digits and the decimal point position: `x ~= 0.d1d2... * 10^decpt`.
pub fn shortest(x: f64, out: &mut [u8; 17]) -> (usize, i32) {
    let (m, e) = decode(x);
    // Work in halves of the gap to the neighbours; at a power of two the gap below is half
    // the one above, so work in quarters there.
    // (The margin above is `above` times the one below, `m_minus`.)
    let unequal = m == 1 << 52 && e > -1074;
    let (shift, above) = if unequal { (2, 2) } else { (1, 1) };
    let mut m_minus = Big::from_u64(1);
    if e >= 0 {
        m_minus.shl(e as u32);
    }
    let (mut r, mut s, mut k) = scaled(m, e, &mut [&mut m_minus]);
    r.shl(shift);
    s.shl(shift);
    // A decimal exactly halfway to a neighbour reads back as `x` when `m` is even.
    let even = m & 1 == 0;
    let high = |r: &Big, m_minus: &Big, s: &Big| match r.cmp_sum(above, m_minus, s) {
        Ordering::Greater => true,
        Ordering::Equal => even,
        Ordering::Less => false,
    };
    if high(&r, &m_minus, &s) {
        s.mul_add_small(10, 0);
        k += 1;
    }
    s.normalize(&mut [&mut r, &mut m_minus]);
    let mut n = 0;
    loop {
        r.mul_add_small(10, 0);
        m_minus.mul_add_small(10, 0);
        let mut d = r.div_digit(&s);
        let low_ok = match r.cmp(&m_minus) {
            Ordering::Less => true,
            Ordering::Equal => even,
            Ordering::Greater => false,
        };
        let high_ok = high(&r, &m_minus, &s);
        let last = low_ok || high_ok || n + 1 == out.len();
        if last {
            let twice = r.cmp_sum(1, &r, &s);
            let up = match (low_ok, high_ok) {
                (true, false) => false,
                (false, true) => true,
                _ => twice == Ordering::Greater || (twice == Ordering::Equal && d & 1 == 1),
            };
            d += u8::from(up);
        }
        if let Some(slot) = out.get_mut(n) {
            *slot = b'0' + d;
            n += 1;
        }
        if last {
            return (n, k);
        }
    }
}

/// Where [`exact`] rounds: after this many significant digits, or this many digits after the
/// decimal point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    Significant(usize),
    Decimals(usize),
}

/// The digits (ASCII) of finite, positive `x` rounded at `cut`, half to even on the exact
/// binary value. Returns the number of digits written and the decimal point position
/// (`x ~= 0.d1d2... * 10^decpt`); digits after those written are zeros. An exact double has
/// at most 767 significant digits, so `out` of [`MAX_DIGITS`] always has room.
pub fn exact(x: f64, cut: Cut, out: &mut [u8]) -> (usize, i32) {
    let (m, e) = decode(x);
    let (mut r, mut s, mut k) = scaled(m, e, &mut []);
    if r.cmp(&s) != Ordering::Less {
        s.mul_add_small(10, 0);
        k += 1;
    }
    s.normalize(&mut [&mut r]);
    let want = match cut {
        Cut::Significant(n) => n as i64,
        Cut::Decimals(p) => i64::from(k) + p as i64,
    };
    if want < 0 {
        return (0, k);
    }
    let mut n = 0;
    while (n as i64) < want && !r.is_zero() && n < out.len() {
        r.mul_add_small(10, 0);
        let d = r.div_digit(&s);
        if let Some(slot) = out.get_mut(n) {
            *slot = b'0' + d;
        }
        n += 1;
    }
    // What is left, `r / s`, is the fraction of a unit in the last place.
    let last_odd = n
        .checked_sub(1)
        .and_then(|i| out.get(i))
        .is_some_and(|d| d & 1 == 1);
    let up = match r.cmp_sum(1, &r, &s) {
        Ordering::Greater => true,
        Ordering::Equal => last_odd,
        Ordering::Less => false,
    };
    if !up {
        return (n, k);
    }
    while let Some(i) = n.checked_sub(1) {
        match out.get_mut(i) {
            Some(d) if *d == b'9' => n = i,
            Some(d) => {
                *d += 1;
                return (n, k);
            }
            None => break,
        }
    }
    // All nines (or no digit at all) round up to a 1 in a new leading place.
    if let Some(d) = out.first_mut() {
        *d = b'1';
    }
    (1, k + 1)
}

/// The double nearest to `0.d1d2... * 10^decpt` (ties to even), for significant `digits`
/// (ASCII, no leading zeros, at most [`MAX_DIGITS`]); `more` says some nonzero digit
/// followed those given.
pub fn to_f64(digits: &[u8], decpt: i32, more: bool) -> f64 {
    let digits = digits.get(..MAX_DIGITS).unwrap_or(digits);
    let Some(n) = digits.iter().rposition(|&d| d != b'0').map(|i| i + 1) else {
        return 0.0;
    };
    let digits = digits.get(..n).unwrap_or(digits);
    if decpt > 310 {
        return f64::INFINITY;
    }
    if decpt < -324 {
        return 0.0;
    }
    // The value is `d * 10^exp` for the integer `d` of the digits.
    let exp = decpt - n as i32;
    let mut head = 0u64;
    for &c in digits.iter().take(19) {
        head = head * 10 + u64::from(c - b'0');
    }
    // Fast path: both factors exact doubles, so one rounding.
    if n <= 19 && head < 1 << 53 && !more && (-22..=22).contains(&exp) {
        let p = POW10
            .get(exp.unsigned_abs() as usize)
            .copied()
            .unwrap_or(1.0);
        return if exp < 0 {
            head as f64 / p
        } else {
            head as f64 * p
        };
    }
    let (guess, certain) = upy_compiler::mpy::float::scale10(head, decpt - n.min(19) as i32);
    if certain {
        return guess;
    }
    refine(guess, digits, exp, more)
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Steps a guess within a few units in the last place to the correctly rounded double, by
/// comparing `digits * 10^exp` exactly with the halfway points to its neighbours.
fn refine(mut z: f64, digits: &[u8], exp: i32, more: bool) -> f64 {
    let mut d = Big::from_u64(0);
    for chunk in digits.chunks(9) {
        let mut v = 0u32;
        for &c in chunk {
            v = v * 10 + u32::from(c - b'0');
        }
        d.mul_add_small(10u32.pow(chunk.len() as u32), v);
    }
    if exp > 0 {
        d.mul_pow5(exp as u32);
    }
    // The sign of `value - n * 2^h`; `more` breaks a tie upwards.
    let compare = |n: u64, h: i32| -> Ordering {
        let mut lhs = d.clone();
        let mut rhs = Big::from_u64(n);
        if exp < 0 {
            rhs.mul_pow5(exp.unsigned_abs());
        }
        let p2 = exp - h;
        if p2 >= 0 {
            lhs.shl(p2 as u32);
        } else {
            rhs.shl(p2.unsigned_abs());
        }
        lhs.cmp(&rhs).then(if more {
            Ordering::Greater
        } else {
            Ordering::Equal
        })
    };
    // Each step moves one place; a guess further off than this is a bug, answered by the
    // nearest we got.
    for _ in 0..64 {
        if z.is_infinite() {
            // Above MAX + half its gap, everything rounds to infinity (MAX is odd).
            if compare((1 << 54) - 1, 970) == Ordering::Less {
                z = f64::MAX;
                continue;
            }
            return z;
        }
        let (m, e) = decode(z);
        let odd = m & 1 == 1;
        let above = compare(2 * m + 1, e - 1);
        if above == Ordering::Greater || (above == Ordering::Equal && odd) {
            z = f64::from_bits(z.to_bits() + 1);
            continue;
        }
        if m == 0 {
            return z;
        }
        let below = if m == 1 << 52 && e > -1074 {
            compare(4 * m - 1, e - 2)
        } else {
            compare(2 * m - 1, e - 1)
        };
        if below == Ordering::Less || (below == Ordering::Equal && odd) {
            z = f64::from_bits(z.to_bits() - 1);
            continue;
        }
        return z;
    }
    z
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::format;
    use std::string::String;
    use std::vec::Vec;

    /// A simple deterministic generator of bit patterns.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    fn short(x: f64) -> String {
        let mut d = [0u8; 17];
        let (n, k) = shortest(x, &mut d);
        format!("0.{}e{}", core::str::from_utf8(&d[..n]).unwrap(), k)
    }

    /// Decimal text `0.DIGITSeK` read back through `to_f64`; also checks that the exact
    /// comparisons agree with it, whether or not it needed them.
    fn read(digits: &str, decpt: i32) -> f64 {
        let x = to_f64(digits.as_bytes(), decpt, false);
        let d = digits.trim_end_matches('0').as_bytes();
        if !d.is_empty() && (-324..=310).contains(&decpt) {
            let n = d.len();
            let head = d
                .iter()
                .take(19)
                .fold(0u64, |h, &c| h * 10 + u64::from(c - b'0'));
            let (guess, _) = upy_compiler::mpy::float::scale10(head, decpt - n.min(19) as i32);
            let slow = refine(guess, d, decpt - n as i32, false);
            assert_eq!(x.to_bits(), slow.to_bits(), "0.{digits}e{decpt}");
        }
        x
    }

    #[test]
    fn log_estimate_is_exact() {
        for n in -1100..=1100 {
            let want = (f64::from(n) * core::f64::consts::LOG10_2).floor() as i32;
            assert_eq!(floor_log10_pow2(n), want, "{n}");
        }
    }

    #[test]
    fn shortest_known_values() {
        assert_eq!(short(0.1), "0.1e0");
        assert_eq!(short(1.0), "0.1e1");
        assert_eq!(short(5e-324), "0.5e-323");
        assert_eq!(short(f64::MAX), "0.17976931348623157e309");
        assert_eq!(short(1e23), "0.1e24");
        assert_eq!(short(9007199254740993.0), "0.9007199254740992e16");
        assert_eq!(short(2.2250738585072014e-308), "0.22250738585072014e-307");
        assert_eq!(short(123.456), "0.123456e3");
        assert_eq!(
            short(2.0f64.powi(-1022) - 5e-324),
            "0.2225073858507201e-307"
        );
    }

    #[test]
    fn shortest_matches_core_and_round_trips() {
        // core's shortest form has the same length and reads back the same; its digits may
        // differ only by picking the other neighbour of a tie, which CPython does not.
        let mut st = 0x9e37_79b9_7f4a_7c15u64;
        for i in 0..20000 {
            let bits = match i {
                0..=999 => i as u64 + 1,
                1000..=1999 => (0x7fef_ffff_ffff_ffffu64).wrapping_sub(i as u64),
                _ => xorshift(&mut st) & 0x7fff_ffff_ffff_ffff,
            };
            let x = f64::from_bits(bits);
            if !x.is_finite() || x == 0.0 {
                continue;
            }
            let mut d = [0u8; 17];
            let (n, k) = shortest(x, &mut d);
            let text = format!("0.{}e{}", core::str::from_utf8(&d[..n]).unwrap(), k);
            assert_eq!(text.parse::<f64>().unwrap().to_bits(), bits, "{x:e}");
            let core_e = format!("{x:e}");
            let core_digits = core_e.split('e').next().unwrap().replace('.', "");
            assert_eq!(n, core_digits.len(), "{x:e}");
            assert_eq!(
                read(core::str::from_utf8(&d[..n]).unwrap(), k).to_bits(),
                bits
            );
        }
    }

    fn exact_str(x: f64, cut: Cut) -> (String, i32) {
        let mut d = [0u8; MAX_DIGITS];
        let (n, k) = exact(x, cut, &mut d);
        (String::from_utf8(d[..n].to_vec()).unwrap(), k)
    }

    #[test]
    fn exact_rounds_half_even_on_binary_value() {
        assert_eq!(exact_str(2.5, Cut::Decimals(0)), ("2".into(), 1));
        assert_eq!(exact_str(3.5, Cut::Decimals(0)), ("4".into(), 1));
        assert_eq!(exact_str(0.125, Cut::Decimals(2)), ("12".into(), 0));
        assert_eq!(exact_str(0.375, Cut::Decimals(2)), ("38".into(), 0));
        assert_eq!(exact_str(2.675, Cut::Decimals(2)), ("267".into(), 1));
        assert_eq!(exact_str(9.9999, Cut::Significant(2)), ("1".into(), 2));
        assert_eq!(exact_str(0.5, Cut::Decimals(0)), ("".into(), 0));
        assert_eq!(exact_str(0.51, Cut::Decimals(0)), ("1".into(), 1));
        assert_eq!(exact_str(0.0001, Cut::Decimals(2)), ("".into(), -3));
        assert_eq!(exact_str(0.006, Cut::Decimals(2)), ("1".into(), -1));
        assert_eq!(exact_str(1.0, Cut::Significant(5)), ("1".into(), 1));
        let (d, k) = exact_str(5e-324, Cut::Significant(800));
        assert_eq!((d.len(), k), (751, -323));
        assert!(d.starts_with("4940656458412465441765687928682213723650598026143247644255856825006755072702087518652998363616359923797965646954457177309266567103559397963987747960107818781263007131903114045278458171678489821036887186360569987307230500063874091535649843873124733972731696151400317153853980741262385655911710266585566867681870395603106249319452715914924553293054565444011274801297099995419319894090804165633245247571478690147267801593552386115501348035264934720193790268107107491703332226844753335720832431936092382893458368060106011506169809753078342277318329247904982524730776375927247874656084778203734469699533647017972677717585125660551199131504891101451037862738167250955837389733598993664809941164205702637090279242767544565229087538682506419718265533447265625"));
    }

    #[test]
    fn exact_matches_core_on_many_values() {
        let mut st = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..5000 {
            let x = f64::from_bits(xorshift(&mut st) & 0x7fff_ffff_ffff_ffff);
            if !x.is_finite() || x == 0.0 {
                continue;
            }
            for sig in [1usize, 3, 6, 10, 17, 25] {
                let (d, k) = exact_str(x, Cut::Significant(sig));
                let mut padded: Vec<u8> = d.into_bytes();
                padded.resize(sig, b'0');
                let core_e = format!("{:.*e}", sig - 1, x);
                let (mant, e) = core_e.split_once('e').unwrap();
                assert_eq!(
                    String::from_utf8(padded).unwrap(),
                    mant.replace('.', ""),
                    "{x:e}"
                );
                assert_eq!(k - 1, e.parse::<i32>().unwrap(), "{x:e}");
            }
        }
    }

    #[test]
    fn reads_correctly_rounded() {
        let cases: [(&str, i32, f64); 10] = [
            ("1", 0, 0.1),
            ("17976931348623157", 309, f64::MAX),
            ("17976931348623158", 309, f64::MAX),
            ("17976931348623159", 309, f64::INFINITY),
            ("5", -323, 5e-324),
            ("247", -323, 0.0),
            ("2471", -323, 5e-324),
            ("9007199254740993", 16, 9007199254740992.0),
            ("9007199254740995", 16, 9007199254740996.0),
            ("1", 24, 1e23),
        ];
        for (d, k, want) in cases {
            assert_eq!(read(d, k).to_bits(), want.to_bits(), "0.{d}e{k}");
        }
        // A tie broken by a digit beyond the ones kept.
        let tie = "9007199254740993";
        assert_eq!(to_f64(tie.as_bytes(), 16, true), 9007199254740994.0);
        // The exact halfway point between 0 and 5e-324, and just above it.
        let (min, k) = exact_str(5e-324, Cut::Significant(800));
        let half = times5(&min);
        let (half, k) = match half.strip_prefix('0') {
            Some(rest) => (String::from(rest), k - 1),
            None => (half, k),
        };
        assert_eq!(read(&half, k), 0.0);
        assert_eq!(to_f64(half.as_bytes(), k, true), 5e-324);
        assert_eq!(read("1", 400), f64::INFINITY);
        assert_eq!(read("1", -400), 0.0);
        assert_eq!(read("000", 5), 0.0);
    }

    /// The exact midpoint of two positive doubles as significant digits and decpt.
    fn midpoint(x: f64, y: f64) -> (String, i32) {
        // Each as an integer of digits times 10^exp, aligned to the smaller exp.
        let (dx, kx) = exact_str(x, Cut::Significant(800));
        let (dy, ky) = exact_str(y, Cut::Significant(800));
        let ex = kx - dx.len() as i32;
        let ey = ky - dy.len() as i32;
        let e = ex.min(ey);
        let pad = |d: &str, ex: i32| {
            let mut v: Vec<u32> = d.bytes().map(|c| u32::from(c - b'0')).collect();
            v.resize(v.len() + (ex - e) as usize, 0);
            v
        };
        let (a, b) = (pad(&dx, ex), pad(&dy, ey));
        let len = a.len().max(b.len()) + 2;
        let mut sum = vec_of(len);
        for (v, off) in [(&a, len - a.len()), (&b, len - b.len())] {
            for (i, &d) in v.iter().enumerate() {
                sum[off + i] += d;
            }
        }
        let text: String = sum.iter().map(|&d| char::from(b'0' + d as u8)).collect();
        // (x + y) / 2 = (x + y) * 5 / 10.
        let half = times5(&text);
        let trimmed = half.trim_start_matches('0');
        let decpt = trimmed.len() as i32 + e - 1;
        (String::from(trimmed.trim_end_matches('0')), decpt)
    }

    /// Decimal digits times 5, one digit longer (a leading zero kept).
    fn times5(d: &str) -> String {
        let mut out = Vec::new();
        let mut carry = 0;
        for c in d.bytes().rev() {
            let t = u32::from(c - b'0') * 5 + carry;
            out.push(b'0' + (t % 10) as u8);
            carry = t / 10;
        }
        out.push(b'0' + carry as u8);
        out.reverse();
        String::from_utf8(out).unwrap()
    }

    fn vec_of(n: usize) -> Vec<u32> {
        std::vec![0; n]
    }

    #[test]
    fn reads_like_core_on_many_values() {
        let mut st = 0x1234_5678_9abc_def1u64;
        for i in 0..3000 {
            let bits = match i {
                0..=199 => i as u64 + 1,
                200..=399 => (0x7fef_ffff_ffff_ffffu64) - i as u64,
                400..=599 => (0x0010_0000_0000_0000u64) + i as u64 - 500,
                _ => xorshift(&mut st) & 0x7fff_ffff_ffff_ffff,
            };
            let x = f64::from_bits(bits);
            if !x.is_finite() || x == 0.0 {
                continue;
            }
            for sig in [15usize, 17, 25, 40] {
                let (d, k) = exact_str(x, Cut::Significant(sig));
                let text = format!("0.{d}e{k}");
                let want = text.parse::<f64>().unwrap();
                assert_eq!(read(&d, k).to_bits(), want.to_bits(), "{text}");
            }
            let next = f64::from_bits(bits + 1);
            if next.is_finite() {
                // Halfway to the next double: the hard case, alone and with a digit after.
                let (d, k) = midpoint(x, next);
                let even = if bits & 1 == 0 { x } else { next };
                assert_eq!(read(&d, k).to_bits(), even.to_bits(), "0.{d}e{k}");
                assert_eq!(to_f64(d.as_bytes(), k, true), next, "0.{d}...e{k}");
            }
        }
    }
}
