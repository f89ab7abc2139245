//! Correctly rounded (in all but astronomically rare cases) `exp`, `log`, `log2`, `log10`
//! and `pow`, evaluated in double-double arithmetic (about 104 bits) and rounded once.
//!
//! Why: the unix port of MicroPython uses the C library's functions, which round these
//! correctly, so `math.exp(1)` prints `2.718281828459045`; the `libm` crate's versions are
//! within one ulp but not always the nearest double. Special values, and results that
//! overflow or become subnormal, are left to `libm`.

/// An unevaluated sum `hi + lo` with `|lo| <= ulp(hi) / 2`.
#[derive(Clone, Copy, Debug)]
struct Dd {
    hi: f64,
    lo: f64,
}

const LN2: Dd = Dd {
    hi: core::f64::consts::LN_2,
    lo: 2.3190468138462996e-17,
};

fn quick_two_sum(a: f64, b: f64) -> Dd {
    let s = a + b;
    Dd {
        hi: s,
        lo: b - (s - a),
    }
}

fn two_sum(a: f64, b: f64) -> Dd {
    let s = a + b;
    let bb = s - a;
    Dd {
        hi: s,
        lo: (a - (s - bb)) + (b - bb),
    }
}

fn two_prod(a: f64, b: f64) -> Dd {
    let p = a * b;
    Dd {
        hi: p,
        lo: libm::fma(a, b, -p),
    }
}

impl Dd {
    fn from(x: f64) -> Dd {
        Dd { hi: x, lo: 0.0 }
    }

    fn add(self, b: Dd) -> Dd {
        let s = two_sum(self.hi, b.hi);
        let t = two_sum(self.lo, b.lo);
        let s = quick_two_sum(s.hi, s.lo + t.hi);
        quick_two_sum(s.hi, s.lo + t.lo)
    }

    fn neg(self) -> Dd {
        Dd {
            hi: -self.hi,
            lo: -self.lo,
        }
    }

    fn mul(self, b: Dd) -> Dd {
        let p = two_prod(self.hi, b.hi);
        quick_two_sum(p.hi, p.lo + (self.hi * b.lo + self.lo * b.hi))
    }

    fn mul_f(self, b: f64) -> Dd {
        let p = two_prod(self.hi, b);
        quick_two_sum(p.hi, p.lo + self.lo * b)
    }

    fn div(self, b: Dd) -> Dd {
        let q1 = self.hi / b.hi;
        let r = self.add(b.mul_f(q1).neg());
        let q2 = r.hi / b.hi;
        let r = r.add(b.mul_f(q2).neg());
        let q3 = r.hi / b.hi;
        quick_two_sum(q1, q2).add(Dd::from(q3))
    }
}

/// exp of a double-double argument with `|a| < 709`; `None` outside the safe range.
fn exp_dd(a: Dd) -> Option<(f64, i32)> {
    if !(a.hi > -708.0 && a.hi < 709.0) {
        return None;
    }
    let k = libm::rint(a.hi / LN2.hi);
    // r = a - k ln2, |r| <= ln2 / 2.
    let r = a.add(LN2.mul_f(k).neg());
    // exp(r) = exp(r / 256) ** 256; the Taylor series of the small argument converges fast.
    let s = Dd {
        hi: r.hi / 256.0,
        lo: r.lo / 256.0,
    };
    let mut t = Dd::from(1.0);
    let mut n = 12.0;
    while n >= 1.0 {
        t = Dd::from(1.0).add(s.mul(t).div(Dd::from(n)));
        n -= 1.0;
    }
    for _ in 0..8 {
        t = t.mul(t);
    }
    Some((t.hi + t.lo, k as i32))
}

/// Scale a rounded mantissa by 2^k, or `None` if the result would not be a normal double
/// (where scaling after rounding could round twice).
fn scale(m: f64, k: i32) -> Option<f64> {
    let r = libm::scalbn(m, k);
    if r.is_finite() && r.abs() >= f64::MIN_POSITIVE {
        Some(r)
    } else {
        None
    }
}

pub fn exp(x: f64) -> f64 {
    match exp_dd(Dd::from(x)).and_then(|(m, k)| scale(m, k)) {
        Some(r) => r,
        None => libm::exp(x),
    }
}

/// Natural log of a finite positive double, as a double-double.
fn log_dd(x: f64) -> Dd {
    let (mut m, mut e) = libm::frexp(x);
    if m < core::f64::consts::FRAC_1_SQRT_2 {
        m *= 2.0;
        e -= 1;
    }
    // log(m) = 2 atanh(s) with s = (m - 1) / (m + 1), |s| < 0.172.
    let s = Dd::from(m - 1.0).div(two_sum(m, 1.0));
    let s2 = s.mul(s);
    let mut t = Dd::from(1.0).div(Dd::from(45.0));
    let mut n = 21.0;
    while n >= 0.0 {
        t = t.mul(s2).add(Dd::from(1.0).div(Dd::from(2.0 * n + 1.0)));
        n -= 1.0;
    }
    let lm = s.mul(t).mul_f(2.0);
    LN2.mul_f(e as f64).add(lm)
}

fn finite_positive_normal(x: f64) -> bool {
    x.is_finite() && x >= f64::MIN_POSITIVE
}

pub fn log(x: f64) -> f64 {
    if !finite_positive_normal(x) {
        return libm::log(x);
    }
    let l = log_dd(x);
    l.hi + l.lo
}

pub fn log2(x: f64) -> f64 {
    if !finite_positive_normal(x) {
        return libm::log2(x);
    }
    let l = log_dd(x).div(LN2);
    l.hi + l.lo
}

/// log10 the way the C library computes it (the classic fdlibm scheme on top of a
/// correctly rounded natural log), which is what CPython and MicroPython print; it is not
/// always the nearest double, so the double-double quotient would differ.
pub fn log10(x: f64) -> f64 {
    if !finite_positive_normal(x) {
        return libm::log10(x);
    }
    const IVLN10: f64 = core::f64::consts::LOG10_E;
    const LOG10_2HI: f64 = 0.30102999566361177;
    const LOG10_2LO: f64 = 3.694239077158931e-13;
    let bits = x.to_bits();
    let k = ((bits >> 52) & 0x7ff) as i64 - 1023;
    // Mantissa scaled into [1, 2), or [0.5, 1) for negative exponents.
    let i = (k < 0) as i64;
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | (((0x3ff - i) as u64) << 52));
    let y = (k + i) as f64;
    let z = y * LOG10_2LO + IVLN10 * log(m);
    z + y * LOG10_2HI
}

pub fn pow(x: f64, y: f64) -> f64 {
    if !y.is_finite() || y == 0.0 || x == 1.0 || !x.is_finite() || x == 0.0 {
        return libm::pow(x, y);
    }
    let neg = if x < 0.0 {
        if y != libm::trunc(y) {
            return libm::pow(x, y);
        }
        // Odd integral powers of negatives are negative.
        libm::fmod(y, 2.0) != 0.0
    } else {
        false
    };
    let ax = x.abs();
    if ax < f64::MIN_POSITIVE {
        return libm::pow(x, y);
    }
    let p = log_dd(ax).mul_f(y);
    match exp_dd(p).and_then(|(m, k)| scale(m, k)) {
        Some(r) => {
            if neg {
                -r
            } else {
                r
            }
        }
        None => libm::pow(x, y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_correctly_rounded_values() {
        // Values from CPython on glibc (correctly rounded).
        assert_eq!(exp(1.0), core::f64::consts::E);
        assert_eq!(exp(-2.7390000000000003), 0.0646349495359995);
        assert_eq!(exp(3.189), 24.264151155818123);
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(log(3.0), 1.0986122886681098);
        assert_eq!(log(0.020999999999999908), -3.8632328412587182);
        assert_eq!(log(4.764), 1.5610876514930536);
        assert_eq!(log(1.0), 0.0);
        assert_eq!(log10(1000.0), 3.0);
        assert_eq!(log10(2.0), core::f64::consts::LOG10_2);
        assert_eq!(log2(8.0), 3.0);
        assert_eq!(log2(3.0), 1.584962500721156);
        assert_eq!(pow(2.0, 1.5), 2.8284271247461903);
        assert_eq!(pow(0.5, 1.5), 0.3535533905932738);
        assert_eq!(pow(7.0, 1.5), 18.520259177452136);
        assert_eq!(pow(2.0, 10.0), 1024.0);
        assert_eq!(pow(-2.0, 3.0), -8.0);
        assert_eq!(pow(-2.0, 2.0), 4.0);
        assert_eq!(pow(10.0, -2.0), 0.01);
        assert!(pow(-2.0, 0.5).is_nan());
        assert_eq!(pow(2.0, 1024.0), f64::INFINITY);
        assert_eq!(pow(2.0, -1074.0), 5e-324);
        assert_eq!(exp(710.0), f64::INFINITY);
        assert_eq!(exp(-1000.0), 0.0);
        assert!(log(-1.0).is_nan());
        assert_eq!(log(0.0), f64::NEG_INFINITY);
    }
}
