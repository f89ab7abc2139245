//! Prints upstream-style disassembly (`micropython -v -v`) of a file:
//! `cargo run -p upy-compiler --example showbc -- file.py`.

use upy_compiler::compile::{compile, CompileOptions};

fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let src = std::fs::read_to_string(&path).unwrap_or_default();
    match compile(&src, &path, &CompileOptions::default()) {
        Ok(m) => print!("{}", upy_compiler::showbc::show_module(&m)),
        Err(e) => eprintln!("line {}: {}", e.line, e.msg),
    }
}
