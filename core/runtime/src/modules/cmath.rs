//! The `cmath` module as MicroPython has it (`py/modcmath.c`): phase, polar, rect, exp, log,
//! log10, sqrt, cos, sin and the constants e and pi.

use crate::obj::PyResult;
use crate::objs::complex::{self, get_complex};
use crate::objs::float::{self, get_f64};
use crate::qstr::{Qstr, Q};
use crate::value::Value;

fn phase(z: Value) -> PyResult<Value> {
    let (re, im) = get_complex(z)?;
    float::new(float::accurate::atan2(im, re))
}

fn polar(z: Value) -> PyResult<Value> {
    let (re, im) = get_complex(z)?;
    let items = [
        float::new(float::m::sqrt(re * re + im * im))?,
        float::new(float::accurate::atan2(im, re))?,
    ];
    crate::objs::tuple::new(&items)
}

fn rect(r: Value, phi: Value) -> PyResult<Value> {
    let r = get_f64(r)?;
    let phi = get_f64(phi)?;
    complex::new(r * float::accurate::cos(phi), r * float::accurate::sin(phi))
}

fn exp(z: Value) -> PyResult<Value> {
    let (re, im) = get_complex(z)?;
    let e = float::accurate::exp(re);
    complex::new(e * float::accurate::cos(im), e * float::accurate::sin(im))
}

fn log(z: Value) -> PyResult<Value> {
    let (re, im) = get_complex(z)?;
    complex::new(
        0.5 * float::accurate::log(re * re + im * im),
        float::accurate::atan2(im, re),
    )
}

fn log10(z: Value) -> PyResult<Value> {
    let (re, im) = get_complex(z)?;
    complex::new(
        0.5 * float::accurate::log10(re * re + im * im),
        float::consts::LOG10_E * float::accurate::atan2(im, re),
    )
}

fn sqrt(z: Value) -> PyResult<Value> {
    let (re, im) = get_complex(z)?;
    let m = float::accurate::pow(re * re + im * im, 0.25);
    let theta = 0.5 * float::accurate::atan2(im, re);
    complex::new(
        m * float::accurate::cos(theta),
        m * float::accurate::sin(theta),
    )
}

fn cos(z: Value) -> PyResult<Value> {
    let (re, im) = get_complex(z)?;
    complex::new(
        float::accurate::cos(re) * float::m::cosh(im),
        -float::accurate::sin(re) * float::m::sinh(im),
    )
}

fn sin(z: Value) -> PyResult<Value> {
    let (re, im) = get_complex(z)?;
    complex::new(
        float::accurate::sin(re) * float::m::cosh(im),
        float::accurate::cos(re) * float::m::sinh(im),
    )
}

pub static GLOBALS: [(Qstr, Value); 12] = [
    (Q::__name__, Value::qstr(Q::cmath)),
    (Q::e, Value::from_static(&super::math::E)),
    (Q::pi, Value::from_static(&super::math::PI)),
    crate::entry!(phase, crate::fun!(phase, F1(phase))),
    crate::entry!(polar, crate::fun!(polar, F1(polar))),
    crate::entry!(rect, crate::fun!(rect, F2(rect))),
    crate::entry!(exp, crate::fun!(exp, F1(exp))),
    crate::entry!(log, crate::fun!(log, F1(log))),
    crate::entry!(log10, crate::fun!(log10, F1(log10))),
    crate::entry!(sqrt, crate::fun!(sqrt, F1(sqrt))),
    crate::entry!(cos, crate::fun!(cos, F1(cos))),
    crate::entry!(sin, crate::fun!(sin, F1(sin))),
];

pub static MODULE: crate::objs::module::Module =
    crate::objs::module::Module::new_static(crate::qstr::Q::cmath, crate::locals!(&GLOBALS));

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::state::testing::with_vm;

    fn call(name: &str, args: &[Value]) -> Value {
        let f = GLOBALS
            .iter()
            .find(|(q, _)| q.as_str() == name)
            .map(|(_, v)| *v)
            .unwrap();
        crate::runtime::call(f, args, &[]).unwrap()
    }

    #[test]
    fn basics() {
        with_vm(|| {
            let minus_one = complex::new(-1.0, 0.0).unwrap();
            let (re, im) = complex::parts(call("sqrt", &[minus_one])).unwrap();
            assert!(re.abs() < 1e-15 && (im - 1.0).abs() < 1e-15);
            let p = float::value(call("phase", &[minus_one])).unwrap();
            assert_eq!(p, core::f64::consts::PI);
            let (re, im) = complex::parts(call("exp", &[Value::small_int(0)])).unwrap();
            assert_eq!((re, im), (1.0, 0.0));
            let r = call("rect", &[Value::small_int(2), Value::small_int(0)]);
            assert_eq!(complex::parts(r), Some((2.0, 0.0)));
            let polar =
                crate::runtime::repr(call("polar", &[complex::new(3.0, 4.0).unwrap()])).unwrap();
            assert_eq!(
                crate::objs::str::as_str(polar),
                Some("(5.0, 0.9272952180016122)")
            );
        });
    }
}
