//! The interpreter state: the GC heap, the dynamic qstr pool, the root values the collector
//! starts from, and the port's services. One per interpreter (MicroPython's `mp_state_ctx`).
//!
//! # Safety
//! The state is a single `static mut`, reached only through [`get`]. Only one thread runs
//! the interpreter at a time: with the `thread` feature, the one holding the global
//! interpreter lock (see `thread.rs`, which also swaps the per-thread fields in and out), so
//! no two threads touch it at once. Callers keep the returned reference short-lived and never
//! hold two at the same time across a call that may also reach the state.

use crate::gc::Heap;
use crate::hal::Hal;
use crate::qstr::Pool;
use crate::value::Value;
use core::ptr::addr_of_mut;

/// Values the collector must treat as roots. Every field is a word; the collector scans the
/// struct as an array of words, so adding a root is adding a field here.
#[repr(C)]
pub struct Roots {
    /// `sys.modules`: dict of loaded modules.
    pub modules: Value,
    /// Globals dict of `__main__`.
    pub main_globals: Value,
    pub sys_path: Value,
    pub sys_argv: Value,
    /// Pending exception to raise at the next check (KeyboardInterrupt, scheduled error).
    pub pending_exception: Value,
    /// The preallocated KeyboardInterrupt instance (raised from signal handlers).
    pub kbd_exception: Value,
    /// `micropython.schedule` queue: (callable, arg) pairs, `sched_len` of them, oldest
    /// first. Fixed, as upstream's, so scheduling never allocates.
    pub sched_queue: [Value; 2 * crate::modules::micropython::SCHEDULE_DEPTH],
    /// `builtins` overrides made by programs (`builtins.x = ...`), a dict or NULL.
    pub builtins_dict: Value,
    /// Globals dict of the innermost running Python function (for `globals()`, `exec`).
    pub cur_globals: Value,
    /// Locals dict of the innermost running module-level or class-body code (`locals()`).
    pub cur_locals: Value,
    /// The preallocated exception raised when the heap is full or locked, and its
    /// 1-tuple of args while it is lent out with empty args.
    pub emergency_exc: Value,
    pub emergency_args: Value,
    /// The StopIteration a user `__next__` raised, kept so `next()` can re-raise its value.
    pub stop_iteration: Value,
    /// Loaded module contexts stay alive as long as their code may run; the VM also keeps
    /// them reachable through function objects. Scratch roots for ports and modules:
    pub port: [Value; 8],
    /// Modules-private roots (e.g. random state, sys.stdout objects).
    pub modules_private: [Value; 16],
    /// `vfs` mount table (a list of `(point, fs)` tuples) and the mount holding the
    /// current directory (an entry, NONE for the virtual root, NULL before first use).
    pub vfs_mounts: Value,
    pub vfs_cur: Value,
    /// The exception the innermost running `except` clause caught (`sys.exc_info()`).
    pub cur_exception: Value,
    /// `sys.atexit` function, called by the port when the program ends.
    pub atexit: Value,
    /// `sys.settrace` function, or NULL (feature `settrace`).
    pub trace_fn: Value,
    /// `sys.ps1` and `sys.ps2`, the REPL's prompts (NULL until first read or set).
    pub sys_ps1: Value,
    pub sys_ps2: Value,
}

impl Roots {
    const fn new() -> Roots {
        Roots {
            modules: Value::NULL,
            main_globals: Value::NULL,
            sys_path: Value::NULL,
            sys_argv: Value::NULL,
            pending_exception: Value::NULL,
            kbd_exception: Value::NULL,
            sched_queue: [Value::NULL; 2 * crate::modules::micropython::SCHEDULE_DEPTH],
            builtins_dict: Value::NULL,
            cur_globals: Value::NULL,
            cur_locals: Value::NULL,
            stop_iteration: Value::NULL,
            emergency_exc: Value::NULL,
            emergency_args: Value::NULL,
            port: [Value::NULL; 8],
            modules_private: [Value::NULL; 16],
            vfs_mounts: Value::NULL,
            vfs_cur: Value::NULL,
            cur_exception: Value::NULL,
            atexit: Value::NULL,
            trace_fn: Value::NULL,
            sys_ps1: Value::NULL,
            sys_ps2: Value::NULL,
        }
    }
}

pub struct State {
    pub heap: Heap,
    pub qstrs: Pool,
    pub roots: Roots,
    pub hal: Option<&'static dyn Hal>,
    /// Python call depth.
    pub depth: usize,
    /// Compiler optimisation level (`-O`, `micropython.opt_level`).
    pub opt_level: u8,
    /// Set asynchronously (signal handler / UART IRQ) to request a KeyboardInterrupt.
    pub interrupt: core::sync::atomic::AtomicBool,
    /// A KeyboardInterrupt was requested (Ctrl-C).
    pub kbd_pending: core::sync::atomic::AtomicBool,
    /// A scheduled callback is running (the scheduler is locked).
    pub sched_running: bool,
    /// Number of pairs in `roots.sched_queue`.
    pub sched_len: usize,
    /// Interrupt character (`micropython.kbd_intr`), -1 disables; Ctrl-C from `crate::init`.
    pub kbd_intr_char: i32,
    /// Lowest native stack address the interpreter may use before raising RuntimeError.
    pub stack_limit: usize,
    /// Storage for the frames of plain calls, scanned as a root up to its top.
    pub pystack: crate::vm::PyStack,
    /// The threads `_thread` started and which one holds the GIL.
    #[cfg(feature = "thread")]
    pub threads: crate::thread::Threads,
    /// The innermost running bytecode frame; each links to its caller (`Frame::back`).
    #[cfg(feature = "settrace")]
    pub cur_frame: *mut crate::vm::Frame,
    /// A trace function is running: nothing it runs is traced.
    #[cfg(feature = "settrace")]
    pub trace_busy: bool,
}

/// A fresh interpreter: no heap, no roots, no port. All zero bytes, so the state takes no
/// flash for an initial image (it lives in .bss); `crate::init` sets what starts non-zero.
const fn initial() -> State {
    State {
        heap: Heap::empty(),
        qstrs: Pool::new(),
        roots: Roots::new(),
        hal: None,
        depth: 0,
        opt_level: 0,
        interrupt: core::sync::atomic::AtomicBool::new(false),
        kbd_pending: core::sync::atomic::AtomicBool::new(false),
        kbd_intr_char: 0,
        sched_running: false,
        sched_len: 0,
        stack_limit: 0,
        pystack: crate::vm::PyStack::empty(),
        #[cfg(feature = "thread")]
        threads: crate::thread::Threads::new(),
        #[cfg(feature = "settrace")]
        cur_frame: core::ptr::null_mut(),
        #[cfg(feature = "settrace")]
        trace_busy: false,
    }
}

static mut STATE: State = initial();

/// Forget the whole interpreter (heap, dynamic qstrs, roots, port) so that `init` can start
/// a new one: a board's soft reset.
///
/// # Safety
/// No value, reference into the state or object of the old heap may be used afterwards.
pub unsafe fn reset() {
    // SAFETY: the caller promises nothing refers into the old state; `write` drops nothing
    // (the old state owns no Rust allocations: its heap and pool live in the port's region).
    unsafe { core::ptr::write(addr_of_mut!(STATE), initial()) };
}

/// The interpreter state.
#[inline(always)]
pub fn get() -> &'static mut State {
    // SAFETY: see the module invariants (single-threaded access).
    unsafe { &mut *addr_of_mut!(STATE) }
}

/// The flag the VM polls for pending events, for code that may run without holding the
/// interpreter (signal handlers, threads waiting for the GIL): it touches only this atomic.
pub fn interrupt_flag() -> &'static core::sync::atomic::AtomicBool {
    // SAFETY: a shared reference to an atomic field of the static; atomics may be shared.
    unsafe { &*core::ptr::addr_of!(STATE.interrupt) }
}

/// Called by the collector: mark every root word.
pub(crate) fn mark_roots(heap: &mut Heap) {
    // SAFETY: STATE is a static; its fields are plain words we only read here.
    unsafe {
        let st = addr_of_mut!(STATE);
        let roots = addr_of_mut!((*st).roots) as *const usize;
        let n = core::mem::size_of::<Roots>() / core::mem::size_of::<usize>();
        heap.mark_range(roots, n);
        let ps = &(*st).pystack;
        if !ps.base.is_null() {
            heap.mark_range(ps.base as *const usize, ps.top);
        }
        let pool = (*st).qstrs.root_words();
        heap.mark_range(pool.as_ptr(), pool.len());
        #[cfg(feature = "thread")]
        crate::thread::mark_other_threads(heap, &(*st).threads);
    }
}

/// Test support: run `f` with an initialised interpreter. Tests share one global state, so
/// this serialises them.
#[cfg(test)]
pub mod testing {
    extern crate std;
    use std::sync::Mutex;
    use std::vec::Vec;

    static LOCK: Mutex<()> = Mutex::new(());
    static OUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());

    struct TestHal;

    impl crate::hal::Hal for TestHal {
        fn stdout_write(&self, bytes: &[u8]) {
            OUT.lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend_from_slice(bytes);
        }
        fn stdin_read(&self, _buf: &mut [u8]) -> usize {
            0
        }
        fn ticks_ms(&self) -> u64 {
            0
        }
        fn ticks_us(&self) -> u64 {
            0
        }
        fn sleep_us(&self, _us: u64) {}
        fn stat(&self, _path: &str) -> Option<crate::hal::FileKind> {
            None
        }
        fn read_file(&self, _path: &str, _out: &mut Vec<u8>) -> Result<(), i32> {
            Err(2)
        }
    }

    static HAL: TestHal = TestHal;

    /// Output written to stdout by the code under test since the last call.
    pub fn take_output() -> std::string::String {
        let mut o = OUT.lock().unwrap_or_else(|e| e.into_inner());
        let s = std::string::String::from_utf8_lossy(&o).into_owned();
        o.clear();
        s
    }

    #[inline(never)]
    pub fn with_vm<R>(f: impl FnOnce() -> R) -> R {
        let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let marker = 0usize;
        let top = &marker as *const usize as usize + 256;
        let st = super::get();
        if st.hal.is_none() {
            let heap: &'static mut [u64] = std::vec![0u64; 1 << 19].leak();
            // SAFETY: the leaked buffer is ours forever.
            unsafe { crate::init(heap.as_mut_ptr() as *mut u8, heap.len() * 8, top, &HAL) };
        }
        st.heap.set_stack_top(top);
        let r = f();
        core::hint::black_box(&marker);
        r
    }
}
