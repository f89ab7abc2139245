//! `int`: small ints are immediates (see value.rs); ints beyond them are heap objects holding
//! mpz digits (arbitrary precision).
//!
//! This file currently holds the small-int paths; big ints arrive with mpz.

use crate::obj::{flags, Print, PrintKind, PyResult, Type};
use crate::qstr::Q;
use crate::value::Value;
use upy_compiler::bc::binary as op;

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let mut buf = [0u8; 24];
    let n = v.as_small_int().unwrap_or(0);
    out.write_str(format_isize(n, &mut buf))
}

/// Decimal text of `n` in `buf`.
pub fn format_isize(n: isize, buf: &mut [u8; 24]) -> &str {
    let mut i = buf.len();
    let neg = n < 0;
    let mut m = n.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if neg {
        i -= 1;
        buf[i] = b'-';
    }
    core::str::from_utf8(&buf[i..]).unwrap_or("0")
}

/// Make an int value from a machine integer (small int, or a big int when it does not fit).
pub fn from_i64(n: i64) -> PyResult<Value> {
    if let Ok(m) = isize::try_from(n) {
        if Value::fits_small_int(m) {
            return Ok(Value::small_int(m));
        }
    }
    Err(crate::raise::overflow_error("small int overflow"))
}

fn floor_div(a: isize, b: isize) -> isize {
    let q = a / b;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

fn floor_mod(a: isize, b: isize) -> isize {
    let r = a % b;
    if r != 0 && ((r < 0) != (b < 0)) {
        r + b
    } else {
        r
    }
}

/// Binary op on two small ints. `None` when the operand kinds are not both small ints.
pub fn small_binary_op(o: u8, a: isize, b: isize) -> PyResult<Option<Value>> {
    let r: i128 = match o {
        op::ADD | op::INPLACE_ADD => a as i128 + b as i128,
        op::SUBTRACT | op::INPLACE_SUBTRACT => a as i128 - b as i128,
        op::MULTIPLY | op::INPLACE_MULTIPLY => a as i128 * b as i128,
        op::FLOOR_DIVIDE | op::INPLACE_FLOOR_DIVIDE => {
            if b == 0 {
                return Err(crate::raise::zero_division_error("divide by zero"));
            }
            floor_div(a, b) as i128
        }
        op::MODULO | op::INPLACE_MODULO => {
            if b == 0 {
                return Err(crate::raise::zero_division_error("divide by zero"));
            }
            floor_mod(a, b) as i128
        }
        op::AND | op::INPLACE_AND => (a & b) as i128,
        op::OR | op::INPLACE_OR => (a | b) as i128,
        op::XOR | op::INPLACE_XOR => (a ^ b) as i128,
        op::LSHIFT | op::INPLACE_LSHIFT => {
            if b < 0 {
                return Err(crate::raise::value_error("negative shift count"));
            }
            if b >= 64 {
                return Err(crate::raise::overflow_error("small int overflow"));
            }
            (a as i128) << b
        }
        op::RSHIFT | op::INPLACE_RSHIFT => {
            if b < 0 {
                return Err(crate::raise::value_error("negative shift count"));
            }
            (a >> b.min(63)) as i128
        }
        op::LESS => return Ok(Some(Value::from_bool(a < b))),
        op::MORE => return Ok(Some(Value::from_bool(a > b))),
        op::EQUAL => return Ok(Some(Value::from_bool(a == b))),
        op::LESS_EQUAL => return Ok(Some(Value::from_bool(a <= b))),
        op::MORE_EQUAL => return Ok(Some(Value::from_bool(a >= b))),
        op::NOT_EQUAL => return Ok(Some(Value::from_bool(a != b))),
        _ => return Ok(None),
    };
    if let Ok(n) = i64::try_from(r) {
        return from_i64(n).map(Some);
    }
    Err(crate::raise::overflow_error("small int overflow"))
}

fn binary_op(o: u8, a: Value, b: Value) -> PyResult<Option<Value>> {
    let a = if a.is_bool() {
        Value::small_int((a == Value::TRUE) as isize)
    } else {
        a
    };
    let b = if b.is_bool() {
        Value::small_int((b == Value::TRUE) as isize)
    } else {
        b
    };
    match (a.as_small_int(), b.as_small_int()) {
        (Some(x), Some(y)) => small_binary_op(o, x, y),
        _ => Ok(None),
    }
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    use upy_compiler::bc::unary as u;
    let Some(n) = v.as_small_int() else {
        return Ok(None);
    };
    Ok(Some(match o {
        u::POSITIVE | u::INT_MAYBE => v,
        u::NEGATIVE => from_i64(-(n as i64))?,
        u::INVERT => Value::small_int(!n),
        u::BOOL => Value::from_bool(n != 0),
        u::HASH => v,
        u::ABS => from_i64((n as i64).abs())?,
        _ => return Ok(None),
    }))
}

pub static TYPE: Type = Type {
    name: Q::int,
    flags: flags::EQ_CHECKS_OTHER_TYPE | flags::BASETYPE,
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    ..Type::EMPTY
};

/// An int value from an isize (promoting to a big int when it does not fit).
pub fn from_isize(n: isize) -> PyResult<Value> {
    from_i64(n as i64)
}

/// The value of a decimal int literal from the compiler's constant table.
pub fn parse_literal(s: &str) -> PyResult<Value> {
    match s.parse::<i64>() {
        Ok(n) => from_i64(n),
        Err(_) => Err(crate::raise::overflow_error(
            "big int literals not supported yet",
        )),
    }
}

/// Digits of a (big) int in `base` with `prefix` (`bin`, `oct`, `hex` of big ints).
pub fn format_base(_v: Value, _base: u32, _prefix: &str) -> PyResult<Value> {
    Err(crate::raise::type_error("can't convert to int"))
}

/// `pow(a, b, m)`.
pub fn pow3(_a: Value, _b: Value, _m: Value) -> PyResult<Value> {
    Err(crate::raise::not_implemented_error("3-arg pow"))
}
