//! upy's runtime: the tagged value word, the GC heap, interned strings, the object types,
//! the bytecode VM and the built-in modules. `no_std` + `alloc`; ports supply a [`hal::Hal`].
//!
//! Unsafe code is fenced into: `value` (the tagged word), `gc` (the heap), `mem` (typed
//! allocation), `state` (the global interpreter state), `qstr` (the pool), `map` (the table
//! storage) and the object layouts' raw accessors. See ARCHITECTURE.md.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
extern crate alloc;

pub mod gc;
pub mod hal;
pub mod map;
pub mod mem;
pub mod obj;
pub mod objs;
pub mod qstr;
pub mod raise;
pub mod runtime;
pub mod state;
pub mod value;
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
    st.hal = Some(hal);
}
