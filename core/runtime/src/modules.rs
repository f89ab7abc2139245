//! The built-in modules, one file each (as MicroPython's `py/mod*.c` and `extmod/`).

pub mod cmath;
pub mod math;
