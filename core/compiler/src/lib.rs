//! upy's compiler: Python source text in, MicroPython bytecode (.mpy 6.3 raw codes) out.
//!
//! It knows nothing of runtime values: constants leave it as [`rawcode::Const`] and names as
//! strings in a per-module qstr table, exactly the shape a `.mpy` file holds, so the runtime
//! loads compiler output and `.mpy` files through one path.
#![no_std]
extern crate alloc;

pub mod ast;
pub mod bc;
pub mod compile;
pub mod emit;
pub mod error;
pub mod lexer;
pub mod mpy;
pub mod mpz;
pub mod parse;
pub mod rawcode;
pub mod scope;
pub mod showbc;
mod strmap;
