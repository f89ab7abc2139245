//! The MicroPython bytecode instruction set (.mpy version 6.3): opcode bytes, operand
//! formats and operator numbers. These values are fixed by the .mpy format, so they are
//! facts shared by the emitter, the VM, the .mpy reader/writer and the disassembler.
//!
//! Operand format by high nibble (`(0x3a4 >> 2*(op>>4)) & 3`):
//! ```text
//!   0x1_  qstr   vuint index into the module qstr table
//!   0x2_  uint   vuint, MSB-first 7-bit groups, bit 7 = more   (0x22: signed variant)
//!   0x3_  uint
//!   0x4_  jump   1 byte 0..0x7f, or 2 bytes (b0|0x80, b1) = (b0&0x7f)|b1<<7, LSB-first;
//!                signed forms subtract 0x40 / 0x4000
//!   else  none
//! ```
//! `0x20`, `0x21` and `0x40` carry one extra raw byte after the operand.

pub const LOAD_CONST_STRING: u8 = 0x10;
pub const LOAD_NAME: u8 = 0x11;
pub const LOAD_GLOBAL: u8 = 0x12;
pub const LOAD_ATTR: u8 = 0x13;
pub const LOAD_METHOD: u8 = 0x14;
pub const LOAD_SUPER_METHOD: u8 = 0x15;
pub const STORE_NAME: u8 = 0x16;
pub const STORE_GLOBAL: u8 = 0x17;
pub const STORE_ATTR: u8 = 0x18;
pub const DELETE_NAME: u8 = 0x19;
pub const DELETE_GLOBAL: u8 = 0x1a;
pub const IMPORT_NAME: u8 = 0x1b;
pub const IMPORT_FROM: u8 = 0x1c;

pub const MAKE_CLOSURE: u8 = 0x20;
pub const MAKE_CLOSURE_DEFARGS: u8 = 0x21;
pub const LOAD_CONST_SMALL_INT: u8 = 0x22;
pub const LOAD_CONST_OBJ: u8 = 0x23;
pub const LOAD_FAST_N: u8 = 0x24;
pub const LOAD_DEREF: u8 = 0x25;
pub const STORE_FAST_N: u8 = 0x26;
pub const STORE_DEREF: u8 = 0x27;
pub const DELETE_FAST: u8 = 0x28;
pub const DELETE_DEREF: u8 = 0x29;
pub const BUILD_TUPLE: u8 = 0x2a;
pub const BUILD_LIST: u8 = 0x2b;
pub const BUILD_MAP: u8 = 0x2c;
pub const BUILD_SET: u8 = 0x2d;
pub const BUILD_SLICE: u8 = 0x2e;
pub const STORE_COMP: u8 = 0x2f;
pub const UNPACK_SEQUENCE: u8 = 0x30;
pub const UNPACK_EX: u8 = 0x31;
pub const MAKE_FUNCTION: u8 = 0x32;
pub const MAKE_FUNCTION_DEFARGS: u8 = 0x33;
pub const CALL_FUNCTION: u8 = 0x34;
pub const CALL_FUNCTION_VAR_KW: u8 = 0x35;
pub const CALL_METHOD: u8 = 0x36;
pub const CALL_METHOD_VAR_KW: u8 = 0x37;

pub const UNWIND_JUMP: u8 = 0x40;
pub const JUMP: u8 = 0x42;
pub const POP_JUMP_IF_TRUE: u8 = 0x43;
pub const POP_JUMP_IF_FALSE: u8 = 0x44;
pub const JUMP_IF_TRUE_OR_POP: u8 = 0x45;
pub const JUMP_IF_FALSE_OR_POP: u8 = 0x46;
pub const SETUP_WITH: u8 = 0x47;
pub const SETUP_EXCEPT: u8 = 0x48;
pub const SETUP_FINALLY: u8 = 0x49;
pub const POP_EXCEPT_JUMP: u8 = 0x4a;
pub const FOR_ITER: u8 = 0x4b;

pub const LOAD_CONST_FALSE: u8 = 0x50;
pub const LOAD_CONST_NONE: u8 = 0x51;
pub const LOAD_CONST_TRUE: u8 = 0x52;
pub const LOAD_NULL: u8 = 0x53;
pub const LOAD_BUILD_CLASS: u8 = 0x54;
pub const LOAD_SUBSCR: u8 = 0x55;
pub const STORE_SUBSCR: u8 = 0x56;
pub const DUP_TOP: u8 = 0x57;
pub const DUP_TOP_TWO: u8 = 0x58;
pub const POP_TOP: u8 = 0x59;
pub const ROT_TWO: u8 = 0x5a;
pub const ROT_THREE: u8 = 0x5b;
pub const WITH_CLEANUP: u8 = 0x5c;
pub const END_FINALLY: u8 = 0x5d;
pub const GET_ITER: u8 = 0x5e;
pub const GET_ITER_STACK: u8 = 0x5f;
pub const STORE_MAP: u8 = 0x62;
pub const RETURN_VALUE: u8 = 0x63;
pub const RAISE_LAST: u8 = 0x64;
pub const RAISE_OBJ: u8 = 0x65;
pub const RAISE_FROM: u8 = 0x66;
pub const YIELD_VALUE: u8 = 0x67;
pub const YIELD_FROM: u8 = 0x68;
pub const IMPORT_STAR: u8 = 0x69;

/// 0x70..=0xaf: push small int `op - 0x80` (-16..=47).
pub const LOAD_CONST_SMALL_INT_MULTI: u8 = 0x70;
pub const LOAD_CONST_SMALL_INT_MULTI_EXCESS: i32 = 16;
/// 0xb0..=0xbf: push local `op - 0xb0`.
pub const LOAD_FAST_MULTI: u8 = 0xb0;
/// 0xc0..=0xcf: store local `op - 0xc0`.
pub const STORE_FAST_MULTI: u8 = 0xc0;
/// 0xd0..=0xd3: unary op `op - 0xd0`.
pub const UNARY_OP_MULTI: u8 = 0xd0;
/// 0xd7..=0xf9: binary op `op - 0xd7`.
pub const BINARY_OP_MULTI: u8 = 0xd7;

/// Operand format of an opcode (see the table at the top of this file).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OperandFormat {
    None,
    Qstr,
    VarUint,
    Offset,
}

pub const fn operand_format(op: u8) -> OperandFormat {
    match (0x3a4u32 >> (2 * (op as u32 >> 4))) & 3 {
        1 => OperandFormat::Qstr,
        2 => OperandFormat::VarUint,
        3 => OperandFormat::Offset,
        _ => OperandFormat::None,
    }
}

/// Opcodes followed by one extra raw byte after their operand.
pub const fn has_extra_byte(op: u8) -> bool {
    (op & 0x9e) == 0
}

/// Unary operators (`py/runtime0.h` numbering). Only the first four appear in bytecode.
pub mod unary {
    pub const POSITIVE: u8 = 0;
    pub const NEGATIVE: u8 = 1;
    pub const INVERT: u8 = 2;
    pub const NOT: u8 = 3;
    pub const BOOL: u8 = 4;
    pub const LEN: u8 = 5;
    pub const HASH: u8 = 6;
    pub const ABS: u8 = 7;
    pub const INT_MAYBE: u8 = 8;
    pub const FLOAT_MAYBE: u8 = 9;
    pub const COMPLEX_MAYBE: u8 = 10;
    pub const SIZEOF: u8 = 11;
}

/// Binary operators (`py/runtime0.h` numbering). 0..=34 appear in bytecode.
pub mod binary {
    pub const LESS: u8 = 0;
    pub const MORE: u8 = 1;
    pub const EQUAL: u8 = 2;
    pub const LESS_EQUAL: u8 = 3;
    pub const MORE_EQUAL: u8 = 4;
    pub const NOT_EQUAL: u8 = 5;
    pub const IN: u8 = 6;
    pub const IS: u8 = 7;
    pub const EXCEPTION_MATCH: u8 = 8;
    pub const INPLACE_OR: u8 = 9;
    pub const INPLACE_XOR: u8 = 10;
    pub const INPLACE_AND: u8 = 11;
    pub const INPLACE_LSHIFT: u8 = 12;
    pub const INPLACE_RSHIFT: u8 = 13;
    pub const INPLACE_ADD: u8 = 14;
    pub const INPLACE_SUBTRACT: u8 = 15;
    pub const INPLACE_MULTIPLY: u8 = 16;
    pub const INPLACE_MAT_MULTIPLY: u8 = 17;
    pub const INPLACE_FLOOR_DIVIDE: u8 = 18;
    pub const INPLACE_TRUE_DIVIDE: u8 = 19;
    pub const INPLACE_MODULO: u8 = 20;
    pub const INPLACE_POWER: u8 = 21;
    pub const OR: u8 = 22;
    pub const XOR: u8 = 23;
    pub const AND: u8 = 24;
    pub const LSHIFT: u8 = 25;
    pub const RSHIFT: u8 = 26;
    pub const ADD: u8 = 27;
    pub const SUBTRACT: u8 = 28;
    pub const MULTIPLY: u8 = 29;
    pub const MAT_MULTIPLY: u8 = 30;
    pub const FLOOR_DIVIDE: u8 = 31;
    pub const TRUE_DIVIDE: u8 = 32;
    pub const MODULO: u8 = 33;
    pub const POWER: u8 = 34;
    // Runtime-only from here.
    pub const DIVMOD: u8 = 35;
    pub const CONTAINS: u8 = 36;
    /// REVERSE_OR..=REVERSE_POWER mirror OR..=POWER: `REVERSE_OR + (op - OR)`.
    pub const REVERSE_OR: u8 = 37;
    pub const REVERSE_POWER: u8 = 49;
    pub const NOT_IN: u8 = 50;
    pub const IS_NOT: u8 = 51;
    /// In-place op `INPLACE_OR + k` corresponds to plain op `OR + k`.
    pub const INPLACE_TO_PLAIN: u8 = OR - INPLACE_OR;
}

/// Scope flags stored in the function prelude (4 bits in .mpy).
pub mod scope_flags {
    pub const GENERATOR: u8 = 0x01;
    pub const VARKEYWORDS: u8 = 0x02;
    pub const VARARGS: u8 = 0x04;
    pub const DEFKWARGS: u8 = 0x08;
}
