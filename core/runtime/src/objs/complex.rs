//! `complex`: a heap-boxed pair of `Real` (MicroPython's `py/objcomplex.c`): arithmetic with
//! ints, floats and complexes, `.real`/`.imag`, abs, and parsing from strings.

use crate::mem;
use crate::obj::{flags, AttrOp, ObjBase, Print, PrintKind, PyResult, Type};
use crate::objs::float::{self, Real};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;
use upy_compiler::bc::{binary as op, unary as uop};

#[repr(C)]
pub struct Complex {
    pub base: ObjBase,
    pub real: Real,
    pub imag: Real,
}

pub fn new(real: Real, imag: Real) -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(Complex {
        base: ObjBase::new(&TYPE),
        real,
        imag,
    })?))
}

/// The parts of a complex value (or the native part of a complex subclass instance).
pub fn parts(v: Value) -> Option<(Real, Real)> {
    let c = match v.downcast::<Complex>(&TYPE) {
        Some(c) => c,
        None => crate::objs::r#type::native_of(v)?.downcast::<Complex>(&TYPE)?,
    };
    Some((c.real, c.imag))
}

pub fn is_complex(v: Value) -> bool {
    parts(v).is_some()
}

/// Any number as a complex (upstream's `mp_obj_get_complex_maybe`).
pub fn to_complex(v: Value) -> Option<(Real, Real)> {
    if let Some(p) = parts(v) {
        return Some(p);
    }
    float::to_f64(v).map(|x| (x, 0.0))
}

/// As [`to_complex`], also trying `__complex__` and `__float__`, with upstream's TypeError.
pub fn get_complex(v: Value) -> PyResult<(Real, Real)> {
    if let Some(p) = to_complex(v) {
        return Ok(p);
    }
    if let Some(f) = v.type_of().unary_op {
        if let Some(r) = f(uop::COMPLEX_MAYBE, v)? {
            if let Some(p) = parts(r) {
                return Ok(p);
            }
        }
        if let Some(r) = f(uop::FLOAT_MAYBE, v)? {
            if let Some(x) = float::to_f64(r) {
                return Ok((x, 0.0));
            }
        }
    }
    Err(raise::type_error_fmt(format_args!(
        "can't convert {} to complex",
        v.type_of().name.as_str()
    )))
}

/// Write `x` in repr form without the `.0` a float repr would add for integral values.
fn write_part(out: &mut dyn Print, x: Real, show_sign: bool) -> PyResult<()> {
    let mut buf = [0u8; 32];
    let t = float::repr_text(x, &mut buf);
    if show_sign && (!x.is_sign_negative() || x.is_nan()) {
        out.write_str("+")?;
    }
    out.write_str(t.strip_suffix(".0").unwrap_or(t))
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let (re, im) = parts(v).unwrap_or((0.0, 0.0));
    // Only a real part of +0.0 is left out (CPython shows -0.0 as "(-0-1j)").
    if re != 0.0 || re.is_sign_negative() {
        out.write_str("(")?;
        write_part(out, re, false)?;
        write_part(out, im, true)?;
        out.write_str("j)")
    } else {
        write_part(out, im, false)?;
        out.write_str("j")
    }
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(raise::type_error("function doesn't take keyword arguments"));
    }
    match args {
        [] => new(0.0, 0.0),
        [x] => {
            if crate::objs::str::is_str(*x) {
                let b = crate::objs::str::as_bytes(*x).unwrap_or(&[]);
                return float::parse_decimal(b, true, true);
            }
            if x.is_type(&TYPE) {
                return Ok(*x);
            }
            let (re, im) = get_complex(*x)?;
            new(re, im)
        }
        [a, b] => {
            let (mut re, mut im) = match parts(*a) {
                Some(p) => p,
                None => (float::get_f64(*a)?, 0.0),
            };
            match parts(*b) {
                Some((r2, i2)) => {
                    re -= i2;
                    im += r2;
                }
                // A real imaginary part is taken as is, keeping the sign of -0.0 like CPython.
                None if parts(*a).is_none() => im = float::get_f64(*b)?,
                None => im += float::get_f64(*b)?,
            }
            new(re, im)
        }
        _ => Err(crate::objs::list::too_many_args(2, args.len())),
    }
}

/// `(ar + ai j) op (br + bi j)` for plain and in-place ops.
pub fn complex_op(o: u8, ar: Real, ai: Real, br: Real, bi: Real) -> PyResult<Value> {
    let o = if (op::INPLACE_OR..=op::INPLACE_POWER).contains(&o) {
        o + op::INPLACE_TO_PLAIN
    } else {
        o
    };
    let mul = |ar: Real, ai: Real, br: Real, bi: Real| (ar * br - ai * bi, ar * bi + ai * br);
    let (r, i) = match o {
        op::ADD => (ar + br, ai + bi),
        op::SUBTRACT => (ar - br, ai - bi),
        op::MULTIPLY => mul(ar, ai, br, bi),
        op::FLOOR_DIVIDE | op::MODULO | op::DIVMOD => {
            return Err(raise::type_error("can't truncate-divide a complex number"))
        }
        // As upstream's float32 boards: by the reciprocal's parts, and powers through
        // exp/log (their rounding shows in single precision).
        #[cfg(feature = "float32")]
        op::TRUE_DIVIDE => {
            if bi == 0.0 {
                if br == 0.0 {
                    return Err(raise::zero_division_error("complex divide by zero"));
                }
                (ar / br, ai / br)
            } else if br == 0.0 {
                (ai / bi, -ar / bi)
            } else {
                let len_sq = br * br + bi * bi;
                mul(ar, ai, br / len_sq, bi / -len_sq)
            }
        }
        #[cfg(feature = "float32")]
        op::POWER => {
            let abs = float::m::sqrt(ar * ar + ai * ai);
            if abs == 0.0 {
                if !(bi == 0.0 && br >= 0.0) {
                    return Err(raise::zero_division_error("0.0 to a complex power"));
                }
                (Real::from(u8::from(br == 0.0)), ai)
            } else {
                let ln = float::accurate::log(abs);
                let arg = float::accurate::atan2(ai, ar);
                let x = br * ln - bi * arg;
                let y = bi * ln + br * arg;
                let e = float::accurate::exp(x);
                (e * float::accurate::cos(y), e * float::accurate::sin(y))
            }
        }
        #[cfg(not(feature = "float32"))]
        op::TRUE_DIVIDE => {
            // Smith's algorithm, as CPython: scaling by the larger part keeps precision.
            if br == 0.0 && bi == 0.0 {
                return Err(raise::zero_division_error("complex divide by zero"));
            }
            if float::m::fabs(br) >= float::m::fabs(bi) {
                let ratio = bi / br;
                let denom = br + bi * ratio;
                ((ar + ai * ratio) / denom, (ai - ar * ratio) / denom)
            } else if float::m::fabs(bi) >= float::m::fabs(br) {
                let ratio = br / bi;
                let denom = br * ratio + bi;
                ((ar * ratio + ai) / denom, (ai * ratio - ar) / denom)
            } else {
                (Real::NAN, Real::NAN)
            }
        }
        #[cfg(not(feature = "float32"))]
        op::POWER => {
            if br == 0.0 && bi == 0.0 {
                (1.0, 0.0)
            } else if ar == 0.0 && ai == 0.0 {
                if bi != 0.0 || br < 0.0 {
                    return Err(raise::zero_division_error("0.0 to a complex power"));
                }
                (0.0, 0.0)
            } else if bi == 0.0 && br == float::m::trunc(br) && float::m::fabs(br) <= 100.0 {
                // Small integral powers by repeated multiplication, exact where CPython is.
                let n = br as i32;
                let mut base = (ar, ai);
                let mut acc = (1.0, 0.0);
                let mut k = n.unsigned_abs();
                while k > 0 {
                    if k & 1 == 1 {
                        acc = mul(acc.0, acc.1, base.0, base.1);
                    }
                    base = mul(base.0, base.1, base.0, base.1);
                    k >>= 1;
                }
                if n < 0 {
                    return complex_op(op::TRUE_DIVIDE, 1.0, 0.0, acc.0, acc.1);
                }
                acc
            } else {
                let vabs = float::m::hypot(ar, ai);
                let mut len = float::accurate::pow(vabs, br);
                let at = float::accurate::atan2(ai, ar);
                let mut phase = at * br;
                if bi != 0.0 {
                    len /= float::accurate::exp(at * bi);
                    phase += bi * float::accurate::log(vabs);
                }
                (
                    len * float::accurate::cos(phase),
                    len * float::accurate::sin(phase),
                )
            }
        }
        op::EQUAL => return Ok(Value::from_bool(ar == br && ai == bi)),
        op::NOT_EQUAL => return Ok(Value::from_bool(!(ar == br && ai == bi))),
        _ => return Err(raise::type_error("unsupported operation on complex")),
    };
    new(r, i)
}

fn supported(o: u8) -> bool {
    matches!(
        o,
        op::ADD
            | op::SUBTRACT
            | op::MULTIPLY
            | op::FLOOR_DIVIDE
            | op::TRUE_DIVIDE
            | op::POWER
            | op::EQUAL
            | op::NOT_EQUAL
    )
}

fn binary_op(o: u8, lhs: Value, rhs: Value) -> PyResult<Option<Value>> {
    let Some((ar, ai)) = parts(lhs) else {
        return Ok(None);
    };
    let Some((br, bi)) = to_complex(rhs) else {
        return Ok(None);
    };
    let o = if (op::INPLACE_OR..=op::INPLACE_POWER).contains(&o) {
        o + op::INPLACE_TO_PLAIN
    } else {
        o
    };
    if (op::REVERSE_OR..=op::REVERSE_POWER).contains(&o) {
        let plain = o - op::REVERSE_OR + op::OR;
        if !supported(plain) {
            return Ok(None);
        }
        return complex_op(plain, br, bi, ar, ai).map(Some);
    }
    if !supported(o) {
        return Ok(None);
    }
    complex_op(o, ar, ai, br, bi).map(Some)
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let Some((re, im)) = parts(v) else {
        return Ok(None);
    };
    Ok(Some(match o {
        uop::BOOL => Value::from_bool(re != 0.0 || im != 0.0),
        uop::HASH => {
            let h = float::hash(re) ^ float::hash(im);
            Value::small_int((h << 1) >> 1)
        }
        uop::POSITIVE | uop::COMPLEX_MAYBE => v,
        uop::NEGATIVE => new(-re, -im)?,
        #[cfg(not(feature = "float32"))]
        uop::ABS => float::new(float::m::hypot(re, im))?,
        #[cfg(feature = "float32")]
        uop::ABS => float::new(float::m::sqrt(re * re + im * im))?,
        _ => return Ok(None),
    }))
}

fn attr(obj: Value, name: Qstr, aop: AttrOp) -> PyResult<Option<Value>> {
    if aop != AttrOp::Load {
        return Ok(None);
    }
    let Some((re, im)) = parts(obj) else {
        return Ok(None);
    };
    match name {
        Q::real => float::new(re).map(Some),
        Q::imag => float::new(im).map(Some),
        _ => Ok(None),
    }
}

pub static TYPE: Type = Type {
    name: Q::complex,
    flags: flags::EQ_CHECKS_OTHER_TYPE | flags::EQ_NOT_REFLEXIVE,
    make_new: Some(make_new),
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    attr: Some(attr),
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::state::testing::with_vm;
    use std::string::String;

    fn r(v: Value) -> String {
        let s = crate::runtime::repr(v).unwrap();
        String::from(crate::objs::str::as_str(s).unwrap())
    }

    #[test]
    fn repr_like_cpython() {
        with_vm(|| {
            assert_eq!(r(new(1.0, 2.0).unwrap()), "(1+2j)");
            assert_eq!(r(new(0.0, 1.0).unwrap()), "1j");
            assert_eq!(r(new(1.5, -0.5).unwrap()), "(1.5-0.5j)");
            assert_eq!(r(new(0.0, -2.0).unwrap()), "-2j");
            assert_eq!(r(new(1.0, f64::INFINITY).unwrap()), "(1+infj)");
            assert_eq!(r(new(1e20, 1e-7).unwrap()), "(1e+20+1e-07j)");
            assert_eq!(r(new(-0.0, -1.0).unwrap()), "(-0-1j)");
            assert_eq!(r(new(0.0, -0.0).unwrap()), "-0j");
        });
    }

    #[test]
    fn arithmetic() {
        with_vm(|| {
            let a = new(1.0, 2.0).unwrap();
            let b = new(3.0, -1.0).unwrap();
            assert_eq!(
                r(crate::runtime::binary_op(op::MULTIPLY, a, b).unwrap()),
                "(5+5j)"
            );
            assert_eq!(
                r(crate::runtime::binary_op(op::ADD, Value::small_int(1), a).unwrap()),
                "(2+2j)"
            );
            let f = float::new(2.0).unwrap();
            assert_eq!(
                r(crate::runtime::binary_op(op::SUBTRACT, f, a).unwrap()),
                "(1-2j)"
            );
            assert_eq!(
                r(crate::runtime::binary_op(op::TRUE_DIVIDE, a, Value::small_int(2)).unwrap()),
                "(0.5+1j)"
            );
            assert!(crate::runtime::binary_op(op::TRUE_DIVIDE, a, Value::small_int(0)).is_err());
            assert!(crate::runtime::binary_op(op::FLOOR_DIVIDE, a, b).is_err());
            let i = new(0.0, 1.0).unwrap();
            let sq = crate::runtime::binary_op(op::POWER, i, Value::small_int(2)).unwrap();
            let (re, im) = parts(sq).unwrap();
            assert!((re + 1.0).abs() < 1e-15 && im.abs() < 1e-15);
            assert!(crate::runtime::equal(new(2.0, 0.0).unwrap(), Value::small_int(2)).unwrap());
            assert_eq!(
                r(crate::runtime::unary_op(uop::ABS, new(3.0, 4.0).unwrap()).unwrap()),
                "5.0"
            );
        });
    }

    #[test]
    fn parsing() {
        with_vm(|| {
            let p = |s: &str| float::parse_decimal(s.as_bytes(), true, true).map(parts);
            assert_eq!(p("1+2j").unwrap(), Some((1.0, 2.0)));
            assert_eq!(p(" -1.5-2.5j ").unwrap(), Some((-1.5, -2.5)));
            assert_eq!(p("j").unwrap(), Some((0.0, 1.0)));
            assert_eq!(p("-j").unwrap(), Some((0.0, -1.0)));
            assert_eq!(p("3").unwrap(), Some((3.0, 0.0)));
            assert_eq!(p("1e3j").unwrap(), Some((0.0, 1000.0)));
            assert!(p("1+2").is_err());
            assert!(p("1j+2").is_err());
            assert!(p("").is_err());
        });
    }
}
