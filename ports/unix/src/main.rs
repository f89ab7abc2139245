//! The unix port: the `upy` binary, command-line compatible with MicroPython's unix
//! `micropython`. It owns the process (arguments, terminal, signals, files) and gives the
//! core a [`Hal`] over Linux.

mod args;
mod hal;
mod terminal;

use std::io::Read;
use std::process::ExitCode;
use upy_runtime::exec::{self, Outcome};
use upy_runtime::objs::{list, str as pystr};
use upy_runtime::qstr::Q;
use upy_runtime::state;
use upy_runtime::value::Value;

/// Native stack reserved for the interpreter thread. Deep Python recursion is bounded by
/// the pystack and by `stack_limit`, which leaves this much headroom below the limit.
const THREAD_STACK: usize = 64 * 1024 * 1024;
/// Native stack Python code may use before `RuntimeError: maximum recursion depth
/// exceeded`; the rest of the thread's stack is headroom for the unwinding and printing.
const STACK_BUDGET: usize = 2 * 1024 * 1024;
const DEFAULT_HEAP: usize = 2 * 1024 * 1024;
const PYSTACK_WORDS: usize = 1 << 20;

struct Options {
    heap: usize,
    opt_level: u8,
    inspect: bool,
    run: Run,
    argv: Vec<String>,
}

enum Run {
    File(String),
    Command(String),
    Module(String),
    Stdin,
}

fn usage_error() -> ! {
    eprintln!("Invalid command line arguments. Use -h option for help.");
    std::process::exit(1)
}

fn parse_heap(s: &str) -> Option<usize> {
    let (num, mul) = match s.as_bytes().last()? {
        b'k' | b'K' => (&s[..s.len() - 1], 1024),
        b'm' | b'M' => (&s[..s.len() - 1], 1024 * 1024),
        _ => (s, 1),
    };
    let (num, w) = match num.strip_suffix('w') {
        Some(n) => (n, std::mem::size_of::<usize>() / 4),
        None => (num, 1),
    };
    let n: usize = num.parse().ok()?;
    Some(n * w * mul)
}

fn parse_args() -> Options {
    let args: Vec<String> = std::env::args().collect();
    let mut o = Options {
        heap: DEFAULT_HEAP,
        opt_level: 0,
        inspect: false,
        run: Run::Stdin,
        argv: Vec::new(),
    };
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        if a == "-c" || a == "-m" {
            let Some(v) = args.get(i + 1) else {
                usage_error()
            };
            o.run = if a == "-c" {
                Run::Command(v.clone())
            } else {
                Run::Module(v.clone())
            };
            o.argv = vec![if a == "-c" { "-c".into() } else { v.clone() }];
            o.argv.extend(args[i + 2..].iter().cloned());
            return o;
        } else if a == "-i" {
            o.inspect = true;
        } else if a == "-X" {
            let Some(v) = args.get(i + 1) else {
                usage_error()
            };
            if let Some(h) = v.strip_prefix("heapsize=") {
                match parse_heap(h) {
                    Some(n) if n >= 700 => o.heap = n,
                    _ => usage_error(),
                }
            } else if v == "emit=bytecode" || v == "compile-only" || v == "realtime" {
            } else {
                usage_error();
            }
            i += 1;
        } else if let Some(rest) = a.strip_prefix("-O") {
            o.opt_level = if rest.is_empty() {
                1
            } else if rest.chars().all(|c| c == 'O') {
                rest.len() as u8 + 1
            } else {
                rest.parse().unwrap_or_else(|_| usage_error())
            };
        } else if a == "-v" {
        } else if a == "-h" {
            println!(
                "usage: upy [<opts>] [-X <implopt>] [-c <command> | -m <module> | <filename>]"
            );
            std::process::exit(0);
        } else if a == "--version" {
            println!(
                "upy {}; MicroPython v1.29.0 compatible",
                env!("CARGO_PKG_VERSION")
            );
            std::process::exit(0);
        } else if a.starts_with('-') && a.len() > 1 {
            usage_error();
        } else {
            o.run = Run::File(a.clone());
            o.argv = args[i..].to_vec();
            return o;
        }
        i += 1;
    }
    o
}

fn setup_sys(o: &Options, script_dir: Option<String>) -> upy_runtime::PyResult<()> {
    let st = state::get();
    st.roots.modules = upy_runtime::objs::dict::new()?;
    let argv = list::new(&[])?;
    state::get().roots.sys_argv = argv;
    for a in &o.argv {
        list::append(argv, pystr::new(a)?)?;
    }
    let path = list::new(&[])?;
    state::get().roots.sys_path = path;
    list::append(path, pystr::new(script_dir.as_deref().unwrap_or(""))?)?;
    match std::env::var("MICROPYPATH") {
        Ok(p) => {
            for e in p.split(':').filter(|e| !e.is_empty()) {
                list::append(path, pystr::new(&expand_home(e))?)?;
            }
        }
        Err(_) => {
            for e in [".frozen", "~/.micropython/lib", "/usr/lib/micropython"] {
                list::append(path, pystr::new(&expand_home(e))?)?;
            }
        }
    }
    state::get().opt_level = o.opt_level;
    let _ = exec::main_globals()?;
    if let Some(m) = upy_runtime::objs::dict::map_of(state::get().roots.main_globals) {
        if let Run::File(f) = &o.run {
            m.insert_qstr(Q::__file__, pystr::new(f)?)?;
        }
    }
    Ok(())
}

fn expand_home(e: &str) -> String {
    match (e.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(h)) => format!("{h}/{rest}"),
        _ => e.to_string(),
    }
}

fn outcome_code(r: upy_runtime::PyResult<Value>, to_stderr: bool) -> u8 {
    match r {
        Ok(_) => 0,
        Err(e) => {
            let outcome = if to_stderr {
                exec::handle_uncaught(e, &mut exec::Stderr)
            } else {
                exec::handle_uncaught(e, &mut exec::Stdout)
            };
            match outcome {
                Outcome::Ok => 0,
                Outcome::Exit(c) => c as u8,
                Outcome::Exception(x) => {
                    if upy_runtime::runtime::is_instance(
                        x,
                        &upy_runtime::objs::exception::KEYBOARD_INTERRUPT,
                    ) {
                        130
                    } else {
                        1
                    }
                }
            }
        }
    }
}

fn run(o: Options) -> u8 {
    let heap: &'static mut [u64] = vec![0u64; o.heap.div_ceil(8)].leak();
    let pystack: &'static mut [usize] = vec![0usize; PYSTACK_WORDS].leak();
    let marker = 0usize;
    let top = &marker as *const usize as usize;
    // SAFETY: the heap and pystack buffers are leaked (ours for the process's life); `top`
    // is in this frame, which outlives every use of the interpreter.
    unsafe {
        upy_runtime::init(heap.as_mut_ptr() as *mut u8, o.heap, top, &hal::HAL);
        upy_runtime::init_pystack(pystack.as_mut_ptr() as *mut Value, pystack.len());
    }
    state::get().stack_limit = top - STACK_BUDGET;
    hal::install_sigint();
    let script_dir = match &o.run {
        Run::File(f) => Some(
            std::fs::canonicalize(f)
                .ok()
                .and_then(|p| p.parent().map(|d| d.to_string_lossy().into_owned()))
                .unwrap_or_default(),
        ),
        _ => None,
    };
    if let Err(e) = setup_sys(&o, script_dir) {
        return outcome_code(Err(e), true);
    }
    let globals = state::get().roots.main_globals;
    let code = match &o.run {
        Run::File(f) => match std::fs::read(f) {
            Ok(bytes) => {
                let src = String::from_utf8_lossy(&bytes).into_owned();
                let r = exec::exec_source(
                    &src,
                    f,
                    upy_compiler::ast::ParseMode::File,
                    globals,
                    globals,
                );
                outcome_code(r, false)
            }
            Err(e) => {
                let argv0 = std::env::args().next().unwrap_or_else(|| "upy".into());
                eprintln!(
                    "{argv0}: can't open file '{f}': [Errno {}] No such file or directory",
                    e.raw_os_error().unwrap_or(2)
                );
                2
            }
        },
        Run::Command(c) => {
            let r = exec::exec_source(
                c,
                "<stdin>",
                upy_compiler::ast::ParseMode::File,
                globals,
                globals,
            );
            outcome_code(r, false)
        }
        Run::Module(m) => {
            let r = upy_runtime::qstr::Qstr::intern(m)
                .ok_or_else(upy_runtime::mem::oom)
                .and_then(upy_runtime::import::import_main);
            outcome_code(r, true)
        }
        Run::Stdin => {
            let mut src = String::new();
            let _ = std::io::stdin().read_to_string(&mut src);
            let r = exec::exec_source(
                &src,
                "<stdin>",
                upy_compiler::ast::ParseMode::File,
                globals,
                globals,
            );
            outcome_code(r, true)
        }
    };
    let _ = o.inspect;
    hal::flush();
    std::hint::black_box(&marker);
    code
}

fn main() -> ExitCode {
    let o = parse_args();
    let child = std::thread::Builder::new()
        .stack_size(THREAD_STACK)
        .spawn(move || run(o));
    match child.map(|c| c.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => ExitCode::from(1),
    }
}
