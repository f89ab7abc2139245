//! `array`: the module holding the `array` type (the type itself is `objs/array.rs`).

use crate::objs::module::Module;
use crate::qstr::{Qstr, Q};
use crate::value::Value;

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::array)),
    (Q::array, Value::from_static(&crate::objs::array::TYPE)),
];

pub static MODULE: Module = Module::new_static(Q::array, crate::locals!(GLOBALS));
