//! The `math` module as MicroPython's unix port has it (`py/modmath.c` with the special
//! functions, factorial, isclose and the extra constants): float functions over `libm`,
//! raising ValueError("math domain error") where the result is NaN or infinite from finite
//! inputs, like upstream.

use crate::obj::{ObjBase, PyErr, PyResult};
use crate::objs::float::{self, get_f64, Float, Real};
use crate::objs::int;
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;

pub static PI: Float = Float {
    base: ObjBase::new(&float::TYPE),
    value: float::consts::PI,
};
pub static E: Float = Float {
    base: ObjBase::new(&float::TYPE),
    value: float::consts::E,
};
static TAU: Float = Float {
    base: ObjBase::new(&float::TYPE),
    value: float::consts::TAU,
};
static INF: Float = Float {
    base: ObjBase::new(&float::TYPE),
    value: Real::INFINITY,
};
static NAN: Float = Float {
    base: ObjBase::new(&float::TYPE),
    value: Real::NAN,
};

#[cold]
fn domain_error() -> PyErr {
    raise::value_error("math domain error")
}

fn generic1(x: Value, f: fn(Real) -> Real) -> PyResult<Value> {
    let x = get_f64(x)?;
    let r = f(x);
    if (r.is_nan() && !x.is_nan()) || (r.is_infinite() && !x.is_infinite()) {
        return Err(domain_error());
    }
    float::new(r)
}

fn generic2(x: Value, y: Value, f: fn(Real, Real) -> Real) -> PyResult<Value> {
    let x = get_f64(x)?;
    let y = get_f64(y)?;
    let r = f(x, y);
    if (r.is_nan() && !x.is_nan() && !y.is_nan())
        || (r.is_infinite() && !x.is_infinite() && !y.is_infinite())
    {
        return Err(domain_error());
    }
    float::new(r)
}

macro_rules! math1 {
    ($($name:ident => $f:expr),* $(,)?) => {$(
        fn $name(x: Value) -> PyResult<Value> {
            generic1(x, $f)
        }
    )*};
}

math1!(
    sqrt => float::m::sqrt,
    exp => float::accurate::exp,
    expm1 => float::m::expm1,
    log2 => float::accurate::log2,
    log10 => float::accurate::log10,
    cosh => float::accurate::cosh,
    sinh => float::accurate::sinh,
    tanh => float::accurate::tanh,
    acosh => float::accurate::acosh,
    asinh => float::accurate::asinh,
    atanh => float::accurate::atanh,
    cos => float::accurate::cos,
    sin => float::accurate::sin,
    tan => float::accurate::tan,
    acos => float::accurate::acos,
    asin => float::accurate::asin,
    atan => float::accurate::atan,
    fabs => float::m::fabs,
    erf => float::m::erf,
    erfc => float::m::erfc,
    gamma => float::m::tgamma,
    lgamma => float::m::lgamma,
);

fn pow(x: Value, y: Value) -> PyResult<Value> {
    generic2(x, y, float::accurate::pow)
}

fn atan2(y: Value, x: Value) -> PyResult<Value> {
    generic2(y, x, float::accurate::atan2)
}

fn copysign(x: Value, y: Value) -> PyResult<Value> {
    generic2(x, y, float::m::copysign)
}

fn fmod(x: Value, y: Value) -> PyResult<Value> {
    generic2(x, y, float::fmod)
}

/// ceil/floor/trunc: ints pass through exactly; floats round and convert.
fn to_int(x: Value, f: fn(Real) -> Real) -> PyResult<Value> {
    if int::is_int(x) && !x.is_bool() {
        return Ok(x);
    }
    int::from_f64(float::widen(f(get_f64(x)?)))
}

fn ceil(x: Value) -> PyResult<Value> {
    to_int(x, float::m::ceil)
}

fn floor(x: Value) -> PyResult<Value> {
    to_int(x, float::m::floor)
}

fn trunc(x: Value) -> PyResult<Value> {
    to_int(x, float::m::trunc)
}

fn isfinite(x: Value) -> PyResult<Value> {
    Ok(Value::from_bool(get_f64(x)?.is_finite()))
}

fn isinf(x: Value) -> PyResult<Value> {
    Ok(Value::from_bool(get_f64(x)?.is_infinite()))
}

fn isnan(x: Value) -> PyResult<Value> {
    Ok(Value::from_bool(get_f64(x)?.is_nan()))
}

fn ldexp(x: Value, e: Value) -> PyResult<Value> {
    let x = get_f64(x)?;
    let e = int::get_isize(e)?.clamp(i32::MIN as isize, i32::MAX as isize) as i32;
    float::new(float::m::scalbn(x, e))
}

fn frexp(x: Value) -> PyResult<Value> {
    let x = get_f64(x)?;
    let (m, e) = if x == 0.0 || !x.is_finite() {
        (x, 0)
    } else {
        float::m::frexp(x)
    };
    let items = [float::new(m)?, Value::small_int(e as isize)];
    crate::objs::tuple::new(&items)
}

fn modf(x: Value) -> PyResult<Value> {
    let x = get_f64(x)?;
    let (frac, ip) = if x.is_infinite() {
        (float::m::copysign(0.0, x), x)
    } else {
        float::m::modf(x)
    };
    let items = [float::new(frac)?, float::new(ip)?];
    crate::objs::tuple::new(&items)
}

fn radians(x: Value) -> PyResult<Value> {
    float::new(get_f64(x)? * (float::consts::PI / 180.0))
}

fn degrees(x: Value) -> PyResult<Value> {
    float::new(get_f64(x)? * (180.0 / float::consts::PI))
}

/// log(x[, base])
fn log(args: &[Value]) -> PyResult<Value> {
    let x = get_f64(args.first().copied().unwrap_or(Value::NONE))?;
    if x <= 0.0 {
        return Err(domain_error());
    }
    let l = float::accurate::log(x);
    match args.get(1) {
        None => float::new(l),
        Some(b) => {
            let base = get_f64(*b)?;
            if base <= 0.0 {
                return Err(domain_error());
            }
            if base == 1.0 {
                return Err(raise::zero_division_error("divide by zero"));
            }
            float::new(l / float::accurate::log(base))
        }
    }
}

fn kwarg(kw: &[Value], name: Qstr) -> Option<Value> {
    kw.chunks_exact(2)
        .find(|p| p.first().and_then(|k| k.as_qstr()) == Some(name))
        .and_then(|p| p.get(1).copied())
}

/// isclose(a, b, *, rel_tol=1e-9, abs_tol=0)
fn isclose(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let [a, b] = args else {
        return Err(raise::type_error("function takes 2 positional arguments"));
    };
    let a = get_f64(*a)?;
    let b = get_f64(*b)?;
    let rel_tol = match kwarg(kw, Q::rel_tol) {
        Some(v) => get_f64(v)?,
        None => 1e-9,
    };
    let abs_tol = match kwarg(kw, Q::abs_tol) {
        Some(v) => get_f64(v)?,
        None => 0.0,
    };
    if rel_tol < 0.0 || abs_tol < 0.0 {
        return Err(domain_error());
    }
    if a == b {
        return Ok(Value::TRUE);
    }
    let diff = float::m::fabs(a - b);
    if diff.is_infinite() {
        return Ok(Value::FALSE);
    }
    Ok(Value::from_bool(
        diff <= abs_tol
            || diff <= float::m::fabs(rel_tol * a)
            || diff <= float::m::fabs(rel_tol * b),
    ))
}

/// Product of start..=end by halving, so the big multiplications are balanced.
fn product(start: u64, end: u64, depth: u32) -> PyResult<Value> {
    use upy_compiler::bc::binary::MULTIPLY;
    if end - start < 8 || depth > 60 {
        let mut acc = int::from_u64(start)?;
        let mut k = start + 1;
        while k <= end {
            acc = crate::runtime::binary_op(MULTIPLY, acc, int::from_u64(k)?)?;
            k += 1;
        }
        return Ok(acc);
    }
    let mid = start + (end - start) / 2;
    let l = product(start, mid, depth + 1)?;
    let r = product(mid + 1, end, depth + 1)?;
    crate::runtime::binary_op(MULTIPLY, l, r)
}

fn factorial(x: Value) -> PyResult<Value> {
    let n = int::get_isize(x)?;
    if n < 0 {
        return Err(raise::value_error("negative factorial"));
    }
    if n <= 1 {
        return Ok(Value::small_int(1));
    }
    product(1, n as u64, 0)
}

pub static GLOBALS: [(Qstr, Value); 46] = [
    (Q::__name__, Value::qstr(Q::math)),
    (Q::e, Value::from_static(&E)),
    (Q::pi, Value::from_static(&PI)),
    (Q::tau, Value::from_static(&TAU)),
    (Q::inf, Value::from_static(&INF)),
    (Q::nan, Value::from_static(&NAN)),
    crate::entry!(sqrt, crate::fun!(sqrt, F1(sqrt))),
    crate::entry!(pow, crate::fun!(pow, F2(pow))),
    crate::entry!(exp, crate::fun!(exp, F1(exp))),
    crate::entry!(expm1, crate::fun!(expm1, F1(expm1))),
    crate::entry!(
        log,
        crate::fun!(
            log,
            Var {
                min: 1,
                max: 2,
                f: log
            }
        )
    ),
    crate::entry!(log2, crate::fun!(log2, F1(log2))),
    crate::entry!(log10, crate::fun!(log10, F1(log10))),
    crate::entry!(cosh, crate::fun!(cosh, F1(cosh))),
    crate::entry!(sinh, crate::fun!(sinh, F1(sinh))),
    crate::entry!(tanh, crate::fun!(tanh, F1(tanh))),
    crate::entry!(acosh, crate::fun!(acosh, F1(acosh))),
    crate::entry!(asinh, crate::fun!(asinh, F1(asinh))),
    crate::entry!(atanh, crate::fun!(atanh, F1(atanh))),
    crate::entry!(cos, crate::fun!(cos, F1(cos))),
    crate::entry!(sin, crate::fun!(sin, F1(sin))),
    crate::entry!(tan, crate::fun!(tan, F1(tan))),
    crate::entry!(acos, crate::fun!(acos, F1(acos))),
    crate::entry!(asin, crate::fun!(asin, F1(asin))),
    crate::entry!(atan, crate::fun!(atan, F1(atan))),
    crate::entry!(atan2, crate::fun!(atan2, F2(atan2))),
    crate::entry!(ceil, crate::fun!(ceil, F1(ceil))),
    crate::entry!(copysign, crate::fun!(copysign, F2(copysign))),
    crate::entry!(fabs, crate::fun!(fabs, F1(fabs))),
    crate::entry!(floor, crate::fun!(floor, F1(floor))),
    crate::entry!(fmod, crate::fun!(fmod, F2(fmod))),
    crate::entry!(frexp, crate::fun!(frexp, F1(frexp))),
    crate::entry!(ldexp, crate::fun!(ldexp, F2(ldexp))),
    crate::entry!(modf, crate::fun!(modf, F1(modf))),
    crate::entry!(isfinite, crate::fun!(isfinite, F1(isfinite))),
    crate::entry!(isinf, crate::fun!(isinf, F1(isinf))),
    crate::entry!(isnan, crate::fun!(isnan, F1(isnan))),
    crate::entry!(isclose, crate::fun!(isclose, Kw { min: 2, f: isclose })),
    crate::entry!(trunc, crate::fun!(trunc, F1(trunc))),
    crate::entry!(radians, crate::fun!(radians, F1(radians))),
    crate::entry!(degrees, crate::fun!(degrees, F1(degrees))),
    crate::entry!(factorial, crate::fun!(factorial, F1(factorial))),
    crate::entry!(erf, crate::fun!(erf, F1(erf))),
    crate::entry!(erfc, crate::fun!(erfc, F1(erfc))),
    crate::entry!(gamma, crate::fun!(gamma, F1(gamma))),
    crate::entry!(lgamma, crate::fun!(lgamma, F1(lgamma))),
];

pub static MODULE: crate::objs::module::Module =
    crate::objs::module::Module::new_static(crate::qstr::Q::math, crate::locals!(&GLOBALS));

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::state::testing::with_vm;

    fn get(name: &str) -> Value {
        GLOBALS
            .iter()
            .find(|(q, _)| q.as_str() == name)
            .map(|(_, v)| *v)
            .unwrap()
    }

    fn call(name: &str, args: &[Value]) -> PyResult<Value> {
        crate::runtime::call(get(name), args, &[])
    }

    fn f(x: f64) -> Value {
        float::new(x).unwrap()
    }

    fn val(v: Value) -> f64 {
        float::value(v).unwrap()
    }

    #[test]
    fn functions_and_domain_errors() {
        with_vm(|| {
            assert_eq!(val(call("sqrt", &[Value::small_int(16)]).unwrap()), 4.0);
            assert!(call("sqrt", &[Value::small_int(-1)]).is_err());
            assert!(call("log", &[Value::small_int(0)]).is_err());
            assert_eq!(
                val(call("log", &[Value::small_int(8), Value::small_int(2)]).unwrap()),
                3.0
            );
            assert!(call("log", &[Value::small_int(8), Value::small_int(1)]).is_err());
            assert!(call("exp", &[Value::small_int(1000)]).is_err());
            assert_eq!(
                val(call("exp", &[f(f64::INFINITY)]).unwrap()),
                f64::INFINITY
            );
            assert!(call("pow", &[Value::small_int(0), Value::small_int(-1)]).is_err());
            assert_eq!(call("floor", &[f(-1.5)]).unwrap(), Value::small_int(-2));
            assert_eq!(call("ceil", &[f(1.2)]).unwrap(), Value::small_int(2));
            assert!(call("trunc", &[f(f64::NAN)]).is_err());
            assert_eq!(call("isnan", &[get("nan")]).unwrap(), Value::TRUE);
            assert_eq!(
                val(call("fmod", &[f(7.5), Value::small_int(2)]).unwrap()),
                1.5
            );
            let r = crate::runtime::repr(call("frexp", &[f(8.0)]).unwrap()).unwrap();
            assert_eq!(crate::objs::str::as_str(r), Some("(0.5, 4)"));
            let r = crate::runtime::repr(call("modf", &[f(-2.5)]).unwrap()).unwrap();
            assert_eq!(crate::objs::str::as_str(r), Some("(-0.5, -2.0)"));
            assert!((val(call("gamma", &[f(5.0)]).unwrap()) - 24.0).abs() < 1e-12);
        });
    }

    #[test]
    fn factorial_and_isclose() {
        with_vm(|| {
            assert_eq!(
                call("factorial", &[Value::small_int(5)]).unwrap(),
                Value::small_int(120)
            );
            let r =
                crate::runtime::repr(call("factorial", &[Value::small_int(25)]).unwrap()).unwrap();
            assert_eq!(
                crate::objs::str::as_str(r),
                Some("15511210043330985984000000")
            );
            assert!(call("factorial", &[Value::small_int(-1)]).is_err());
            let ic = get("isclose");
            assert_eq!(
                crate::runtime::call(ic, &[f(1.0), f(1.0 + 1e-10)], &[]).unwrap(),
                Value::TRUE
            );
            assert_eq!(
                crate::runtime::call(ic, &[f(1.0), f(1.1)], &[]).unwrap(),
                Value::FALSE
            );
            let kw = [Value::qstr(Q::abs_tol), f(0.2)];
            assert_eq!(
                crate::runtime::call(ic, &[f(1.0), f(1.1)], &kw).unwrap(),
                Value::TRUE
            );
        });
    }
}
