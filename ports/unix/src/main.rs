//! The unix port: the `upy` binary, command-line compatible with MicroPython's unix
//! `micropython`. It owns the process (arguments, terminal, signals, files) and gives the
//! core a [`Hal`] over Linux.

mod args;
/// The modules frozen into `upy` (`ports/unix/manifest`, built by `build.rs`).
#[allow(clippy::all, clippy::pedantic)]
mod frozen_modules {
    include!(concat!(env!("OUT_DIR"), "/frozen.rs"));
}
mod hal;
mod repl_host;
mod socket;
mod terminal;
mod thread;

use args::{Options, RunMode};
use std::io::Read;
use std::process::ExitCode;
use upy_compiler::ast::ParseMode;
use upy_runtime::exec::{self, Outcome};
use upy_runtime::objs::{list, str as pystr};
use upy_runtime::qstr::Q;
use upy_runtime::state;
use upy_runtime::value::Value;
use upy_runtime::PyResult;

/// Native stack reserved for the interpreter thread. Deep Python recursion is bounded by
/// the pystack and by `stack_limit`, which leaves this much headroom below the limit.
const THREAD_STACK: usize = 64 * 1024 * 1024;
/// Native stack Python code may use before `RuntimeError: maximum recursion depth
/// exceeded`; the rest of the thread's stack is headroom for unwinding and printing.
const STACK_BUDGET: usize = 2 * 1024 * 1024;
const PYSTACK_WORDS: usize = 1 << 20;
/// Where the GC heap's growth policy starts (`gc.rs`): the heap's pages are touched only as
/// allocation reaches them, so allocating within this much until live data needs more
/// keeps peak RSS near the program's live data rather than the whole heap. 512 KiB rather
/// than 128: collections four times rarer (bm_chaos 322M -> 308M instructions, the whole
/// heap 302M) for at most 0.4 MB more on programs that churn (docs/performance.md).
const HEAP_SOFT_LIMIT: usize = 512 * 1024;

/// `sys.argv`, `sys.path` (with the script's folder first), `-O`, `help` and `__main__`.
fn setup_sys(o: &Options, script_dir: Option<String>) -> PyResult<()> {
    let st = state::get();
    st.roots.modules = upy_runtime::objs::dict::new()?;
    let argv = list::new(&[])?;
    state::get().roots.sys_argv = argv;
    for a in &o.argv {
        list::append(argv, pystr::new(a)?)?;
    }
    let path = list::new(&[])?;
    state::get().roots.sys_path = path;
    for (i, entry) in o.sys_path.iter().enumerate() {
        let entry = match (&script_dir, i) {
            (Some(dir), 0) => dir,
            _ => entry,
        };
        list::append(path, pystr::new(entry)?)?;
    }
    state::get().opt_level = o.optimize;
    upy_runtime::modules::builtins::store_override(Q::help, exec::HELP)?;
    let _ = exec::main_globals()?;
    if let Some(m) = upy_runtime::objs::dict::map_of(state::get().roots.main_globals) {
        if let RunMode::File(f) = &o.mode {
            m.insert_qstr(Q::__file__, pystr::new(f)?)?;
        }
    }
    Ok(())
}

/// The exit status for how a program ended, printing an uncaught exception on stdout (file
/// and `-c`) or stderr (`-m` and stdin programs), as upstream does.
fn outcome_code(r: PyResult<Value>, to_stderr: bool) -> u8 {
    let Err(e) = r else { return 0 };
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

/// Compiles `source` and runs it in `__main__`; with `-X compile-only` only compiles it,
/// and with `-v -v` prints the disassembly first.
fn run_source(o: &Options, source: &str, name: &str) -> PyResult<Value> {
    let globals = state::get().roots.main_globals;
    let compiled = exec::compile(source, name, ParseMode::File)?;
    if o.verbose >= 2 {
        let text = upy_compiler::showbc::show_module(&compiled);
        upy_runtime::modules::sys::stdout_write(text.as_bytes())?;
    }
    if o.compile_only {
        return Ok(Value::NONE);
    }
    let (ctx, rc) = upy_runtime::emitglue::load(&compiled, globals)?;
    let value = upy_runtime::vm::run_module_code(ctx, rc, globals, globals)?;
    repl_host::pending_after_run()?;
    Ok(value)
}

/// Runs what the command line asked for; `None` when nothing was named (REPL or stdin).
fn run_program(o: &Options, script_found: bool) -> Option<u8> {
    Some(match &o.mode {
        RunMode::File(f) => match std::fs::read(f) {
            Ok(bytes) => {
                let src = String::from_utf8_lossy(&bytes);
                outcome_code(run_source(o, &src, f), false)
            }
            // The path exists (its folder was found) but cannot be read, e.g. a directory:
            // upstream raises OSError as the program's uncaught exception.
            Err(e) if script_found => {
                let errno = e.raw_os_error().unwrap_or(libc::EIO);
                outcome_code(Err(upy_runtime::raise::os_error(errno)), false)
            }
            Err(e) => {
                let argv0 = std::env::args().next().unwrap_or_else(|| "upy".into());
                eprintln!("{}", args::cant_open_message(&argv0, f, &e));
                2
            }
        },
        RunMode::Command(c) => outcome_code(run_source(o, c, "<stdin>"), false),
        RunMode::Module(m) => {
            let r = upy_runtime::qstr::Qstr::intern(m)
                .ok_or_else(upy_runtime::mem::oom)
                .and_then(upy_runtime::import::import_main);
            outcome_code(r, true)
        }
        RunMode::ReplOrStdin => return None,
    })
}

/// `-v`: `micropython.mem_info()` at exit.
fn print_mem_info() {
    let r = upy_runtime::modules::find_builtin(Q::micropython)
        .ok_or_else(upy_runtime::mem::oom)
        .and_then(|m| upy_runtime::runtime::load_attr(m, Q::mem_info))
        .and_then(|f| upy_runtime::runtime::call(f, &[], &[]));
    let _ = r;
}

/// `-X alloc-fail=N`: say whether the injected failure happened (and if not, how many
/// requests the run made, so a sweep knows where to stop), then collect and verify the heap.
fn report_alloc_fail() {
    let heap = &mut state::get().heap;
    let left = heap.fail_countdown;
    heap.fail_countdown = 0;
    heap.collect();
    match (left, heap.verify()) {
        (0, Ok(())) => eprintln!("alloc-fail: injected, heap ok"),
        (n, Ok(())) => eprintln!("alloc-fail: not reached, {n} to go, heap ok"),
        (_, Err(e)) => eprintln!("alloc-fail: HEAP CORRUPT: {e}"),
    }
}

fn run(o: Options) -> u8 {
    let heap: &'static mut [u64] = vec![0u64; o.heap_size.div_ceil(8)].leak();
    let pystack: &'static mut [usize] = vec![0usize; PYSTACK_WORDS].leak();
    let marker = 0usize;
    let top = &marker as *const usize as usize;
    // SAFETY: the heap and pystack buffers are leaked (ours for the process's life); `top`
    // is in this frame, which outlives every use of the interpreter.
    unsafe {
        upy_runtime::init(heap.as_mut_ptr() as *mut u8, o.heap_size, top, &hal::HAL);
        upy_runtime::init_pystack(pystack.as_mut_ptr() as *mut Value, pystack.len());
    }
    state::get().heap.set_soft_limit(HEAP_SOFT_LIMIT);
    state::get().stack_limit = top - STACK_BUDGET;
    if let Some(n) = o.alloc_fail {
        state::get().heap.fail_countdown = n;
    }
    hal::install_sigint();
    // A missing script is reported when it is opened, with upstream's message.
    let script_dir = match &o.mode {
        RunMode::File(f) => args::script_dir(f).ok(),
        _ => None,
    };
    if let Err(e) = setup_sys(&o, script_dir.clone()) {
        let code = outcome_code(Err(e), true);
        if o.alloc_fail.is_some() {
            report_alloc_fail();
        }
        return code;
    }
    let ran = run_program(&o, script_dir.is_some());
    let inspect = o.inspect || args::inspect_env();
    let code = match ran {
        Some(code) if !inspect => code,
        _ if inspect || terminal::is_tty(terminal::STDIN) => repl_host::run(),
        _ => {
            let mut src = String::new();
            let mut bytes = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut bytes);
            src.push_str(&String::from_utf8_lossy(&bytes));
            outcome_code(run_source(&o, &src, "<stdin>"), true)
        }
    };
    let code = match upy_runtime::modules::sys::run_atexit() {
        Ok(()) => code,
        Err(e) => outcome_code(Err(e), true),
    };
    if o.verbose > 0 {
        print_mem_info();
    }
    hal::flush();
    if o.alloc_fail.is_some() {
        report_alloc_fail();
    }
    std::hint::black_box(&marker);
    code
}

/// Whether the main thread's stack may grow to `size` bytes, raising its soft limit if the
/// hard limit allows: Linux checks the limit when the stack grows, not only at exec. Running
/// on the main thread saves creating a thread with its own 64 MiB stack, a third of the
/// start-up time of `upy -c pass`.
fn main_stack_can_grow(size: usize) -> bool {
    if !cfg!(target_os = "linux") {
        return false;
    }
    let want = size as libc::rlim_t;
    // SAFETY: plain system calls on a fully initialised struct.
    unsafe {
        let mut lim = std::mem::zeroed::<libc::rlimit>();
        if libc::getrlimit(libc::RLIMIT_STACK, &mut lim) != 0 {
            return false;
        }
        if lim.rlim_cur == libc::RLIM_INFINITY || lim.rlim_cur >= want {
            return true;
        }
        if lim.rlim_max != libc::RLIM_INFINITY && lim.rlim_max < want {
            return false;
        }
        lim.rlim_cur = want;
        libc::setrlimit(libc::RLIMIT_STACK, &lim) == 0
    }
}

fn main() -> ExitCode {
    // Before anything interns a name: frozen names take their ids from this table.
    upy_runtime::frozen::install(&frozen_modules::FROZEN);
    let o = args::from_env();
    if main_stack_can_grow(THREAD_STACK) {
        return ExitCode::from(run(o));
    }
    // Spawned threads inherit the mask; the interpreter thread unblocks SIGINT for itself.
    hal::block_sigint_here();
    let child = std::thread::Builder::new()
        .stack_size(THREAD_STACK)
        .spawn(move || run(o));
    match child.map(|c| c.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => ExitCode::from(1),
    }
}
