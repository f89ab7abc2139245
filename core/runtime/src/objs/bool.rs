//! `bool`: True and False are immediates; arithmetic defers to int.

use crate::obj::{flags, Print, PrintKind, PyResult, Type};
use crate::qstr::Q;
use crate::value::Value;

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    out.write_str(if v == Value::TRUE { "True" } else { "False" })
}

fn make_new(_ty: &'static Type, args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    match args {
        [] => Ok(Value::FALSE),
        [x] => Ok(Value::from_bool(crate::runtime::is_true(*x)?)),
        _ => Err(crate::raise::type_error("bool() takes at most 1 argument")),
    }
}

fn unary_op(op: u8, v: Value) -> PyResult<Option<Value>> {
    let n = Value::small_int((v == Value::TRUE) as isize);
    crate::runtime::unary_op(op, n).map(Some)
}

fn binary_op(op: u8, a: Value, b: Value) -> PyResult<Option<Value>> {
    use upy_compiler::bc::binary as bop;
    if a.is_bool() && b.is_bool() {
        // bool & | ^ bool stays a bool.
        let (x, y) = (a == Value::TRUE, b == Value::TRUE);
        match op {
            bop::AND | bop::INPLACE_AND => return Ok(Some(Value::from_bool(x & y))),
            bop::OR | bop::INPLACE_OR => return Ok(Some(Value::from_bool(x | y))),
            bop::XOR | bop::INPLACE_XOR => return Ok(Some(Value::from_bool(x ^ y))),
            _ => {}
        }
    }
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
    crate::runtime::binary_op(op, a, b).map(Some)
}

pub static TYPE: Type = Type {
    name: Q::bool,
    flags: flags::EQ_CHECKS_OTHER_TYPE,
    make_new: Some(make_new),
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    parent: Some(&crate::objs::int::TYPE),
    ..Type::EMPTY
};
