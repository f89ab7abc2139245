//! Single-precision sine, cosine, tangent, arcsine and log-gamma for `float32` builds,
//! computed without any double arithmetic, so that the firmware links no double soft-float
//! routines (libm's single-precision trigonometry works in doubles inside).
//!
//! The trigonometric functions reduce their argument exactly in integers: `|x| * 2/π` is
//! formed from the 24-bit mantissa and a 96-bit window of the bits of 2/π, which leaves the
//! quadrant and a 64-bit fraction for any finite `x`. The remainder's sine and cosine come
//! from their Taylor series in 64-bit fixed point, and only the final rounding is in
//! floating point, so results are correctly rounded but for rare cases.

/// The bits of 2/π after 37 zero bits (so that the window for the smallest argument
/// reduced, 2**-12, starts inside the table), most significant first.
const TWO_OVER_PI: [u32; 8] = [
    0x0000_0000,
    0x0517_cc1b,
    0x7272_20a9,
    0x4fe1_3abe,
    0x8fa9_a6ee,
    0x06db_14ac,
    0xc9e2_1c82,
    0x0ff2_8b1d,
];
const PAD: i32 = 37;

/// π/2 in fixed point with 63 fraction bits.
const PIO2_Q63: u64 = 0xc90f_daa2_2168_c235;

/// One in the fixed point with 63 fraction bits that the series work in.
const ONE: u64 = 1 << 63;

/// The high 64 bits of a 64 x 64-bit product (less than 3 units low: the low halves'
/// product and the carries out of the low word are left out).
fn mulhi(a: u64, b: u64) -> u64 {
    let (a1, a0) = (a >> 32, a & 0xffff_ffff);
    let (b1, b0) = (b >> 32, b & 0xffff_ffff);
    a1 * b1 + ((a1 * b0) >> 32) + ((a0 * b1) >> 32)
}

/// `m * 2**-e` rounded to single precision (`m` nonzero, result a normal number).
fn scaled(m: u64, e: i32) -> f32 {
    let bits = (m as f32).to_bits();
    f32::from_bits(bits.wrapping_sub((e as u32) << 23))
}

/// `1 - z/(n(n+1)) * (1 - z/((n+2)(n+3)) * (...))` over seven factors, with `z` in fixed
/// point with 62 fraction bits and the result with 63: the Taylor series of `sin(r)/r`
/// (`n` = 2) and of `cos(r)` (`n` = 1) in `z = r*r`.
fn series(z: u64, n: u64) -> u64 {
    let mut t = ONE;
    for i in (0..7).rev() {
        let k = n + 2 * i;
        t = ONE - (mulhi(t, z) << 2) / (k * (k + 1));
    }
    t
}

/// `|x|`'s remainder modulo π/2, as the quadrant `q` (mod 4), whether the remainder is
/// negative, and its magnitude `r = m * 2**-(63 + s)` (`m` has its top bit at 63 or 62);
/// for `2**-12 <= |x| < inf`. `m` is 0 only if the remainder is (never for such `x`).
fn reduce(abs_bits: u32) -> (u32, bool, u64, i32) {
    let mant = u64::from((abs_bits & 0x7f_ffff) | 0x80_0000);
    let e = (abs_bits >> 23) as i32 - 150;
    // Bits of 2/π weighing 4 or more in the product only add multiples of 4: start the
    // window at the bit of weight 2 (bit e - 1 of 2/π, counting the first after the point
    // as 1), where the table has it at bit PAD + e - 2.
    let p = (PAD + e - 2).max(0) as usize;
    let (k, sh) = (p / 32, p % 32);
    let word = |i: usize| -> u64 {
        let hi = u64::from(TWO_OVER_PI.get(k + i).copied().unwrap_or(0));
        let lo = u64::from(TWO_OVER_PI.get(k + i + 1).copied().unwrap_or(0));
        (((hi << 32) | lo) << sh) >> 32
    };
    // mant * window = x * 2/π * 2**94 (mod 4 * 2**94): quadrant at bits 94-95, fraction below.
    let lo = mant * word(2);
    let mid = mant * word(1) + (lo >> 32);
    let hi = mant * word(0) + (mid >> 32);
    let quadrant = (hi >> 30) as u32 & 3;
    let frac = ((hi & 0x3fff_ffff) << 34) | ((mid & 0xffff_ffff) << 2) | ((lo >> 30) & 3);
    // Round to the nearest quadrant so the remainder is within ±π/4.
    let (q, neg, f) = if frac >> 63 != 0 {
        (quadrant.wrapping_add(1), true, frac.wrapping_neg())
    } else {
        (quadrant, false, frac)
    };
    if f == 0 {
        return (q, neg, 0, 0);
    }
    let s = f.leading_zeros() as i32;
    (q, neg, mulhi(f << s, PIO2_Q63), s)
}

/// The sine and cosine series of a reduced remainder: `sin(r) = sm * 2**-(62 + s)` and
/// `cos(r) = cm * 2**-63`.
fn sin_cos(m: u64, s: i32) -> (u64, u64) {
    let z = mulhi(m, m).checked_shr(2 * s as u32).unwrap_or(0);
    (mulhi(m, series(z, 2)), series(z, 1))
}

/// Which trigonometric function [`trig`] computes.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Sin,
    Cos,
    Tan,
}

fn trig(x: f32, kind: Kind) -> f32 {
    let bits = x.to_bits();
    let abs = bits & 0x7fff_ffff;
    if abs >= 0x7f80_0000 {
        return f32::NAN;
    }
    if abs < 0x3980_0000 {
        // |x| < 2**-12: the series' second term is below half an ulp.
        return if kind == Kind::Cos { 1.0 } else { x };
    }
    let (q, neg_r, m, s) = reduce(abs);
    if m == 0 {
        return if kind == Kind::Cos { 1.0 } else { 0.0 };
    }
    let (sm, cm) = sin_cos(m, s);
    let sin_r = || scaled(sm, 62 + s);
    let cos_r = || scaled(cm, 63);
    let (val, negative) = match kind {
        // sin(x) for quadrants 0-3: sin r, cos r, -sin r, -cos r (r signed).
        Kind::Sin => {
            let v = if q & 1 == 0 { sin_r() } else { cos_r() };
            let neg = (q & 2 != 0) ^ (q & 1 == 0 && neg_r) ^ (bits >> 31 != 0);
            (v, neg)
        }
        // cos(x): cos r, -sin r, -cos r, sin r.
        Kind::Cos => {
            let v = if q & 1 == 0 { cos_r() } else { sin_r() };
            let neg = ((q + 1) & 2 != 0) ^ (q & 1 != 0 && neg_r);
            (v, neg)
        }
        // tan(x): tan r in even quadrants, -1/tan r in odd ones.
        Kind::Tan => {
            let v = if q & 1 == 0 {
                scaled(quotient(sm, cm), QBITS - 1 + s)
            } else {
                scaled(quotient(cm, sm), QBITS + 1 - s)
            };
            let neg = (q & 1 != 0) ^ neg_r ^ (bits >> 31 != 0);
            (v, neg)
        }
    };
    if negative {
        -val
    } else {
        val
    }
}

/// Fraction bits of [`quotient`].
const QBITS: i32 = 40;

/// `num / den * 2**QBITS` truncated, with a sticky lowest bit when inexact, by long
/// division (`den` nonzero and below 2**63, `num / den` below 8).
fn quotient(num: u64, den: u64) -> u64 {
    let mut q = num / den;
    let mut rem = num % den;
    for _ in 0..QBITS {
        q <<= 1;
        rem <<= 1;
        if rem >= den {
            rem -= den;
            q |= 1;
        }
    }
    q | u64::from(rem != 0)
}

pub fn sin(x: f32) -> f32 {
    trig(x, Kind::Sin)
}

pub fn cos(x: f32) -> f32 {
    trig(x, Kind::Cos)
}

pub fn tan(x: f32) -> f32 {
    trig(x, Kind::Tan)
}

/// `(asin(x) - x) / x**3` as a rational function of `z = x*x`, for `|x| <= 0.5`.
fn asin_r(z: f32) -> f32 {
    let p = z * (1.666_658_7e-1 + z * (-4.274_342_2e-2 + z * -8.656_363e-3));
    let q = 1.0 + z * -7.066_296_3e-1;
    p / q
}

pub fn asin(x: f32) -> f32 {
    const PIO2_HI: f32 = 1.570_796_4;
    const PIO2_LO: f32 = -4.371_139e-8;
    const PIO4_HI: f32 = core::f32::consts::FRAC_PI_4;
    let a = x.abs();
    if a.is_nan() || a > 1.0 {
        return f32::NAN;
    }
    if a < 0.5 {
        if a < 1.0 / 4096.0 {
            return x;
        }
        return x + x * asin_r(x * x);
    }
    // asin(a) = π/2 - 2 asin(s) with s = sqrt((1 - a)/2) at most 1/2.
    let z = (1.0 - a) * 0.5;
    let s = libm::sqrtf(z);
    let w = asin_r(z);
    let v = if a >= 0.975 {
        PIO2_HI - (2.0 * (s + s * w) - PIO2_LO)
    } else {
        // s's leading 12 bits `h` square exactly; `c` carries sqrt(z) - h to full precision.
        let h = f32::from_bits(s.to_bits() & 0xffff_f000);
        let c = (z - h * h) / (s + h);
        let p = 2.0 * s * w - (PIO2_LO - 2.0 * c);
        let qh = PIO4_HI - 2.0 * h;
        PIO4_HI - (p - qh)
    };
    if x < 0.0 {
        -v
    } else {
        v
    }
}

/// A finite float's mantissa and exponent: `x = m * 2**e`.
fn parts(x: f32) -> (u64, i32) {
    let bits = x.to_bits();
    let exp = ((bits >> 23) & 0xff) as i32;
    match exp {
        0 => (u64::from(bits & 0x7f_ffff), -149),
        _ => (u64::from((bits & 0x7f_ffff) | 0x80_0000), exp - 150),
    }
}

/// `sin(πu)` for `0 < u <= 1/2`, from the fixed-point series of `πu` (or of
/// `π(1/2 - u)`, exact, for the cosine above 1/4).
#[inline(never)]
fn sinpi(u: f32) -> f32 {
    if u >= 0.5 {
        return 1.0;
    }
    let v = if u <= 0.25 { u } else { 0.5 - u };
    let (mv, ev) = parts(v);
    let nz = mv.leading_zeros();
    // πv = m * 2**-(63 + s), with the top bit of m at 62 or 63.
    let m = mulhi(mv << nz, PIO2_Q63);
    let s = nz as i32 - ev - 65;
    let (sm, cm) = sin_cos(m, s);
    if u <= 0.25 {
        scaled(sm, 62 + s)
    } else {
        scaled(cm, 63)
    }
}

/// `c[0] + y * (c[1] + y * (c[2] + ...))`, innermost product first (the evaluation order
/// of the unrolled polynomials it replaces, so results are the same to the bit).
#[inline(never)]
fn horner(y: f32, c: &[f32]) -> f32 {
    let mut acc = 0.0;
    let mut first = true;
    for &k in c.iter().rev() {
        acc = if first { k } else { k + y * acc };
        first = false;
    }
    acc
}

// The coefficients of the polynomial and rational approximations of FreeBSD's (Sun's)
// single-precision lgamma, as in the `libm` crate, grouped in evaluation order (written as
// there: the same text rounds to the same floats).
/// Around the minimum, `y = x - tc`, in `w = y³`: the three interleaved series.
#[allow(clippy::excessive_precision)]
const LG_T: [[f32; 5]; 3] = [
    [
        4.8383611441e-01,
        -3.2788541168e-02,
        6.1005386524e-03,
        -1.4034647029e-03,
        3.1563205994e-04,
    ],
    [
        -1.4758771658e-01,
        1.7970675603e-02,
        -3.6845202558e-03,
        8.8108185446e-04,
        -3.1275415677e-04,
    ],
    [
        6.4624942839e-02,
        -1.0314224288e-02,
        2.2596477065e-03,
        -5.3859531181e-04,
        3.3552918467e-04,
    ],
];
/// Near 1 and 2, `y = 1 - x` or `2 - x`, in `z = y²`: even and odd coefficients.
#[allow(clippy::excessive_precision)]
const LG_A: [[f32; 6]; 2] = [
    [
        7.7215664089e-02,
        6.7352302372e-02,
        7.3855509982e-03,
        1.1927076848e-03,
        2.2086278477e-04,
        2.5214456400e-05,
    ],
    [
        3.2246702909e-01,
        2.0580807701e-02,
        2.8905137442e-03,
        5.1006977446e-04,
        1.0801156895e-04,
        4.4864096708e-05,
    ],
];
/// Below 1.23 and above 0.9 down to 0.23, `y = x - 1` or `x`: numerator and denominator.
#[allow(clippy::excessive_precision)]
const LG_U: [f32; 6] = [
    -7.7215664089e-02,
    6.3282704353e-01,
    1.4549225569e+00,
    9.7771751881e-01,
    2.2896373272e-01,
    1.3381091878e-02,
];
#[allow(clippy::excessive_precision)]
const LG_V: [f32; 6] = [
    1.0,
    2.4559779167e+00,
    2.1284897327e+00,
    7.6928514242e-01,
    1.0422264785e-01,
    3.2170924824e-03,
];
/// From 2 to 8, on the fraction: numerator and denominator.
#[allow(clippy::excessive_precision)]
const LG_S: [f32; 7] = [
    -7.7215664089e-02,
    2.1498242021e-01,
    3.2577878237e-01,
    1.4635047317e-01,
    2.6642270386e-02,
    1.8402845599e-03,
    3.1947532989e-05,
];
#[allow(clippy::excessive_precision)]
const LG_R: [f32; 7] = [
    1.0,
    1.3920053244e+00,
    7.2193557024e-01,
    1.7193385959e-01,
    1.8645919859e-02,
    7.7794247773e-04,
    7.3266842264e-06,
];
/// Stirling's correction from 8 on, in `1/x` (first term) and `1/x²`.
#[allow(clippy::excessive_precision)]
const LG_W0: f32 = 4.1893854737e-01;
#[allow(clippy::excessive_precision)]
const LG_W: [f32; 6] = [
    8.3333335817e-02,
    -2.7777778450e-03,
    7.9365057172e-04,
    -5.9518753551e-04,
    8.3633989561e-04,
    -1.6309292987e-03,
];
/// The abscissa of gamma's minimum, and lgamma there (head and negated tail).
#[allow(clippy::excessive_precision)]
const LG_TC: f32 = 1.4616321325e+00;
#[allow(clippy::excessive_precision)]
const LG_TF: f32 = -1.2148628384e-01;
#[allow(clippy::excessive_precision)]
const LG_TT: f32 = 6.6971006518e-09;

/// `lgamma(x)` for `x >= 0` (or NaN): the results of libm's `lgammaf_r` bit for bit, with
/// its polynomials evaluated from tables by one loop instead of unrolled (a kilobyte less
/// flash in soft-float calls).
fn lgamma_pos(x: f32) -> f32 {
    let ix = x.to_bits();
    if ix >= 0x7f80_0000 {
        return x * x;
    }
    if ix < 0x3500_0000 {
        return -libm::logf(x);
    }
    if ix == 0x3f80_0000 || ix == 0x4000_0000 {
        return 0.0;
    }
    if ix < 0x4000_0000 {
        // (offset of y, which approximation, whether y = offset - x, r starts at -ln x)
        let (r, y, i) = if ix <= 0x3f66_6666 {
            let r = -libm::logf(x);
            if ix >= 0x3f3b_4a20 {
                (r, 1.0 - x, 0)
            } else if ix >= 0x3e6d_3308 {
                (r, x - (LG_TC - 1.0), 1)
            } else {
                (r, x, 2)
            }
        } else if ix >= 0x3fdd_a618 {
            (0.0, 2.0 - x, 0)
        } else if ix >= 0x3f9d_a620 {
            (0.0, x - LG_TC, 1)
        } else {
            (0.0, x - 1.0, 2)
        };
        return match i {
            0 => {
                let z = y * y;
                let p1 = horner(z, &LG_A[0]);
                let p2 = z * horner(z, &LG_A[1]);
                let p = y * p1 + p2;
                r + (p - 0.5 * y)
            }
            1 => {
                let z = y * y;
                let w = z * y;
                let p1 = horner(w, &LG_T[0]);
                let p2 = horner(w, &LG_T[1]);
                let p3 = horner(w, &LG_T[2]);
                let p = z * p1 - (LG_TT - w * (p2 + y * p3));
                r + (LG_TF + p)
            }
            _ => {
                let p1 = y * horner(y, &LG_U);
                let p2 = horner(y, &LG_V);
                r + (-0.5 * y + p1 / p2)
            }
        };
    }
    if ix < 0x4100_0000 {
        let i = x as i32;
        let y = x - i as f32;
        let p = y * horner(y, &LG_S);
        let q = horner(y, &LG_R);
        let mut r = 0.5 * y + p / q;
        // lgamma(y + i) = lgamma(y + 2) + ln((y + 2) ... (y + i - 1)), highest factor first.
        let mut z = 1.0;
        for k in (2..i).rev() {
            z *= y + k as f32;
        }
        if i >= 3 {
            r += libm::logf(z);
        }
        return r;
    }
    if ix < 0x5c80_0000 {
        let t = libm::logf(x);
        let z = 1.0 / x;
        let y = z * z;
        let w = LG_W0 + z * horner(y, &LG_W);
        return (x - 0.5) * (t - 1.0) + w;
    }
    x * (libm::logf(x) - 1.0)
}

/// `lgamma(x)` and the sign of `gamma(x)`; `+inf` at the poles (0 and negative integers).
/// [`lgamma_pos`] for `|x|`, and libm's reflection with [`sinpi`] (libm takes the sine in
/// doubles) for negative `x`: `lgamma(x) = ln(π / |x sin(πx)|) - lgamma(-x)`.
pub fn lgamma_r(x: f32) -> (f32, i32) {
    // Bits order non-negative floats as the floats do, and compare without soft-float calls.
    let bits = x.to_bits();
    let ab = bits & 0x7fff_ffff;
    let a = f32::from_bits(ab);
    let r = lgamma_pos(a);
    // x >= 0 (-0 included), NaN or infinite.
    if bits <= 0x8000_0000 || ab >= 0x7f80_0000 {
        return (r, 1);
    }
    // Below 2**-21.
    if ab < 0x3500_0000 {
        // gamma(x) is about 1/x: r is -ln|x|.
        return (r, -1);
    }
    if libm::truncf(a) == a {
        return (f32::INFINITY, 1);
    }
    let mut u = libm::fmodf(a, 2.0);
    let mut sign = -1;
    if u.to_bits() > 0x3f80_0000 {
        u -= 1.0;
        sign = 1;
    }
    if u.to_bits() > 0x3f00_0000 {
        u = 1.0 - u;
    }
    let nadj = libm::logf(core::f32::consts::PI / (sinpi(u) * a));
    (nadj - r, sign)
}

pub fn lgamma(x: f32) -> f32 {
    lgamma_r(x).0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Units in the last place between `a` and the exact `b`.
    fn ulps(a: f32, b: f64) -> f64 {
        let ulp = f64::from(f32::from_bits((b.abs() as f32).to_bits() + 1) - (b.abs() as f32));
        (f64::from(a) - b).abs() / ulp
    }

    fn args() -> impl Iterator<Item = f32> {
        let mut v: u32 = 12345;
        (0..20000).map(move |_| {
            v = v.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            // Exponents from 2**-14 to 2**24, and some far beyond.
            let e = 113 + (v >> 8) % 40;
            let e = if v & 7 == 0 { 150 + (v >> 3) % 100 } else { e };
            f32::from_bits((e << 23) | (v >> 9) | (v & 0x8000_0000))
        })
    }

    #[test]
    fn trig_within_an_ulp() {
        for x in args() {
            let xd = f64::from(x);
            assert!(ulps(sin(x), libm::sin(xd)) <= 0.51, "sin {x}");
            assert!(ulps(cos(x), libm::cos(xd)) <= 0.51, "cos {x}");
            assert!(ulps(tan(x), libm::tan(xd)) <= 0.51, "tan {x}");
        }
    }

    #[test]
    fn trig_special() {
        assert!(sin(f32::INFINITY).is_nan() && cos(f32::NAN).is_nan());
        assert_eq!(sin(0.0), 0.0);
        assert_eq!(cos(0.0), 1.0);
        assert_eq!(sin(-1e-30).to_bits(), (-1e-30f32).to_bits());
        assert_eq!(tan(1e-5), 1e-5);
        // Near multiples of π/2, and the largest float.
        for x in [
            core::f32::consts::FRAC_PI_2,
            core::f32::consts::PI,
            4.712_389,
            1e30,
            -1e30,
            f32::MAX,
            16_367_173.0,
        ] {
            let xd = f64::from(x);
            assert!(ulps(sin(x), libm::sin(xd)) <= 0.51, "sin {x}");
            assert!(ulps(cos(x), libm::cos(xd)) <= 0.51, "cos {x}");
            assert!(ulps(tan(x), libm::tan(xd)) <= 0.51, "tan {x}");
        }
    }

    #[test]
    fn asin_accuracy() {
        for i in -1000..=1000 {
            let x = i as f32 / 1000.0;
            assert!(ulps(asin(x), libm::asin(f64::from(x))) <= 1.0, "asin {x}");
        }
        assert!(asin(1.5).is_nan());
        assert_eq!(asin(1.0), core::f32::consts::FRAC_PI_2);
    }

    #[test]
    fn sinpi_correctly_rounded() {
        for i in 1..=5000 {
            let u = i as f32 / 10000.0;
            let want = libm::sin(core::f64::consts::PI * f64::from(u));
            assert!(ulps(sinpi(u), want) <= 0.5, "sinpi {u}");
        }
    }

    /// Bit for bit libm's lgammaf on non-negative arguments: every 97th float, and all of
    /// those from 0.125 to 8 where the approximations change.
    #[test]
    fn lgamma_as_libm() {
        let check = |bits: u32| {
            let x = f32::from_bits(bits);
            let (want, _) = libm::lgammaf_r(x);
            let got = lgamma_pos(x);
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "lgamma {x:e}: {got:e} vs {want:e}"
            );
        };
        for bits in (0..0x7fc0_0000u32).step_by(97) {
            check(bits);
        }
        for bits in 0x3e00_0000..0x4100_0000 {
            check(bits);
        }
        for bits in [
            0,
            1,
            0x3500_0000,
            0x3f80_0000,
            0x4000_0000,
            0x5c80_0000,
            0x7f7f_ffff,
        ] {
            check(bits);
            check(bits.wrapping_sub(1) & 0x7fff_ffff);
        }
        check(0x7f80_0000);
        check(0x7fc0_0000);
    }

    #[test]
    fn lgamma_accuracy() {
        assert_eq!(lgamma(1.0), 0.0);
        assert_eq!(lgamma(2.0), 0.0);
        assert_eq!(lgamma(0.0), f32::INFINITY);
        assert_eq!(lgamma(-3.0), f32::INFINITY);
        assert_eq!(lgamma_r(-0.5).1, -1);
        assert_eq!(lgamma_r(-1.5).1, 1);
        for i in 1..4000 {
            let x = i as f32 / 97.0 - 20.0;
            let (want, _) = libm::lgamma_r(f64::from(x));
            let got = f64::from(lgamma(x));
            if !want.is_finite() {
                continue;
            }
            // Relative error, or absolute near lgamma's zeros.
            let err = (got - want).abs() / want.abs().max(1.0);
            assert!(err < 1e-6, "lgamma {x}: {got} vs {want}");
        }
    }
}
