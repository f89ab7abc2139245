//! The harness every upy fuzz target shares: one interpreter per process on a small GC heap
//! (as a board would have), a console that swallows output, no filesystem, and a watchdog
//! that turns a case running past its budget into a KeyboardInterrupt, which reaches
//! Python loops and long native loops alike. After each case the interpreter's invariants
//! are checked (frame stack empty, call depth zero) and, every so often, the whole heap is
//! collected and verified: a broken invariant panics, which libFuzzer reports as a crash.

pub mod gen;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Once, OnceLock};
use std::time::{Duration, Instant};
use upy_compiler::ast::ParseMode;
use upy_runtime::obj::{Print, PyResult};
use upy_runtime::{exec, hal, state, Value};

/// A small heap, so memory exhaustion is common and exercised.
const HEAP_BYTES: usize = 256 * 1024;
const PYSTACK_WORDS: usize = 16 * 1024;
/// Native stack the interpreter may use below the case's entry frame (the main thread
/// has 8 MiB; sanitizer builds have fat frames, so the margin below the limit is wide).
const STACK_BUDGET: usize = 2 << 20;
/// Time a case may run before the watchdog interrupts it.
const CASE_BUDGET: Duration = Duration::from_millis(100);
/// Verify the heap after this many cases.
const VERIFY_EVERY: usize = 64;

struct FuzzHal;

impl hal::Hal for FuzzHal {
    fn stdout_write(&self, _bytes: &[u8]) {}
    fn stdin_read(&self, _buf: &mut [u8]) -> usize {
        0
    }
    fn ticks_ms(&self) -> u64 {
        epoch().elapsed().as_millis() as u64
    }
    fn ticks_us(&self) -> u64 {
        epoch().elapsed().as_micros() as u64
    }
    // Sleeping would only slow the fuzzer down; time still moves for ticks.
    fn sleep_us(&self, _us: u64) {}
    fn stat(&self, _path: &str) -> Option<hal::FileKind> {
        None
    }
    fn read_file(&self, _path: &str, _out: &mut Vec<u8>) -> Result<(), i32> {
        Err(2)
    }
}

static HAL: FuzzHal = FuzzHal;
static INIT: Once = Once::new();
static EPOCH: OnceLock<Instant> = OnceLock::new();
/// Nanoseconds since `EPOCH` when the running case started, 0 when idle.
static CASE_START: AtomicU64 = AtomicU64::new(0);
static CASES: AtomicUsize = AtomicUsize::new(0);

fn epoch() -> Instant {
    *EPOCH.get_or_init(Instant::now)
}

fn now_ns() -> u64 {
    (epoch().elapsed().as_nanos() as u64).max(1)
}

fn watchdog() {
    loop {
        std::thread::sleep(Duration::from_millis(5));
        let start = CASE_START.load(Ordering::Relaxed);
        if start != 0 && now_ns().saturating_sub(start) > CASE_BUDGET.as_nanos() as u64 {
            // Repeated every tick until the case ends: a program may catch one.
            upy_runtime::signal_interrupt();
        }
    }
}

/// Output sink for tracebacks (printing them is part of what is fuzzed).
pub struct Discard;

impl Print for Discard {
    fn write_str(&mut self, _s: &str) -> PyResult<()> {
        Ok(())
    }
}

/// Run `f` as one fuzz case on the process's interpreter.
#[inline(never)]
pub fn with_vm<R>(f: impl FnOnce() -> R) -> R {
    let marker = 0usize;
    let top = &marker as *const usize as usize;
    INIT.call_once(|| {
        let heap: &'static mut [u64] = vec![0u64; HEAP_BYTES / 8].leak();
        let pystack: &'static mut [usize] = vec![0usize; PYSTACK_WORDS].leak();
        // SAFETY: both regions are leaked, so they outlive the interpreter; `top` is
        // replaced by each case's own frame before any use.
        unsafe {
            upy_runtime::init(heap.as_mut_ptr() as *mut u8, HEAP_BYTES, top, &HAL);
            upy_runtime::init_pystack(pystack.as_mut_ptr() as *mut Value, pystack.len());
        }
        epoch();
        std::thread::spawn(watchdog);
    });
    let st = state::get();
    st.heap.set_stack_top(top);
    st.stack_limit = top - STACK_BUDGET;
    CASE_START.store(now_ns(), Ordering::Relaxed);
    let r = f();
    CASE_START.store(0, Ordering::Relaxed);
    after_case();
    std::hint::black_box(&marker);
    r
}

/// Check what every case must leave behind, and undo what a program may legitimately
/// leave set (a locked heap, a disabled collector, a pending interrupt).
fn after_case() {
    let st = state::get();
    assert_eq!(st.pystack.top, 0, "a frame was left on the pystack");
    assert_eq!(st.depth, 0, "call depth not restored");
    st.heap.lock_depth = 0;
    st.heap.auto_collect = true;
    st.heap.threshold = None;
    st.opt_level = 0;
    st.kbd_pending.store(false, Ordering::Relaxed);
    st.interrupt.store(false, Ordering::Relaxed);
    st.roots.pending_exception = Value::NULL;
    // A fresh __main__ each case, so one case's globals cannot fill the next one's heap.
    st.roots.main_globals = Value::NULL;
    if CASES.fetch_add(1, Ordering::Relaxed) % VERIFY_EVERY == 0 {
        st.heap.collect();
        if let Err(e) = st.heap.verify() {
            panic!("heap inconsistent after a case: {e}");
        }
    }
}

/// Compile and run `source` as `__main__`, printing any uncaught exception into the void.
pub fn run_source(source: &str) {
    let r = exec::main_globals()
        .and_then(|g| exec::exec_source(source, "<fuzz>", ParseMode::File, g, g));
    if let Err(e) = r {
        let _ = exec::print_exception(&mut Discard, e.0);
    }
}

/// Run `source` with the global `d` bound to `data` as bytes.
pub fn run_with_data(source: &str, data: &[u8]) {
    let r = exec::main_globals().and_then(|g| {
        let b = upy_runtime::objs::str::new_bytes(data)?;
        if let Some(m) = upy_runtime::objs::dict::map_of(g) {
            let d = upy_runtime::qstr::Qstr::intern("d").ok_or_else(upy_runtime::mem::oom)?;
            m.insert_qstr(d, b)?;
        }
        exec::exec_source(source, "<fuzz>", ParseMode::File, g, g)
    });
    if let Err(e) = r {
        let _ = exec::print_exception(&mut Discard, e.0);
    }
}
