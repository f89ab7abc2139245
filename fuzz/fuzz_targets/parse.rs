//! Lexer, parser, scope analysis and emitter on arbitrary bytes: any input compiles or
//! gives a SyntaxError-style error. What compiles must also survive the .mpy writer and
//! reader unchanged (write, read back, write again: the same bytes).
#![no_main]

use libfuzzer_sys::fuzz_target;
use upy_compiler::ast::ParseMode;
use upy_compiler::compile::{compile, CompileOptions};
use upy_compiler::mpy;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    let mode = match data.first().map(|b| b % 3) {
        Some(0) => ParseMode::Single,
        Some(1) => ParseMode::Eval,
        _ => ParseMode::File,
    };
    let Ok(module) = compile(&source, "<fuzz>", &CompileOptions::for_port(mode, 0, 31)) else {
        return;
    };
    let bytes = mpy::write(&module, 31);
    let again = mpy::read(&bytes).expect("the reader rejects what the writer wrote");
    assert_eq!(mpy::write(&again, 31), bytes, "write/read/write is not stable");
});
