//! Minimal cross compiler for development: `cargo run -p upy-compiler --example upy_cross --
//! in.py out.mpy [source-name]` writes the `.mpy` upy produces for `in.py`.

use upy_compiler::compile::{compile, CompileOptions};
use upy_compiler::mpy;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: upy_cross in.py out.mpy [source-name]");
        std::process::exit(2);
    }
    let src = match std::fs::read_to_string(&args[1]) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}: {e}", args[1]);
            std::process::exit(1);
        }
    };
    let name = args.get(3).cloned().unwrap_or_else(|| args[1].clone());
    match compile(&src, &name, &CompileOptions::default()) {
        Ok(m) => {
            if let Err(e) = std::fs::write(&args[2], mpy::write(&m, 31)) {
                eprintln!("{}: {e}", args[2]);
                std::process::exit(1);
            }
        }
        Err(e) => {
            eprintln!("line {}: SyntaxError: {}", e.line, e.msg);
            std::process::exit(1);
        }
    }
}
