//! What the compiler produces and what a `.mpy` file holds: a module's qstr table, its
//! constant table and a tree of raw codes (one per function, class body, comprehension).
//!
//! Bytecode inside `fun_data` refers to names by index into [`CompiledModule::qstrs`], to
//! constants by index into [`CompiledModule::consts`] and to child functions by index into
//! [`RawCode::children`], exactly as in a `.mpy` file (see shared reference §1).

use alloc::string::String;
use alloc::vec::Vec;

/// A constant-table entry: the `.mpy` persistent object kinds (reference §1.5), still free of
/// runtime values so the compiler stays independent of the object model.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    None,
    False,
    True,
    Ellipsis,
    Str(String),
    Bytes(Vec<u8>),
    /// An int that does not fit the target's small int, as decimal digits with optional `-`.
    Int(String),
    Float(f64),
    /// The imaginary part of a complex literal such as `1.5j`.
    Complex(f64),
    Tuple(Vec<Const>),
}

/// Kind of a raw code element (the `.mpy` kind field). upy only emits and runs bytecode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    Bytecode = 0,
    Native = 1,
    Viper = 2,
    Asm = 3,
}

/// One compiled function body: prelude + line table + closure cells + opcodes, and the raw
/// codes it creates with MAKE_FUNCTION / MAKE_CLOSURE.
#[derive(Clone, Debug, PartialEq)]
pub struct RawCode {
    pub kind: CodeKind,
    /// The complete `fun_data` as stored in a `.mpy` file (reference §1.7).
    pub fun_data: Vec<u8>,
    pub children: Vec<RawCode>,
}

/// A compiled module (or REPL line, or `exec`/`eval` string).
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledModule {
    /// The module qstr table; entry 0 is the source file name.
    pub qstrs: Vec<String>,
    pub consts: Vec<Const>,
    pub top: RawCode,
}
