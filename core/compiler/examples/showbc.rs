//! Prints upstream-style disassembly (`micropython -v -v`) of a file:
//! `cargo run -p upy-compiler --example showbc -- [--single] file.py [source-name]`.
//! `--single` compiles as one REPL entry, with the port's options.

use upy_compiler::ast::ParseMode;
use upy_compiler::compile::{compile, CompileOptions};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let single = args.first().is_some_and(|a| a == "--single");
    if single {
        args.remove(0);
    }
    let path = args.first().cloned().unwrap_or_default();
    let name = args.get(1).cloned().unwrap_or_else(|| path.clone());
    let src = std::fs::read_to_string(&path).unwrap_or_default();
    let opts = if single {
        CompileOptions::for_port(ParseMode::Single, 0, 63)
    } else {
        CompileOptions::default()
    };
    match compile(&src, &name, &opts) {
        Ok(m) => print!("{}", upy_compiler::showbc::show_module(&m)),
        Err(e) => eprintln!("line {}: {}", e.line, e.msg),
    }
}
