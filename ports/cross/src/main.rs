//! `upy-cross`: compiles a `.py` file to a `.mpy` file (version 6.3, bytecode only), a
//! drop-in for MicroPython's `mpy-cross`: same options, same output bytes, same error
//! texts and exit codes. The compiler is `upy_compiler` with its mpy-cross defaults; this
//! file owns the process side (files, stdin/stdout, messages).

mod args;

use args::{Action, Options, Refusal};
use std::io::{Read, Write};
use std::process::ExitCode;
use upy_compiler::compile::{compile_detailed, CompileError, CompileOptions, NativeDecorators};
use upy_compiler::error::SyntaxErrorKind;
use upy_compiler::mpy;

fn usage(prog: &str) -> String {
    format!(
        "usage: {prog} [<opts>] [-X <implopt>] [--] <input filename>\n\
Options:\n\
--version : show version information\n\
-h, --help : show this help\n\
-o : output file for compiled bytecode (defaults to input filename with .mpy extension, or stdout if input is stdin)\n\
-s : source filename to embed in the compiled bytecode (defaults to input file)\n\
-v : verbose (accepted, does nothing)\n\
-O[N] : apply bytecode optimizations of level N\n\
\n\
Target specific options:\n\
-msmall-int-bits=number : set the maximum bits used to encode a small-int (default 31)\n\
-march=<arch> : set architecture for native emitter ({}); upy-cross emits bytecode only,\n\
                so code using @micropython.native or viper is refused\n\
-march-flags=<flags> : accepted, ignored\n\
\n\
Implementation specific options:\n\
  emit=bytecode -- set the default code emitter (native and viper are not supported)\n\
  heapsize=<n> -- accepted, ignored\n\
  source-lines    -- include source line numbers (default)\n\
  no-source-lines -- exclude source line numbers\n",
        args::ARCHES.join(", ")
    )
}

/// The message mpy-cross prints for a file it cannot open or create.
fn open_error(path: &str, e: &std::io::Error) -> String {
    format!(
        "OSError: ({}, \"can't open {path}\")",
        e.raw_os_error().unwrap_or(5)
    )
}

/// A compile error as mpy-cross prints it: a traceback line naming the file, line and (for
/// errors found while compiling a block) the block, then the exception. Parse errors name
/// the file as opened (`-s` only renames what the compiler stores); lexer and parser limits
/// that upstream raises from C code carry no traceback.
fn describe(e: &CompileError, file_name: &str, source_name: &str) -> String {
    let kind = match e.error.kind {
        SyntaxErrorKind::SyntaxError => "SyntaxError",
        SyntaxErrorKind::IndentationError => "IndentationError",
        SyntaxErrorKind::NotImplementedError => {
            return format!("NotImplementedError: {}", e.error.msg)
        }
        SyntaxErrorKind::RuntimeError => return format!("RuntimeError: {}", e.error.msg),
    };
    let (name, block) = match &e.block {
        Some(b) => (source_name, format!(", in {b}")),
        None => (file_name, String::new()),
    };
    format!(
        "Traceback (most recent call last):\n  File \"{name}\", line {}{block}\n{kind}: {}",
        e.error.line, e.error.msg
    )
}

/// Compiles according to `o`; the error is the text for stderr.
fn run(o: &Options) -> Result<(), String> {
    let mut source = Vec::new();
    let read = if o.input == "-" {
        std::io::stdin().read_to_end(&mut source).map(|_| ())
    } else {
        std::fs::File::open(&o.input).and_then(|mut f| f.read_to_end(&mut source).map(|_| ()))
    };
    read.map_err(|e| open_error(&o.input, &e))?;
    let default_name = if o.input == "-" { "<stdin>" } else { &o.input };
    let name = o.source_name.as_deref().unwrap_or(default_name);
    let text = String::from_utf8_lossy(&source);
    let mut opts = CompileOptions {
        opt_level: o.opt_level,
        small_int_bits: o.small_int_bits,
        source_lines: o.source_lines,
        ..CompileOptions::default()
    };
    if o.arch.is_some() {
        opts.native = NativeDecorators::Unsupported;
    }
    let module = compile_detailed(&text, name, &opts).map_err(|e| match &o.arch {
        Some(a) if e.error.msg == "invalid micropython decorator" => format!(
            "{}\n-march={a}: native code emitters are not supported by upy-cross (bytecode only)",
            describe(&e, default_name, name)
        ),
        _ => describe(&e, default_name, name),
    })?;
    let bytes = mpy::write(&module, o.small_int_bits);
    match args::output_path(o) {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|_| out.flush())
                .map_err(|e| format!("OSError: {e}"))
        }
        Some(path) => std::fs::write(&path, &bytes).map_err(|e| open_error(&path, &e)),
    }
}

fn main() -> ExitCode {
    let mut argv = std::env::args_os().map(|a| a.to_string_lossy().into_owned());
    let prog = argv.next().unwrap_or_else(|| "upy-cross".into());
    let rest: Vec<String> = argv.collect();
    match args::parse(&rest) {
        Ok(Action::Version) => {
            println!(
                "upy-cross {} (upy, MicroPython-compatible); mpy-cross emitting mpy v6.3",
                env!("CARGO_PKG_VERSION")
            );
            ExitCode::SUCCESS
        }
        Ok(Action::Help) => {
            print!("{}", usage(&prog));
            ExitCode::SUCCESS
        }
        Ok(Action::Compile(o)) => match run(&o) {
            Ok(()) => ExitCode::SUCCESS,
            Err(msg) => {
                eprintln!("{msg}");
                ExitCode::FAILURE
            }
        },
        Err(Refusal::Usage) => {
            print!("{}", usage(&prog));
            ExitCode::FAILURE
        }
        Err(Refusal::Message(msg)) => {
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use upy_compiler::error::SyntaxError;

    #[test]
    fn error_texts() {
        let parse = CompileError::from(SyntaxError::syntax("invalid syntax", 3));
        assert_eq!(
            describe(&parse, "a.py", "s.py"),
            "Traceback (most recent call last):\n  File \"a.py\", line 3\nSyntaxError: invalid syntax"
        );
        let in_block = CompileError {
            error: SyntaxError::syntax("no binding for nonlocal found", 2),
            block: Some("f".into()),
        };
        assert!(
            describe(&in_block, "x.py", "b.py").contains("line 2, in f\nSyntaxError: no binding")
        );
        let e = std::io::Error::from_raw_os_error(2);
        assert_eq!(open_error("x.py", &e), "OSError: (2, \"can't open x.py\")");
    }

    #[test]
    fn compiles_to_a_file() {
        let dir = std::env::temp_dir().join(format!("upy-cross-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let src = dir.join("m.py");
        std::fs::write(&src, "x = 1\n").unwrap();
        let o = Options {
            input: src.display().to_string(),
            output: None,
            source_name: Some("m.py".into()),
            opt_level: 0,
            small_int_bits: 31,
            source_lines: true,
            arch: Some("x64".into()),
        };
        run(&o).unwrap();
        let got = std::fs::read(dir.join("m.mpy")).unwrap();
        assert_eq!(&got[..4], b"M\x06\x00\x1f");
        let back = mpy::read(&got).unwrap();
        assert_eq!(back.qstrs[0], "m.py");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
