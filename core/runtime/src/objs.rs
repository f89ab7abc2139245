//! The built-in object types, one file per type (as MicroPython's `py/obj*.c`).
//! Each file reads in a fixed order: layout, helpers, slots, methods, the method table,
//! the `TYPE` definition, then tests.

pub mod bool;
pub mod dict;
pub mod exception;
pub mod fun;
pub mod int;
pub mod iter;
pub mod list;
pub mod none;
pub mod object;
pub mod property;
pub mod singletons;
pub mod slice;
pub mod str;
pub mod tuple;
pub mod r#type;
