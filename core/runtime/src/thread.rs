//! Threads (cargo feature `thread`): the global interpreter lock (GIL) protocol, the part of
//! the interpreter state that belongs to one thread, and starting and ending threads.
//! `modules/thread.rs` is the `_thread` module on top of this; the OS side (threads, the
//! lock itself) is the port's [`ThreadHal`].
//!
//! # Concurrency model
//! One OS thread at a time runs the interpreter: the one holding the GIL. The interpreter
//! state stays one static (`state.rs`). The fields that belong to a thread (its pystack, its
//! native stack top and limit, its heap-lock depth, the current globals/locals, the
//! StopIteration being passed on) are copied into that thread's [`ThreadState`] when it gives
//! the GIL up and copied back when it takes it again. So code under the GIL never asks which
//! thread it runs on, and the hot paths (the VM loop, allocation) pay nothing for threads. A
//! program that never starts a thread never takes the GIL.
//!
//! The holder gives the GIL up:
//! - around blocking calls (`time.sleep`, waiting for a `_thread` lock): [`without_gil`];
//! - when another thread has waited longer than the port's switch interval: the waiter calls
//!   [`request_switch`], which also raises the state's `interrupt` flag that the VM polls at
//!   every jump, so the holder reaches [`take_request`] at its next jump and passes the GIL
//!   on ([`ThreadHal::gil_yield`] hands it over rather than re-taking it at once);
//! - at `time.sleep(0)`, which passes the GIL to a waiting thread if there is one.
//!
//! The heap stays consistent because only the GIL holder touches it. The collector runs on
//! the holder and scans, besides its own roots, stack and registers, every other thread's
//! saved words: root values, pystack, and native stack from the point where the thread gave
//! up the GIL (callee-saved registers spilled there) to its top. So a thread outside the GIL
//! must not touch the heap or the state: the closure given to [`without_gil`] does OS work
//! only, on memory the collector does not own.
//!
//! KeyboardInterrupt, pending exceptions and `micropython.schedule` callbacks go to the
//! main thread only, as upstream's. When the main thread's program ends the process ends,
//! whatever other threads are doing (they wait for the GIL, which the main thread keeps).
//!
//! # Safety
//! `ThreadState`s are boxed and linked into `state.threads` by the GIL holder; a thread's
//! own box is freed by that thread, under the GIL, after it is unlinked. Raw pointers to
//! them are only followed under the GIL.

use crate::gc::{Heap, WORD};
use crate::hal::ThreadHal;
use crate::obj::{PrintKind, PyErr, PyResult};
use crate::objs::{exception, tuple};
use crate::state;
use crate::value::Value;
use crate::vm::PyStack;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// Pystack words of a started thread (the main thread's comes from the port).
const PYSTACK_WORDS: usize = 64 * 1024;
/// Native stack Python code of a started thread may use, at most, before `RuntimeError:
/// maximum recursion depth exceeded`; the rest of its stack is headroom.
const MAX_STACK_BUDGET: usize = 2 * 1024 * 1024;

/// Index of each saved root word in [`ThreadState::roots`].
const R_GLOBALS: usize = 0;
const R_LOCALS: usize = 1;
const R_STOP_ITERATION: usize = 2;
/// The `(function, args, kwargs pairs)` tuple a thread was started with.
const R_START: usize = 3;

/// A thread's own part of the interpreter state while it does not hold the GIL.
#[repr(C)]
pub struct ThreadState {
    /// Value words the collector scans while the thread is switched out.
    roots: [Value; 4],
    /// The native stack range to scan, saved at switch-out: from the spilled registers up to
    /// the thread's top. `stack_lo` is 0 until the thread has run.
    stack_lo: usize,
    stack_hi: usize,
    stack_limit: usize,
    /// The stack size the port gave the thread.
    stack_size: usize,
    lock_depth: usize,
    depth: usize,
    pystack: PyStack,
    /// Storage behind `pystack` (empty for the main thread, whose pystack is the port's).
    pystack_mem: Vec<usize>,
    /// The thread's innermost running frame and whether its trace function is running.
    #[cfg(feature = "settrace")]
    cur_frame: *mut crate::vm::Frame,
    #[cfg(feature = "settrace")]
    trace_busy: bool,
    next: *mut ThreadState,
}

impl ThreadState {
    fn new(pystack_mem: Vec<usize>) -> ThreadState {
        let mut t = ThreadState {
            roots: [Value::NULL; 4],
            stack_lo: 0,
            stack_hi: 0,
            stack_limit: 0,
            stack_size: 0,
            lock_depth: 0,
            depth: 0,
            pystack: PyStack::empty(),
            pystack_mem,
            #[cfg(feature = "settrace")]
            cur_frame: core::ptr::null_mut(),
            #[cfg(feature = "settrace")]
            trace_busy: false,
            next: core::ptr::null_mut(),
        };
        if !t.pystack_mem.is_empty() {
            t.pystack = PyStack {
                base: t.pystack_mem.as_mut_ptr() as *mut Value,
                len: t.pystack_mem.len(),
                top: 0,
            };
        }
        t
    }
}

/// The threads' bookkeeping in the interpreter state.
pub struct Threads {
    /// Set when the first thread is started; from then on every thread runs under the GIL.
    pub active: bool,
    /// The thread holding the GIL.
    cur: *mut ThreadState,
    main: *mut ThreadState,
    /// Every live thread, linked through `next`.
    list: *mut ThreadState,
    /// `_thread.stack_size()`: the size asked for threads started from now on (0: default).
    pub stack_size: usize,
}

impl Threads {
    pub const fn new() -> Threads {
        Threads {
            active: false,
            cur: core::ptr::null_mut(),
            main: core::ptr::null_mut(),
            list: core::ptr::null_mut(),
            stack_size: 0,
        }
    }
}

impl Default for Threads {
    fn default() -> Self {
        Self::new()
    }
}

/// Set by a thread that has waited too long for the GIL.
static SWITCH_REQUEST: AtomicBool = AtomicBool::new(false);

/// The port's threads, if it has any.
pub fn hal() -> Option<&'static dyn ThreadHal> {
    state::get().hal.and_then(|h| h.threads())
}

/// Whether the calling thread is the main one (always, before any thread is started).
pub fn is_main() -> bool {
    let t = &state::get().threads;
    !t.active || t.cur == t.main
}

/// Ask the GIL holder to pass the GIL on at its next jump. Called by the port from a thread
/// that does not hold the GIL, so it touches atomics only.
pub fn request_switch() {
    SWITCH_REQUEST.store(true, Relaxed);
    state::interrupt_flag().store(true, Relaxed);
}

/// The VM's pending-event check: pass the GIL on if another thread asked for it. Returns
/// whether the caller is the main thread (the only one that handles interrupts and
/// scheduled callbacks); a thread that is not leaves those events raised for the main one.
#[cold]
pub fn take_request() -> bool {
    if SWITCH_REQUEST.swap(false, Relaxed) {
        yield_gil();
    }
    if is_main() {
        return true;
    }
    let st = state::get();
    let main_pending = st.kbd_pending.load(Relaxed)
        || !st.roots.pending_exception.is_null()
        || crate::modules::micropython::scheduled_count() > 0;
    if main_pending {
        st.interrupt.store(true, Relaxed);
    }
    false
}

/// Copy the running thread's fields out of the state (it is giving up the GIL).
fn save(ts: &mut ThreadState, sp: usize) {
    let st = state::get();
    ts.roots[R_GLOBALS] = st.roots.cur_globals;
    ts.roots[R_LOCALS] = st.roots.cur_locals;
    ts.roots[R_STOP_ITERATION] = st.roots.stop_iteration;
    ts.stack_lo = sp;
    ts.stack_hi = st.heap.stack_top();
    ts.stack_limit = st.stack_limit;
    ts.lock_depth = st.heap.lock_depth;
    ts.depth = st.depth;
    #[cfg(feature = "settrace")]
    {
        ts.cur_frame = st.cur_frame;
        ts.trace_busy = st.trace_busy;
    }
    ts.pystack = PyStack {
        base: st.pystack.base,
        len: st.pystack.len,
        top: st.pystack.top,
    };
}

/// Install `ts`'s fields in the state (its thread has just taken the GIL).
fn load(ts: *mut ThreadState) {
    let st = state::get();
    // SAFETY: `ts` is a live thread's box (module invariants), read under the GIL.
    let t = unsafe { &*ts };
    st.roots.cur_globals = t.roots[R_GLOBALS];
    st.roots.cur_locals = t.roots[R_LOCALS];
    st.roots.stop_iteration = t.roots[R_STOP_ITERATION];
    st.heap.set_stack_top(t.stack_hi);
    st.stack_limit = t.stack_limit;
    st.heap.lock_depth = t.lock_depth;
    st.depth = t.depth;
    #[cfg(feature = "settrace")]
    {
        st.cur_frame = t.cur_frame;
        st.trace_busy = t.trace_busy;
    }
    st.pystack = PyStack {
        base: t.pystack.base,
        len: t.pystack.len,
        top: t.pystack.top,
    };
    st.threads.cur = ts;
}

/// Save this thread's state (with its registers spilled into this frame, so the collector
/// sees values that live only in registers), run `f`, which gives up and retakes the GIL,
/// then reinstall the state.
#[inline(never)]
fn switched_out<R>(th: &'static dyn ThreadHal, f: impl FnOnce(&'static dyn ThreadHal) -> R) -> R {
    let ts = state::get().threads.cur;
    let mut regs = [0usize; 16];
    crate::gc::capture_registers(&mut regs);
    // SAFETY: `cur` is the running thread's live box.
    save(unsafe { &mut *ts }, regs.as_ptr() as usize);
    let r = f(th);
    load(ts);
    core::hint::black_box(&regs);
    r
}

/// Whether the GIL may change hands now: threads run, and no collection is under way (a
/// finaliser that blocks must not let another thread into a half-swept heap).
fn may_switch() -> Option<&'static dyn ThreadHal> {
    let st = state::get();
    if !st.threads.active || st.heap.is_collecting() {
        return None;
    }
    hal()
}

/// Run `f` (OS work that may block: it must not touch the heap or the interpreter state)
/// with the GIL released, so other threads run meanwhile.
pub fn without_gil<R>(f: impl FnOnce() -> R) -> R {
    match may_switch() {
        Some(th) => switched_out(th, |th| {
            th.gil_release();
            let r = f();
            th.gil_acquire();
            r
        }),
        None => f(),
    }
}

/// Pass the GIL to a thread waiting for it, if any (`time.sleep(0)`, switch requests).
pub fn yield_gil() {
    if let Some(th) = may_switch() {
        switched_out(th, |th| th.gil_yield());
    }
}

/// From the first thread start on, the main thread holds the GIL and has a ThreadState.
fn activate(th: &'static dyn ThreadHal) {
    let t = &mut state::get().threads;
    if t.active {
        return;
    }
    th.gil_acquire();
    let main = Box::into_raw(Box::new(ThreadState::new(Vec::new())));
    t.main = main;
    t.cur = main;
    t.list = main;
    t.active = true;
}

fn unlink(t: &mut Threads, ts: *mut ThreadState) {
    let mut link: *mut *mut ThreadState = &mut t.list;
    // SAFETY: the list holds live boxes only; we hold the GIL.
    unsafe {
        while !(*link).is_null() {
            if *link == ts {
                *link = (*ts).next;
                return;
            }
            link = &mut (**link).next;
        }
    }
}

/// Start a thread calling `func(*args, **kw)`, where `kw` is a tuple of name/value pairs.
/// Returns the new thread's identifier.
pub fn start(func: Value, args: Value, kw: Value) -> PyResult<Value> {
    let th = hal().ok_or_else(|| crate::raise::os_error(crate::hal::errno::EOPNOTSUPP))?;
    activate(th);
    let start = tuple::new(&[func, args, kw])?;
    let mut mem = Vec::new();
    mem.try_reserve_exact(PYSTACK_WORDS)
        .map_err(|_| crate::raise::memory_error(PYSTACK_WORDS * WORD))?;
    mem.resize(PYSTACK_WORDS, 0);
    let st = state::get();
    let mut ts = Box::new(ThreadState::new(mem));
    // A new thread runs in the globals of the code that started it.
    ts.roots[R_GLOBALS] = st.roots.cur_globals;
    ts.roots[R_LOCALS] = st.roots.cur_locals;
    ts.roots[R_START] = start;
    ts.next = st.threads.list;
    let p = Box::into_raw(ts);
    // Linked before the thread exists, so the collector sees its start tuple from now on.
    st.threads.list = p;
    match th.spawn(entry, p as usize, st.threads.stack_size) {
        Ok((ident, stack_size)) => {
            // SAFETY: the new thread cannot read its box before it gets the GIL, which we hold.
            unsafe { (*p).stack_size = stack_size };
            crate::objs::int::from_u64(ident as u64)
        }
        Err(errno) => {
            unlink(&mut state::get().threads, p);
            // SAFETY: unlinked, and no thread was started with it.
            drop(unsafe { Box::from_raw(p) });
            Err(crate::raise::os_error(errno))
        }
    }
}

/// What a started OS thread runs: take the GIL, run the function, leave.
fn entry(arg: usize) {
    let Some(th) = hal() else { return };
    th.gil_acquire();
    let ts = arg as *mut ThreadState;
    // Everything the thread does happens in frames below this marker, so the collector's
    // scan from the stack pointer up to it covers them.
    let marker = 0usize;
    let top = core::hint::black_box(&marker) as *const usize as usize;
    // SAFETY: `ts` is this thread's box, linked by `start`; we hold the GIL.
    unsafe {
        (*ts).stack_hi = top;
        let budget = ((*ts).stack_size / 4).min(MAX_STACK_BUDGET);
        (*ts).stack_limit = top.saturating_sub(budget);
    }
    load(ts);
    run(ts);
    let t = &mut state::get().threads;
    unlink(t, ts);
    t.cur = core::ptr::null_mut();
    // SAFETY: unlinked above; nothing refers to it any more (the state's pystack fields
    // are replaced by the next thread to take the GIL).
    drop(unsafe { Box::from_raw(ts) });
    th.gil_release();
    core::hint::black_box(&marker);
}

/// Call the thread's function; an exception it does not catch is printed (SystemExit ends
/// the thread quietly), as upstream.
#[inline(never)]
fn run(ts: *mut ThreadState) {
    // SAFETY: our own live box.
    let start = unsafe { (*ts).roots[R_START] };
    let Some(&mut [func, args, kw]) = tuple::items(start) else {
        return;
    };
    let args = tuple::items(args).map(|s| &*s).unwrap_or(&[]);
    let kw = tuple::items(kw).map(|s| &*s).unwrap_or(&[]);
    if let Err(PyErr(e)) = crate::runtime::call(func, args, kw) {
        if !crate::runtime::is_instance(e, &exception::SYSTEM_EXIT) {
            let _ = print_unhandled(func, e);
        }
    }
}

fn print_unhandled(func: Value, e: Value) -> PyResult<()> {
    use crate::obj::Print;
    let mut out = crate::exec::Stderr;
    out.write_str("Unhandled exception in thread started by ")?;
    crate::runtime::print_value(&mut out, func, PrintKind::Repr)?;
    out.write_str("\n")?;
    crate::exec::print_exception(&mut out, e)
}

/// Called by the collector: mark what other threads saved when they gave up the GIL.
///
/// # Safety
/// Under the GIL; every saved stack range is a switched-out thread's live stack.
pub(crate) unsafe fn mark_other_threads(heap: &mut Heap, t: &Threads) {
    let mut p = t.list;
    while !p.is_null() {
        // SAFETY: the list holds live boxes only.
        let ts = unsafe { &*p };
        // SAFETY: the root array and pystack region are readable words; a saved stack
        // range belongs to a thread blocked below it until it retakes the GIL we hold.
        unsafe {
            heap.mark_range(ts.roots.as_ptr() as *const usize, ts.roots.len());
            if p != t.cur {
                if !ts.pystack.base.is_null() {
                    heap.mark_range(ts.pystack.base as *const usize, ts.pystack.top);
                }
                if ts.stack_lo != 0 && ts.stack_hi > ts.stack_lo {
                    let n = (ts.stack_hi - ts.stack_lo) / WORD;
                    heap.mark_range(ts.stack_lo as *const usize, n);
                }
            }
        }
        p = ts.next;
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::state::testing::with_vm;

    /// Addresses are kept XOR-ed with this so no stack word points at the objects.
    const HIDE: usize = 0x5a5a_5a5a;

    #[inline(never)]
    fn hidden_alloc() -> usize {
        let v = crate::objs::list::new(&[Value::small_int(7)]);
        assert!(v.is_ok());
        v.map_or(0, |v| v.bits() ^ HIDE)
    }

    /// Overwrite the stack below the caller, where the allocations' frames left copies.
    #[inline(never)]
    fn clobber_stack() {
        let junk = [0usize; 512];
        core::hint::black_box(&junk);
    }

    /// Store the unhidden address in a frame of its own, which `clobber_stack` then wipes.
    #[inline(never)]
    fn plant(slot: &mut usize, hidden: usize) {
        *core::hint::black_box(slot) = hidden ^ HIDE;
    }

    fn alive(hidden: usize) -> bool {
        state::get().heap.size_of((hidden ^ HIDE) as *const u8) > 0
    }

    #[test]
    fn collector_scans_what_switched_out_threads_saved() {
        with_vm(|| {
            let (a, b, c, d) = (
                hidden_alloc(),
                hidden_alloc(),
                hidden_alloc(),
                hidden_alloc(),
            );
            clobber_stack();
            let mut ts = Box::new(ThreadState::new(std::vec![0usize; 16]));
            // A root word and a pystack word below the top keep objects alive; a word above
            // the top is stale and does not.
            ts.roots[R_START] = Value::from_bits(a ^ HIDE);
            ts.pystack_mem[0] = b ^ HIDE;
            ts.pystack.top = 1;
            plant(&mut ts.pystack_mem[5], c);
            clobber_stack();
            // A saved native stack range is scanned too.
            let stack = [d ^ HIDE; 4];
            ts.stack_lo = stack.as_ptr() as usize;
            ts.stack_hi = ts.stack_lo + stack.len() * WORD;
            let p = Box::into_raw(ts);
            let t = &mut state::get().threads;
            let saved = (t.list, t.cur);
            t.list = p;
            state::get().heap.collect();
            let (a_ok, b_ok, c_ok, d_ok) = (alive(a), alive(b), alive(c), alive(d));
            let t = &mut state::get().threads;
            unlink(t, p);
            (t.list, t.cur) = saved;
            // SAFETY: unlinked again; the box is ours.
            drop(unsafe { Box::from_raw(p) });
            core::hint::black_box(&stack);
            assert!(a_ok && b_ok && d_ok, "{a_ok} {b_ok} {d_ok}");
            assert!(!c_ok);
        })
    }

    #[test]
    fn without_threads_nothing_changes_hands() {
        with_vm(|| {
            assert!(is_main());
            let before = state::get().pystack.top;
            assert_eq!(without_gil(|| 41 + 1), 42);
            yield_gil();
            assert_eq!(state::get().pystack.top, before);
            assert!(!take_request() || is_main());
        })
    }

    #[test]
    fn save_and_load_swap_the_per_thread_fields() {
        with_vm(|| {
            let st = state::get();
            let keep = (st.stack_limit, st.heap.lock_depth, st.threads.cur);
            let mut ts = ThreadState::new(std::vec![0usize; 8]);
            save(&mut ts, 1234);
            assert_eq!(ts.stack_lo, 1234);
            assert_eq!(ts.stack_limit, keep.0);
            let mut other = ThreadState::new(std::vec![0usize; 8]);
            other.stack_limit = 99;
            other.lock_depth = 3;
            other.stack_hi = st.heap.stack_top();
            load(&mut other);
            assert_eq!(state::get().stack_limit, 99);
            assert_eq!(state::get().heap.lock_depth, 3);
            assert_eq!(state::get().pystack.len, 8);
            load(&mut ts);
            let st = state::get();
            assert_eq!((st.stack_limit, st.heap.lock_depth), (keep.0, keep.1));
            st.threads.cur = keep.2;
        })
    }
}
