//! upy's runtime: the tagged value word, the GC heap, interned strings, the object types,
//! the bytecode VM and the built-in modules. `no_std` + `alloc`; ports supply a [`hal::Hal`].
//!
//! Unsafe code is fenced into: `value` (the tagged word), `gc` (the heap), `mem` (typed
//! allocation), `state` (the global interpreter state), `qstr` (the pool), `map` (the table
//! storage) and the object layouts' raw accessors. See ARCHITECTURE.md.
#![cfg_attr(fuzzing, feature(sanitize))]
#![cfg_attr(feature = "vm_speed", feature(optimize_attribute))]
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
extern crate alloc;

pub mod emitglue;
pub mod exec;
pub mod frozen;
pub mod gc;
pub mod hal;
pub mod import;
pub mod map;
pub mod mem;
pub mod modules;
pub use upy_compiler::mpz;
pub mod obj;
pub mod objs;
pub mod qstr;
pub mod raise;
pub mod readline;
pub mod repl;
pub mod runtime;
pub mod state;
#[cfg(feature = "thread")]
pub mod thread;
#[cfg(feature = "settrace")]
pub mod trace;
/// Without the `thread` feature there is one thread and no GIL: blocking calls just run.
#[cfg(not(feature = "thread"))]
pub mod thread {
    pub fn without_gil<R>(f: impl FnOnce() -> R) -> R {
        f()
    }
    pub fn is_main() -> bool {
        true
    }
    pub fn yield_gil() {}
}
pub mod value;
pub mod vm;
pub mod vstr;

pub use obj::{PyErr, PyResult};
pub use value::Value;

/// Start an interpreter on `heap` (exclusively owned for the program's life).
///
/// # Safety
/// `heap` must be valid for reads and writes for `heap_len` bytes, word aligned, unused by
/// anything else; `stack_top` must be an address in a frame that outlives all interpreter use.
pub unsafe fn init(heap: *mut u8, heap_len: usize, stack_top: usize, hal: &'static dyn hal::Hal) {
    let st = state::get();
    // SAFETY: forwarded from the caller.
    unsafe { st.heap.init(heap, heap_len) };
    st.heap.set_stack_top(stack_top);
    st.heap.finaliser = Some(run_finaliser);
    st.hal = Some(hal);
    st.kbd_intr_char = 3;
    mpz::set_interrupt_flag(&state::get().kbd_pending);
}

/// The collector's finaliser hook: an allocation made with `mem::alloc_finalised` is an
/// object, so its first word is its type; run that type's `finalise` slot.
fn run_finaliser(p: *mut u8) {
    let v = Value::from_ptr(p as *const u8);
    if let Some(f) = v.type_of().finalise() {
        f(v);
    }
}

/// Give the interpreter its frame stack: `len` words at `base`, scanned by the collector.
///
/// # Safety
/// The region must be valid for reads and writes and unused by anything else for as long as
/// the interpreter runs.
pub unsafe fn init_pystack(base: *mut Value, len: usize) {
    let st = state::get();
    st.pystack = vm::PyStack { base, len, top: 0 };
    if let Ok(e) = objs::exception::new(&objs::exception::KEYBOARD_INTERRUPT, &[]) {
        state::get().roots.kbd_exception = e;
    }
    let _ = objs::exception::init_emergency();
}

/// Request a KeyboardInterrupt at the next safe point. Async-signal-safe: only stores to
/// atomics (called from SIGINT handlers and UART interrupts).
pub fn signal_interrupt() {
    let st = state::get();
    st.kbd_pending
        .store(true, core::sync::atomic::Ordering::Relaxed);
    st.interrupt
        .store(true, core::sync::atomic::Ordering::Relaxed);
}
