//! The built-in object types, one file per type (as MicroPython's `py/obj*.c`).
//! Each file reads in a fixed order: layout, helpers, slots, methods, the method table,
//! the `TYPE` definition, then tests.

pub mod array;
pub mod attrtuple;
pub mod bool;
pub mod bytearray;
pub mod code;
pub mod complex;
pub mod deque;
pub mod dict;
pub mod enumerate;
pub mod exception;
pub mod fileio;
pub mod filter;
pub mod float;
pub mod fun;
pub mod function;
pub mod generator;
pub mod int;
pub mod iter;
pub mod list;
pub mod map_iter;
pub mod memoryview;
pub mod module;
pub mod namedtuple;
pub mod none;
pub mod object;
pub mod property;
pub mod range;
pub mod reversed;
pub mod ringio;
pub mod set;
pub mod singletons;
pub mod slice;
pub mod str;
pub mod str_format;
pub mod stringio;
pub mod superobj;
pub mod tuple;
pub mod r#type;
pub mod zip;
