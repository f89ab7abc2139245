//! `None` and its type. None is an immediate value, so there is no layout here.

use crate::obj::{flags, Print, PrintKind, PyResult, Type};
use crate::qstr::Q;
use crate::value::Value;

fn print(out: &mut dyn Print, _v: Value, _k: PrintKind) -> PyResult<()> {
    out.write_str("None")
}

pub static TYPE: Type = Type {
    name: Q::NoneType,
    flags: flags::EQ_IS_IDENTITY,
    print: Some(print),
    ..Type::EMPTY
};
