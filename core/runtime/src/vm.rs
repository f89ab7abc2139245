//! The bytecode interpreter: one dispatch loop over MicroPython's opcodes (.mpy 6.3), with
//! the frame's ip and sp held in Rust locals and written back only where the frame may be
//! observed (raise, yield). Exceptions are `Err` values; the loop unwinds Python handlers
//! itself (MicroPython's py/vm.c is the behavioural spec; see reference §2).
//!
//! ```text
//!   state: [ stack grows up ->        ...        <- locals grow down ]
//!           state[0] .. state[sp]                 local i = state[n_state-1-i]
//!   exc:   [ {handler, sp, is_finally, prev_exc} ... ]   SETUP_* entries, innermost last
//! ```
//! Frames of plain calls live on the pystack (a region the collector scans as a root);
//! generator frames live in their generator object on the GC heap.
//!
//! # Safety
//! Stack slots and exception entries are accessed through raw pointers. The compiler keeps
//! every access inside the frame's `n_state` slots and `n_exc_stack` entries, so its code
//! (and frozen code) runs unchecked. Code loaded from a `.mpy` file (`RawCode::checked`)
//! passed the reader's verifier, which checks indices and jumps but not stack depth, so the
//! loop is instantiated a second time (`run::<true>`) with one unsigned compare per access
//! (`at!`, `exc_entry!`, [`slots`]): a corrupt file ends in `RuntimeError: corrupt
//! bytecode`, never in memory outside the frame. The less common opcodes are one shared
//! out-of-line function for both loops ([`slow_op`]), always with checked accesses.

use crate::emitglue::RawCode;
use crate::obj::{PyErr, PyResult};
use crate::objs::function::{self, Function};
use crate::objs::{bytearray, dict, exception, list, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::state;
use crate::value::Value;
use upy_compiler::bc::{self, binary as bop};

/// One exception-handler entry (SETUP_EXCEPT / SETUP_FINALLY / SETUP_WITH).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ExcEntry {
    pub handler: usize,
    pub sp: isize,
    pub is_finally: usize,
    pub prev_exc: Value,
}

/// The execution state of one Python call.
#[repr(C)]
pub struct Frame {
    pub fun: Value,
    pub code: *const RawCode,
    pub ip: usize,
    pub sp: isize,
    pub state: *mut Value,
    pub exc: *mut ExcEntry,
    pub exc_sp: isize,
    pub globals: Value,
    pub locals: Value,
    /// Set when the pending error is a re-raise (no new traceback entry).
    pub reraise: bool,
    /// The calling frame while this one runs (see `State::cur_frame`).
    #[cfg(feature = "settrace")]
    pub back: *mut Frame,
    /// This frame's `frame` object once tracing needed one, else NULL.
    #[cfg(feature = "settrace")]
    pub pyframe: Value,
}

impl Frame {
    pub fn empty() -> Frame {
        Frame {
            fun: Value::NULL,
            code: core::ptr::null(),
            ip: 0,
            sp: -1,
            state: core::ptr::null_mut(),
            exc: core::ptr::null_mut(),
            exc_sp: -1,
            globals: Value::NULL,
            locals: Value::NULL,
            reraise: false,
            #[cfg(feature = "settrace")]
            back: core::ptr::null_mut(),
            #[cfg(feature = "settrace")]
            pyframe: Value::NULL,
        }
    }

    pub fn code(&self) -> &'static RawCode {
        // SAFETY: set from a live function's raw code, which the frame keeps alive via `fun`.
        unsafe { &*self.code }
    }

    /// Number of words a frame for `code` needs (state + exception entries).
    pub fn words_for(code: &RawCode) -> usize {
        code.n_state
            + code.n_exc_stack * (core::mem::size_of::<ExcEntry>() / core::mem::size_of::<Value>())
    }

    /// Point the frame at `n` words of storage (NULL-filled by the caller).
    ///
    /// # Safety
    /// `mem` must hold `Frame::words_for(self.code())` words that outlive the frame.
    pub unsafe fn attach(&mut self, mem: *mut Value) {
        self.state = mem;
        // SAFETY: the storage holds n_state values followed by the exception entries.
        self.exc = unsafe { mem.add(self.code().n_state) as *mut ExcEntry };
    }
}

/// Result of running a frame until it stops.
pub enum Ret {
    Return(Value),
    Yield(Value),
}

// --- the pystack ---

/// Bump-allocated storage for frames of plain calls.
pub struct PyStack {
    pub base: *mut Value,
    pub len: usize,
    pub top: usize,
}

impl PyStack {
    pub const fn empty() -> PyStack {
        PyStack {
            base: core::ptr::null_mut(),
            len: 0,
            top: 0,
        }
    }
}

/// Whether a loop slot holds the type word of an iterator `runtime::get_iter_buf` places in
/// the stack (for code from `.mpy` files, which may be corrupt).
fn in_place_iter_kind(kind: Value) -> bool {
    use crate::objs;
    [
        &objs::str::STR_ITER_TYPE,
        &objs::memoryview::BUF_ITER_TYPE,
        &objs::array::ITER_TYPE,
        &objs::range::ITER_TYPE,
        &objs::dict::ITER_TYPE,
        &objs::set::ITER_TYPE,
    ]
    .iter()
    .any(|t| kind == Value::from_static(*t))
}

/// What a stack or handler access outside the frame raises (only corrupt `.mpy` code).
#[cold]
fn corrupt() -> PyErr {
    raise::runtime_error("corrupt bytecode")
}

/// `len` stack slots from `start`, checked against the frame's `n_state` slots at `st`.
#[inline(always)]
fn slots<const C: bool>(
    st: *mut Value,
    n_state: usize,
    start: isize,
    len: usize,
) -> PyResult<&'static mut [Value]> {
    if C && (start < 0
        || (start as usize)
            .checked_add(len)
            .is_none_or(|e| e > n_state))
    {
        return Err(corrupt());
    }
    // SAFETY: [start, start+len) lies inside the frame's n_state slots (checked when `C`,
    // guaranteed by the compiler otherwise).
    Ok(unsafe { core::slice::from_raw_parts_mut(st.offset(start), len) })
}

/// Stack slot `i` of the frame's `n_state` slots at `st`, checked.
#[inline(always)]
fn slot<const C: bool>(st: *mut Value, n_state: usize, i: isize) -> PyResult<&'static mut Value> {
    if C && i as usize >= n_state {
        return Err(corrupt());
    }
    // SAFETY: 0 <= i < n_state (checked when `C`: a negative i wraps to a huge usize and
    // fails; guaranteed by the compiler otherwise).
    Ok(unsafe { &mut *st.offset(i) })
}

/// Exception entry `i` of frame `f`, checked against its `n_exc_stack` entries.
#[inline(always)]
fn exc_slot<const C: bool>(f: &Frame, i: isize) -> PyResult<&'static mut ExcEntry> {
    if C && i as usize >= f.code().n_exc_stack {
        return Err(corrupt());
    }
    // SAFETY: 0 <= i < n_exc_stack (checked when `C`, guaranteed by the compiler otherwise);
    // the entries follow the state (Frame::attach).
    Ok(unsafe { &mut *f.exc.offset(i) })
}

#[cold]
pub fn recursion_error() -> PyErr {
    raise::runtime_error("maximum recursion depth exceeded")
}

#[inline(always)]
fn approx_sp() -> usize {
    let x = 0u8;
    core::hint::black_box(&x) as *const u8 as usize
}

/// Raise RuntimeError if the native stack is nearly used up.
#[inline(always)]
pub fn check_stack() -> PyResult<()> {
    let st = state::get();
    if approx_sp() < st.stack_limit {
        return Err(recursion_error());
    }
    Ok(())
}

/// Call bytecode function `f` (not a generator) with a frame on the pystack.
pub fn call_function(
    fv: Value,
    f: &Function,
    args: &[Value],
    kw: &[Value],
    locals: Value,
) -> PyResult<Value> {
    check_stack()?;
    let code = f.code();
    let words = Frame::words_for(code);
    let st = state::get();
    let ps = &mut st.pystack;
    if ps.top + words > ps.len {
        return Err(recursion_error());
    }
    let base_top = ps.top;
    // SAFETY: [top, top+words) is inside the pystack region.
    let mem = unsafe { ps.base.add(ps.top) };
    ps.top += words;
    // NULL-fill word by word: frames are a few words, where a `memset` call costs more
    // than the stores (volatile keeps the loop from being turned back into one).
    for i in 0..words {
        // SAFETY: the region is ours until we restore `top`.
        unsafe { core::ptr::write_volatile(mem.add(i), Value::NULL) };
    }
    let mut frame = Frame::empty();
    frame.code = code;
    // SAFETY: `mem` is `words` pystack words reserved above.
    unsafe { frame.attach(mem) };
    // SAFETY: n_state values at mem.
    let st_slice = unsafe { core::slice::from_raw_parts_mut(mem, code.n_state) };
    let saved_globals = st.roots.cur_globals;
    let saved_locals = st.roots.cur_locals;
    let bound = if function::bind_simple(f, st_slice, args, kw) {
        Ok(())
    } else {
        function::bind_args(f, st_slice, args, kw)
    };
    let r = match bound {
        Ok(()) => {
            function::init_frame(&mut frame, fv, f, locals);
            let roots = &mut state::get().roots;
            roots.cur_globals = frame.globals;
            roots.cur_locals = frame.locals;
            execute(&mut frame, None)
        }
        Err(e) => Err(e),
    };
    let st = state::get();
    st.pystack.top = base_top;
    st.roots.cur_globals = saved_globals;
    st.roots.cur_locals = saved_locals;
    match r? {
        Ret::Return(v) => Ok(v),
        Ret::Yield(_) => Err(raise::runtime_error("yield outside generator")),
    }
}

/// Run `frame` until it returns, yields or raises an exception no handler catches.
/// `throw` injects an exception at the resume point (generator.throw/close).
pub fn execute(f: &mut Frame, throw: Option<PyErr>) -> PyResult<Ret> {
    #[cfg(feature = "settrace")]
    {
        // Keep the chain of running frames (for `frame.f_back`), and run the traced copy
        // of the loop only for a frame whose call event returned a local trace function.
        let st = state::get();
        f.back = st.cur_frame;
        st.cur_frame = f;
        let r = if st.roots.trace_fn.is_null() {
            execute_in::<false>(f, throw)
        } else {
            execute_traced(f, throw)
        };
        state::get().cur_frame = f.back;
        r
    }
    #[cfg(not(feature = "settrace"))]
    execute_in::<false>(f, throw)
}

/// [`execute`] while a trace function is set: send the `call` event, then run the traced
/// loop if the frame got a local trace function.
#[cfg(feature = "settrace")]
#[cold]
#[inline(never)]
fn execute_traced(f: &mut Frame, throw: Option<PyErr>) -> PyResult<Ret> {
    if state::get().trace_busy {
        return execute_in::<false>(f, throw);
    }
    if crate::trace::frame_enter(f)? {
        execute_in::<true>(f, throw)
    } else {
        execute_in::<false>(f, throw)
    }
}

/// [`execute`] with the loop traced (`T`) or not.
#[inline(always)]
fn execute_in<const T: bool>(f: &mut Frame, mut throw: Option<PyErr>) -> PyResult<Ret> {
    loop {
        f.reraise = false;
        // Feature `vm_one_loop`: every frame runs the checked loop (half the VM's code).
        let r = if cfg!(feature = "vm_one_loop") || f.code().checked {
            run_checked::<T>(f, &mut throw)
        } else {
            run_trusted::<T>(f, &mut throw)
        };
        #[allow(unused_mut)]
        let mut err = match r {
            Ok(r) => return Ok(r),
            Err(e) => e,
        };
        #[cfg(feature = "settrace")]
        if T {
            if let Err(e) = crate::trace::exception(f, &err) {
                err = e;
            }
        }
        let code = f.code();
        if !f.reraise && err.0 != Value::from_static(&exception::MEMORY_ERROR_OBJ) {
            let ctx = function::get(f.fun).map(|fun| fun.context());
            if let Some(ctx) = ctx {
                let line = code.line_of(f.ip.saturating_sub(code.code_start));
                exception::add_traceback(err.0, ctx.source_file(), line, code.name);
            }
        }
        // Discard handlers already running (their code starts at or before ip).
        while f.exc_sp >= 0 && exc_slot::<true>(f, f.exc_sp)?.handler <= f.ip {
            f.exc_sp -= 1;
        }
        if f.exc_sp >= 0 {
            let e = exc_slot::<true>(f, f.exc_sp)?;
            f.ip = e.handler;
            f.sp = e.sp + 1;
            e.prev_exc = err.0;
            *slot::<true>(f.state, code.n_state, f.sp)? = err.0;
            state::get().roots.cur_exception = err.0;
            continue;
        }
        return Err(err);
    }
}

/// Resume an iterator/generator for `yield from`/`await`: Ok(Yield) to pass a value out,
/// Ok(Return) when the delegate finished.
pub fn resume(it: Value, send: Value, throw: Option<Value>) -> PyResult<Ret> {
    if it.is_type(&crate::objs::generator::TYPE) {
        return crate::objs::generator::resume(it, send, throw);
    }
    if let Some(exc) = throw {
        let ty = crate::objs::r#type::as_type(exc).unwrap_or_else(|| exc.type_of());
        if runtime::is_subclass(ty, &exception::GENERATOR_EXIT) {
            if let Some(close) = runtime::load_attr_opt(it, Q::close)? {
                runtime::call(close, &[], &[])?;
                return Ok(Ret::Return(Value::NONE));
            }
        } else if let Some(t) = runtime::load_attr_opt(it, Q::throw)? {
            return match runtime::call(t, &[exc], &[]) {
                Ok(v) => Ok(Ret::Yield(v)),
                Err(e) => stop_iteration_value(e).map(Ret::Return),
            };
        }
        return Err(make_raise_obj(exc));
    }
    if send.is_none() {
        let ty = it.type_of();
        if ty.iternext.is_some() && !ty.is_heap() {
            return match runtime::iter_next(it) {
                Ok(Some(v)) => Ok(Ret::Yield(v)),
                Ok(None) => Ok(Ret::Return(Value::NONE)),
                Err(e) => stop_iteration_value(e).map(Ret::Return),
            };
        }
        // A Python iterator: call its __next__ without making a bound method, so
        // `yield from` needs no heap.
        if ty.is_heap() {
            if let Some((m, this)) = crate::objs::r#type::instance_lookup_method(it, Q::__next__)? {
                return match runtime::call_method(m, this, &[], &[]) {
                    Ok(v) => Ok(Ret::Yield(v)),
                    Err(e) => stop_iteration_value(e).map(Ret::Return),
                };
            }
        }
        if let Some(m) = runtime::load_attr_opt(it, Q::__next__)? {
            return match runtime::call(m, &[], &[]) {
                Ok(v) => Ok(Ret::Yield(v)),
                Err(e) => stop_iteration_value(e).map(Ret::Return),
            };
        }
    }
    let m = runtime::load_attr(it, Q::send)?;
    match runtime::call(m, &[send], &[]) {
        Ok(v) => Ok(Ret::Yield(v)),
        Err(e) => stop_iteration_value(e).map(Ret::Return),
    }
}

/// If `e` is StopIteration, its value; otherwise propagate `e`.
pub fn stop_iteration_value(e: PyErr) -> PyResult<Value> {
    if runtime::is_instance(e.0, &exception::STOP_ITERATION) {
        Ok(exception::args(e.0).first().copied().unwrap_or(Value::NONE))
    } else {
        Err(e)
    }
}

fn objs_is_type_value(v: Value, t: &'static crate::obj::Type) -> bool {
    crate::objs::r#type::as_type(v)
        .map(|vt| runtime::is_subclass(vt, t))
        .unwrap_or(false)
}

/// Turn the operand of `raise` into an exception instance.
pub fn make_raise_obj(v: Value) -> PyErr {
    if let Some(t) = crate::objs::r#type::as_type(v) {
        if exception::is_exception_type(t) {
            return match runtime::call(v, &[], &[]) {
                Ok(e) if exception::is_exception(e) => PyErr(e),
                Ok(_) => raise::type_error("exceptions must derive from BaseException"),
                Err(e) => e,
            };
        }
    } else if exception::is_exception(v) {
        if exception::get(v).map(|e| e.args.is_null()).unwrap_or(false) {
            return raise::type_error("exceptions must derive from BaseException");
        }
        return PyErr(v);
    }
    raise::type_error("exceptions must derive from BaseException")
}

#[cold]
fn unbound_local() -> PyErr {
    raise::name_error("local variable referenced before assignment")
}

#[cold]
fn name_not_defined(q: Qstr) -> PyErr {
    raise::name_error_fmt(format_args!("name '{}' isn't defined", q.as_str()))
}

fn load_global(globals: Value, q: Qstr) -> PyResult<Value> {
    if let Some(v) = dict::map_of(globals).and_then(|m| m.get_qstr(q)) {
        return Ok(v);
    }
    crate::modules::builtins::lookup(q).ok_or_else(|| name_not_defined(q))
}

fn load_name(f: &Frame, q: Qstr) -> PyResult<Value> {
    if f.locals != f.globals {
        if let Some(v) = dict::map_of(f.locals).and_then(|m| m.get_qstr(q)) {
            return Ok(v);
        }
    }
    load_global(f.globals, q)
}

#[cold]
fn too_few_to_unpack(got: usize) -> PyErr {
    raise::value_error_fmt(format_args!("need more than {} values to unpack", got))
}

#[cold]
fn too_many_to_unpack(expected: usize) -> PyErr {
    raise::value_error_fmt(format_args!(
        "too many values to unpack (expected {})",
        expected
    ))
}

fn unpack_sequence(seq: Value, n: usize, out: &mut [Value]) -> PyResult<()> {
    // out[0] must end up as the last item (deepest), out[n-1] the first (TOS).
    let items: Option<&[Value]> = tuple::items(seq)
        .map(|s| &*s)
        .or_else(|| list::get(seq).map(|l| &*l.items()));
    if let Some(items) = items {
        if items.len() < n {
            return Err(too_few_to_unpack(items.len()));
        }
        if items.len() > n {
            return Err(too_many_to_unpack(n));
        }
        for i in 0..n {
            out[n - 1 - i] = items[i];
        }
        return Ok(());
    }
    let it = runtime::get_iter(seq)?;
    for i in 0..n {
        match runtime::iter_next(it)? {
            Some(v) => out[n - 1 - i] = v,
            None => return Err(too_few_to_unpack(i)),
        }
    }
    if runtime::iter_next(it)?.is_some() {
        return Err(too_many_to_unpack(n));
    }
    Ok(())
}

fn unpack_ex(seq: Value, left: usize, right: usize, out: &mut [Value]) -> PyResult<()> {
    let all = list::from_iter(seq)?;
    let items = list::get(all).map(|l| l.items()).unwrap_or(&mut []);
    let n = items.len();
    if n < left + right {
        return Err(too_few_to_unpack(n));
    }
    // Stack from bottom: right items reversed, middle list, left items reversed.
    for i in 0..right {
        out[i] = items[n - 1 - i];
    }
    out[right] = list::new(&items[left..n - right])?;
    for i in 0..left {
        out[right + 1 + i] = items[left - 1 - i];
    }
    Ok(())
}

/// Calls with `*args` / `**kwargs`: `args` holds n_pos values then n_kw (key, value) pairs,
/// where a NULL key means `**mapping`; `bitmap` bit i marks positional i as `*iterable`.
fn call_var_kw(
    fun: Value,
    this: Value,
    args: &[Value],
    n_pos: usize,
    bitmap: usize,
) -> PyResult<Value> {
    let pos = list::new(&[])?;
    let pl = list::get(pos).ok_or_else(crate::mem::oom)?;
    if !this.is_null() {
        pl.push(this)?;
    }
    for (i, a) in args[..n_pos].iter().enumerate() {
        if i < usize::BITS as usize && bitmap & (1 << i) != 0 {
            list::extend_from_iter(pos, *a)?;
        } else {
            pl.push(*a)?;
        }
    }
    let kw = list::new(&[])?;
    let kl = list::get(kw).ok_or_else(crate::mem::oom)?;
    let push_kw = |kl: &mut list::List, k: Value, v: Value| -> PyResult<()> {
        let items = kl.items();
        let mut i = 0;
        while i < items.len() {
            if crate::objs::str::eq(items[i], k) {
                return Err(raise::type_error_fmt(format_args!(
                    "function got multiple values for keyword argument '{}'",
                    crate::objs::str::as_str(k).unwrap_or("?")
                )));
            }
            i += 2;
        }
        if !crate::objs::str::is_str(k) {
            return Err(raise::type_error("keywords must be strings"));
        }
        kl.push(k)?;
        kl.push(v)
    };
    for pair in args[n_pos..].chunks_exact(2) {
        if pair[0].is_null() {
            let m = pair[1];
            if let Some(map) = dict::map_of(m) {
                for (k, v) in map.iter() {
                    push_kw(kl, k, v)?;
                }
            } else {
                let keys = runtime::call(runtime::load_attr(m, Q::keys)?, &[], &[])?;
                let it = runtime::get_iter(keys)?;
                while let Some(k) = runtime::iter_next(it)? {
                    let v = runtime::subscr(m, k)?;
                    push_kw(kl, k, v)?;
                }
            }
        } else {
            push_kw(kl, pair[0], pair[1])?;
        }
    }
    runtime::call(fun, pl.items(), kl.items())
}

fn import_name(name: Qstr, fromlist: Value, level: Value, globals: Value) -> PyResult<Value> {
    if let Some(f) = crate::modules::builtins::overridden(Q::__import__) {
        return runtime::call(
            f,
            &[Value::qstr(name), globals, globals, fromlist, level],
            &[],
        );
    }
    crate::import::import_name(
        name,
        fromlist,
        level.as_small_int().unwrap_or(0) as usize,
        globals,
    )
}

/// Byte `i` of the code: checked when `C`, else trusted.
#[inline(always)]
fn byte<const C: bool>(b: &[u8], i: usize) -> u8 {
    if C {
        b.get(i).copied().unwrap_or(0)
    } else {
        // SAFETY: the compiler's bytecode holds every operand its opcode announces (the
        // same trust as the unchecked opcode fetch in `run`).
        unsafe { *b.get_unchecked(i) }
    }
}

#[inline(always)]
fn read_uint<const C: bool>(b: &[u8], ip: &mut usize) -> usize {
    let mut v = 0usize;
    loop {
        let x = byte::<C>(b, *ip);
        *ip += 1;
        v = (v << 7) | (x & 0x7f) as usize;
        if x & 0x80 == 0 {
            return v;
        }
    }
}

#[inline(always)]
fn read_ulabel<const C: bool>(b: &[u8], ip: &mut usize) -> usize {
    let b0 = byte::<C>(b, *ip) as usize;
    if b0 & 0x80 != 0 {
        let b1 = byte::<C>(b, *ip + 1) as usize;
        *ip += 2;
        (b0 & 0x7f) | (b1 << 7)
    } else {
        *ip += 1;
        b0
    }
}

#[inline(always)]
fn read_slabel<const C: bool>(b: &[u8], ip: &mut usize) -> isize {
    let b0 = byte::<C>(b, *ip) as isize;
    if b0 & 0x80 != 0 {
        let b1 = byte::<C>(b, *ip + 1) as isize;
        *ip += 2;
        ((b0 & 0x7f) | (b1 << 7)) - 0x4000
    } else {
        *ip += 1;
        b0 - 0x40
    }
}

#[inline(always)]
fn check_interrupt() -> PyResult<()> {
    let st = state::get();
    if st.interrupt.load(core::sync::atomic::Ordering::Relaxed) {
        return take_pending();
    }
    Ok(())
}

/// For long loops in native code (iteration inside `sum` or `sorted`, sorting, big-int
/// arithmetic): raise a pending Ctrl-C. Unlike the VM's own check, scheduled callbacks
/// wait for the next bytecode boundary, as upstream runs them only from the VM.
#[inline(always)]
pub fn check_keyboard_interrupt() -> PyResult<()> {
    let st = state::get();
    if st.kbd_pending.load(core::sync::atomic::Ordering::Relaxed) {
        return take_pending();
    }
    Ok(())
}

/// Raise what is pending: a KeyboardInterrupt, a scheduled exception, or run scheduled
/// callbacks. Also for blocking built-ins (sleep, input) that an interrupt woke early.
#[cold]
pub fn take_pending() -> PyResult<()> {
    let st = state::get();
    st.interrupt
        .store(false, core::sync::atomic::Ordering::Relaxed);
    #[cfg(feature = "thread")]
    if !crate::thread::take_request() {
        return Ok(());
    }
    if st
        .kbd_pending
        .swap(false, core::sync::atomic::Ordering::Relaxed)
        && !st.roots.kbd_exception.is_null()
    {
        let e = st.roots.kbd_exception;
        exception::clear_traceback(e);
        return Err(PyErr(e));
    }
    let pending = st.roots.pending_exception;
    if !pending.is_null() {
        st.roots.pending_exception = Value::NULL;
        return Err(PyErr(pending));
    }
    if let Some(hal) = st.hal {
        hal.run_pending()?;
    }
    crate::modules::micropython::run_scheduled()
}

/// Types whose subscript never keeps the index object (not even in an exception, as
/// dict's KeyError would), so `x[a:b]` may pass them a slice on the native stack.
fn stack_slice_ok(obj: Value) -> bool {
    use crate::objs;
    let t = obj.type_of();
    [
        &objs::list::TYPE,
        &objs::tuple::TYPE,
        &objs::str::TYPE,
        &objs::str::BYTES_TYPE,
        &objs::bytearray::TYPE,
        &objs::memoryview::TYPE,
        &objs::range::TYPE,
    ]
    .iter()
    .any(|x| core::ptr::eq(t, *x))
        || obj.is_qstr()
}

/// `obj[index]` for an exact list or tuple and an in-range small-int index, the common case
/// of numeric loops, without the type's subscript slot; `None` leaves everything else
/// (negative-index errors included) to the slot. Out of line, as `list_store_fast`:
/// inlined, they made the loop slower for programs that never subscript a list
/// (`bm_wordcount` +8% CPU time for the same instruction count).
#[inline(never)]
fn seq_item_fast(obj: Value, index: Value) -> Option<Value> {
    let i = index.as_small_int()?;
    let Some(l) = list::get(obj) else {
        return tuple_or_bytes_item_fast(obj, i);
    };
    let items = l.items();
    let j = if i < 0 { i + items.len() as isize } else { i };
    items.get(usize::try_from(j).ok()?).copied()
}

/// The tuple and bytearray part of [`seq_item_fast`], out of line to keep the loop small.
#[inline(never)]
fn tuple_or_bytes_item_fast(obj: Value, i: isize) -> Option<Value> {
    if let Some(t) = obj.downcast::<tuple::Tuple>(&tuple::TYPE) {
        let items = t.items();
        let j = if i < 0 { i + items.len() as isize } else { i };
        return items.get(usize::try_from(j).ok()?).copied();
    }
    let b = obj
        .downcast::<bytearray::ByteArray>(&bytearray::TYPE)?
        .bytes();
    let j = if i < 0 { i + b.len() as isize } else { i };
    let byte = *b.get(usize::try_from(j).ok()?)?;
    Some(Value::small_int(byte as isize))
}

/// `obj[index] = v` for an exact list and an in-range small-int index; false otherwise.
#[inline(never)]
fn list_store_fast(obj: Value, index: Value, v: Value) -> bool {
    let Some(i) = index.as_small_int() else {
        return false;
    };
    let Some(l) = list::get(obj) else {
        return bytearray_store_fast(obj, i, v);
    };
    let items = l.items();
    let j = if i < 0 { i + items.len() as isize } else { i };
    match usize::try_from(j).ok().and_then(|j| items.get_mut(j)) {
        Some(slot) => {
            *slot = v;
            true
        }
        None => false,
    }
}

/// `obj[i] = v` for an exact bytearray, an in-range index and a byte value.
#[inline(never)]
fn bytearray_store_fast(obj: Value, i: isize, v: Value) -> bool {
    let (Some(b), Some(x)) = (
        obj.downcast::<bytearray::ByteArray>(&bytearray::TYPE),
        v.as_small_int(),
    ) else {
        return false;
    };
    let b = b.bytes();
    let j = if i < 0 { i + b.len() as isize } else { i };
    match (
        usize::try_from(j).ok().and_then(|j| b.get_mut(j)),
        u8::try_from(x),
    ) {
        (Some(slot), Ok(x)) => {
            *slot = x;
            true
        }
        _ => false,
    }
}

// The loop's `match` is on the opcode byte itself, every one of the 256 values named by a
// constant pattern: rustc lowers that to one switch and LLVM to one jump table with no
// range check (range patterns would become chains of comparisons, and a key table an
// extra load). These macros spell out the multi-opcode ranges and the unused opcodes.
#[rustfmt::skip]
macro_rules! small_int_ops {
    () => {
        0x70 | 0x71 | 0x72 | 0x73 | 0x74 | 0x75 | 0x76 | 0x77 | 0x78 | 0x79 | 0x7a | 0x7b |
        0x7c | 0x7d | 0x7e | 0x7f | 0x80 | 0x81 | 0x82 | 0x83 | 0x84 | 0x85 | 0x86 | 0x87 |
        0x88 | 0x89 | 0x8a | 0x8b | 0x8c | 0x8d | 0x8e | 0x8f | 0x90 | 0x91 | 0x92 | 0x93 |
        0x94 | 0x95 | 0x96 | 0x97 | 0x98 | 0x99 | 0x9a | 0x9b | 0x9c | 0x9d | 0x9e | 0x9f |
        0xa0 | 0xa1 | 0xa2 | 0xa3 | 0xa4 | 0xa5 | 0xa6 | 0xa7 | 0xa8 | 0xa9 | 0xaa | 0xab |
        0xac | 0xad | 0xae | 0xaf
    };
}
#[rustfmt::skip]
macro_rules! load_fast_ops {
    () => {
        0xb0 | 0xb1 | 0xb2 | 0xb3 | 0xb4 | 0xb5 | 0xb6 | 0xb7 | 0xb8 | 0xb9 | 0xba | 0xbb |
        0xbc | 0xbd | 0xbe | 0xbf
    };
}
#[rustfmt::skip]
macro_rules! store_fast_ops {
    () => {
        0xc0 | 0xc1 | 0xc2 | 0xc3 | 0xc4 | 0xc5 | 0xc6 | 0xc7 | 0xc8 | 0xc9 | 0xca | 0xcb |
        0xcc | 0xcd | 0xce | 0xcf
    };
}
#[rustfmt::skip]
macro_rules! unary_ops {
    () => {
        0xd0 | 0xd1 | 0xd2 | 0xd3
    };
}
/// Binary operators without an arm of their own.
#[rustfmt::skip]
macro_rules! other_binary_ops {
    () => {
        0xdd | 0xde | 0xdf | 0xe3 | 0xe4 | 0xe7 | 0xe8 | 0xe9 | 0xea | 0xeb | 0xec | 0xf0 |
        0xf1 | 0xf4 | 0xf5 | 0xf6 | 0xf7 | 0xf8 | 0xf9
    };
}
#[rustfmt::skip]
macro_rules! invalid_ops {
    () => {
        0x00 | 0x01 | 0x02 | 0x03 | 0x04 | 0x05 | 0x06 | 0x07 | 0x08 | 0x09 | 0x0a | 0x0b |
        0x0c | 0x0d | 0x0e | 0x0f | 0x1d | 0x1e | 0x1f | 0x38 | 0x39 | 0x3a | 0x3b | 0x3c |
        0x3d | 0x3e | 0x3f | 0x41 | 0x4c | 0x4d | 0x4e | 0x4f | 0x60 | 0x61 | 0x6a | 0x6b |
        0x6c | 0x6d | 0x6e | 0x6f | 0xd4 | 0xd5 | 0xd6 | 0xfa | 0xfb | 0xfc | 0xfd | 0xfe |
        0xff
    };
}

/// Opcodes of the binary operators with an arm of their own (small-int fast paths).
const OP_ADD: u8 = bc::BINARY_OP_MULTI + bop::ADD;
const OP_INPLACE_ADD: u8 = bc::BINARY_OP_MULTI + bop::INPLACE_ADD;
const OP_SUBTRACT: u8 = bc::BINARY_OP_MULTI + bop::SUBTRACT;
const OP_INPLACE_SUBTRACT: u8 = bc::BINARY_OP_MULTI + bop::INPLACE_SUBTRACT;
const OP_AND: u8 = bc::BINARY_OP_MULTI + bop::AND;
const OP_INPLACE_AND: u8 = bc::BINARY_OP_MULTI + bop::INPLACE_AND;
const OP_OR: u8 = bc::BINARY_OP_MULTI + bop::OR;
const OP_INPLACE_OR: u8 = bc::BINARY_OP_MULTI + bop::INPLACE_OR;
const OP_XOR: u8 = bc::BINARY_OP_MULTI + bop::XOR;
const OP_INPLACE_XOR: u8 = bc::BINARY_OP_MULTI + bop::INPLACE_XOR;
const OP_LESS: u8 = bc::BINARY_OP_MULTI + bop::LESS;
const OP_MORE: u8 = bc::BINARY_OP_MULTI + bop::MORE;
const OP_EQUAL: u8 = bc::BINARY_OP_MULTI + bop::EQUAL;
const OP_LESS_EQUAL: u8 = bc::BINARY_OP_MULTI + bop::LESS_EQUAL;
const OP_MORE_EQUAL: u8 = bc::BINARY_OP_MULTI + bop::MORE_EQUAL;
const OP_NOT_EQUAL: u8 = bc::BINARY_OP_MULTI + bop::NOT_EQUAL;

/// With `vm_speed` (a size-optimized build, the firmware) both loops also send closure and
/// function creation, slices, comprehension stores, dict displays, `*args` calls, `yield
/// from`, cells, `and`/`or`, `try`, tuple and list displays, unpacking, `global` stores,
/// the two deep stack shuffles and the unary operators to [`slow_op`]: one copy of them in flash instead of two (2 KB less), and the
/// smaller compiler's loop is no slower on the Cortex-M3 (fewer registers spilled). Hosts
/// keep them inline (1-3% fewer instructions on programs that create closures or slice in
/// loops).
const SLIM: bool = cfg!(feature = "vm_speed");

/// Marker in iterator slot 0 for the allocation-free list/tuple iteration of `for` loops.
const ITER_SEQ: Value = Value::small_int(1);

/// The loop for the compiler's code. With feature `vm_speed` it is compiled for speed even
/// in a size-optimized build: at opt-level z LLVM's machine outliner turns sequences of its
/// hot paths into calls (a call and return each time), 10% of the loop's instructions.
#[cfg_attr(feature = "vm_speed", optimize(speed))]
#[inline(never)]
fn run_trusted<const T: bool>(f: &mut Frame, throw: &mut Option<PyErr>) -> PyResult<Ret> {
    run::<false, T>(f, throw)
}

/// The loop for `.mpy` code, which accesses its stack and handler slots checked. It keeps
/// the build's size optimization (the flash the speed setting costs is spent once).
#[inline(never)]
fn run_checked<const T: bool>(f: &mut Frame, throw: &mut Option<PyErr>) -> PyResult<Ret> {
    run::<true, T>(f, throw)
}

// The opcode patterns are or-patterns on purpose (see `small_int_ops`).
#[allow(clippy::manual_range_patterns)]
#[inline(always)]
fn run<const C: bool, const T: bool>(f: &mut Frame, throw: &mut Option<PyErr>) -> PyResult<Ret> {
    let code = f.code();
    let bytes = code.bytes();
    let fun = function::get(f.fun).ok_or_else(|| raise::runtime_error("bad frame"))?;
    let ctx = fun.context();
    let n_state = code.n_state as isize;
    let n_slots = code.n_state;
    let st = f.state;
    let mut ip = f.ip;
    let mut sp = f.sp;

    macro_rules! at {
        ($i:expr) => {
            *slot::<C>(st, n_slots, $i)?
        };
    }
    macro_rules! push {
        ($v:expr) => {{
            let v = $v;
            sp += 1;
            at!(sp) = v;
        }};
    }
    macro_rules! pop {
        () => {{
            let v = at!(sp);
            sp -= 1;
            v
        }};
    }
    macro_rules! top {
        () => {
            at!(sp)
        };
    }
    macro_rules! local {
        ($n:expr) => {
            at!(n_state - 1 - ($n as isize))
        };
    }
    macro_rules! exc_entry {
        ($i:expr) => {
            exc_slot::<C>(f, $i)?
        };
    }

    if let Some(e) = throw.take() {
        if bytes.get(ip) == Some(&bc::YIELD_FROM) {
            // Forward the exception to the delegate.
            let send = pop!();
            let _ = send;
            match resume(top!(), Value::NULL, Some(e.0)) {
                // (e.0 is the raw thrown value; the delegate decides what it means.)
                Ok(Ret::Yield(v)) => {
                    push!(v);
                    f.ip = ip;
                    f.sp = sp;
                    return Ok(Ret::Yield(v));
                }
                Ok(Ret::Return(v)) => {
                    top!() = v;
                    ip += 1;
                    if runtime::is_instance(e.0, &exception::GENERATOR_EXIT)
                        || objs_is_type_value(e.0, &exception::GENERATOR_EXIT)
                    {
                        f.ip = ip;
                        return Err(make_raise_obj(e.0));
                    }
                }
                Err(err) => {
                    sp -= 1;
                    f.ip = ip;
                    f.sp = sp;
                    return Err(err);
                }
            }
        } else {
            f.ip = ip;
            f.sp = sp;
            return Err(make_raise_obj(e.0));
        }
    }

    // Where the opcode being run starts.
    let mut start: usize;
    // `f.ip` (the opcode being run) is what tracebacks, handler lookup and tracing read.
    // Arms that may raise or run other code store it first (`sync!`); the loads, stores,
    // stack shuffles and jumps of tight loops store it only on their rare paths.
    macro_rules! sync {
        () => {
            f.ip = start
        };
    }
    // A jump's check for a pending interrupt or scheduled callback.
    macro_rules! pending {
        () => {
            if state::get()
                .interrupt
                .load(core::sync::atomic::Ordering::Relaxed)
            {
                sync!();
                take_pending()?;
            }
        };
    }
    // Binary opcode `$op` with its inline small-int result (an `Option<Value>` computed
    // from the tagged words `$a`, `$b`); other operands go out of line.
    macro_rules! small_int_op {
        ($op:ident, |$a:ident, $b:ident| $fast:expr) => {{
            let rhs = pop!();
            let lhs = top!();
            let r = if lhs.bits() & rhs.bits() & 1 != 0 {
                let ($a, $b) = (lhs.bits() as isize, rhs.bits() as isize);
                $fast
            } else {
                None
            };
            top!() = match r {
                Some(v) => v,
                None => {
                    sync!();
                    binary_op($op, lhs, rhs)?
                }
            };
        }};
    }

    // Run the opcode at `start` out of line (see `slow_op`).
    macro_rules! slow {
        ($op:expr) => {{
            sync!();
            f.sp = sp;
            if let Some(r) = slow_op(f, $op)? {
                return Ok(r);
            }
            ip = f.ip;
            sp = f.sp;
        }};
    }

    loop {
        start = ip;
        // The checked loop's slot accesses may fail anywhere, and tracing reads it.
        if C || T {
            sync!();
        }
        #[cfg(feature = "settrace")]
        if T {
            crate::trace::tick(f)?;
        }
        let op = if C {
            match bytes.get(ip) {
                Some(&o) => o,
                None => return Err(raise::runtime_error("bytecode overrun")),
            }
        } else {
            // SAFETY: the compiler's bytecode ends every path with a return, raise or
            // jump inside the code, so ip never passes its end (checked when `C`).
            unsafe { *bytes.get_unchecked(ip) }
        };
        ip += 1;
        match op {
            bc::LOAD_CONST_FALSE => push!(Value::FALSE),
            bc::LOAD_CONST_NONE => push!(Value::NONE),
            bc::LOAD_CONST_TRUE => push!(Value::TRUE),
            bc::LOAD_NULL => push!(Value::NULL),
            small_int_ops!() => push!(Value::small_int(op as isize - 0x80)),
            load_fast_ops!() => {
                let v = local!(op - 0xb0);
                if v.is_null() {
                    sync!();
                    return Err(unbound_local());
                }
                push!(v);
            }
            store_fast_ops!() => {
                let v = pop!();
                local!(op - 0xc0) = v;
            }
            bc::LOAD_CONST_SMALL_INT => {
                let mut b = byte::<C>(bytes, ip);
                ip += 1;
                // Bit 6 of the first group is the sign: shifting the group to the top of
                // the word and back extends it (and drops the continuation bit).
                const TOP: u32 = isize::BITS - 7;
                let mut v = ((b as isize) << TOP) >> TOP;
                while b & 0x80 != 0 {
                    b = byte::<C>(bytes, ip);
                    ip += 1;
                    v = (v << 7) | (b & 0x7f) as isize;
                }
                // Only constants beyond the small-int range (none on 64-bit) need a
                // big int; the call is out of line.
                push!(if Value::fits_small_int(v) {
                    Value::small_int(v)
                } else {
                    sync!();
                    crate::objs::int::from_isize(v)?
                });
            }
            bc::LOAD_CONST_STRING => {
                let q = ctx.qstr(read_uint::<C>(bytes, &mut ip));
                push!(Value::qstr(q));
            }
            bc::LOAD_CONST_OBJ => {
                let i = read_uint::<C>(bytes, &mut ip);
                push!(ctx.constant(i));
            }
            bc::LOAD_FAST_N => {
                let n = read_uint::<C>(bytes, &mut ip);
                let v = local!(n);
                if v.is_null() {
                    sync!();
                    return Err(unbound_local());
                }
                push!(v);
            }
            bc::STORE_FAST_N => {
                let n = read_uint::<C>(bytes, &mut ip);
                let v = pop!();
                local!(n) = v;
            }
            // With `SLIM`, these too run out of line in both loops.
            bc::LOAD_DEREF
            | bc::STORE_DEREF
            | bc::JUMP_IF_TRUE_OR_POP
            | bc::JUMP_IF_FALSE_OR_POP
            | bc::SETUP_EXCEPT
            | bc::SETUP_FINALLY
            | bc::GET_ITER
            | bc::BUILD_TUPLE
            | bc::BUILD_LIST
            | bc::UNPACK_SEQUENCE
            | bc::STORE_GLOBAL
            | bc::DUP_TOP_TWO
            | bc::ROT_THREE
            | unary_ops!()
                if SLIM =>
            {
                slow!(op)
            }
            bc::LOAD_DEREF => {
                sync!();
                let n = read_uint::<C>(bytes, &mut ip);
                let v = function::cell(local!(n))?.value;
                if v.is_null() {
                    return Err(unbound_local());
                }
                push!(v);
            }
            bc::STORE_DEREF => {
                sync!();
                let n = read_uint::<C>(bytes, &mut ip);
                let v = pop!();
                function::cell(local!(n))?.value = v;
            }
            // Names first try the map position cache (a hit in the locals is the answer
            // for LOAD_NAME as it is looked at first); a miss takes the full lookup.
            bc::LOAD_NAME => {
                sync!();
                let q = ctx.qstr(read_uint::<C>(bytes, &mut ip));
                let v = match dict::exact_map(f.locals).and_then(|m| m.get_qstr_cached(q)) {
                    Some(v) => v,
                    None => load_name(f, q)?,
                };
                push!(v);
            }
            bc::LOAD_GLOBAL => {
                sync!();
                let q = ctx.qstr(read_uint::<C>(bytes, &mut ip));
                let v = match dict::exact_map(f.globals).and_then(|m| m.get_qstr_cached(q)) {
                    Some(v) => v,
                    None => load_global(f.globals, q)?,
                };
                push!(v);
            }
            bc::STORE_NAME => {
                sync!();
                let q = ctx.qstr(read_uint::<C>(bytes, &mut ip));
                let v = pop!();
                let done = dict::exact_map(f.locals).is_some_and(|m| m.replace_qstr_cached(q, v));
                if !done {
                    match dict::map_of(f.locals) {
                        Some(m) => m.insert_qstr(q, v)?,
                        None => runtime::store_subscr(f.locals, Value::qstr(q), v)?,
                    }
                }
            }
            bc::STORE_GLOBAL => {
                sync!();
                let q = ctx.qstr(read_uint::<C>(bytes, &mut ip));
                let v = pop!();
                let done = dict::exact_map(f.globals).is_some_and(|m| m.replace_qstr_cached(q, v));
                if !done {
                    if let Some(m) = dict::map_of(f.globals) {
                        m.insert_qstr(q, v)?;
                    }
                }
            }
            bc::LOAD_ATTR => {
                sync!();
                let q = ctx.qstr(read_uint::<C>(bytes, &mut ip));
                let obj = top!();
                top!() = match crate::objs::r#type::instance_attr_cached(obj, q) {
                    Some(v) => v,
                    None => runtime::load_attr(obj, q)?,
                };
            }
            bc::LOAD_METHOD => {
                sync!();
                let q = ctx.qstr(read_uint::<C>(bytes, &mut ip));
                let (m, s) = runtime::load_method(top!(), q)?;
                top!() = m;
                push!(s);
            }
            bc::STORE_ATTR => {
                sync!();
                let q = ctx.qstr(read_uint::<C>(bytes, &mut ip));
                let obj = pop!();
                let v = pop!();
                if v.is_null() {
                    runtime::delete_attr(obj, q)?;
                } else if !crate::objs::r#type::instance_store_cached(obj, q, v) {
                    runtime::store_attr(obj, q, v)?;
                }
            }
            bc::LOAD_SUBSCR => {
                sync!();
                let index = pop!();
                let obj = top!();
                if let Some(v) = seq_item_fast(obj, index) {
                    top!() = v;
                    continue;
                }
                top!() = runtime::subscr(obj, index)?;
            }
            bc::STORE_SUBSCR => {
                sync!();
                let index = pop!();
                let obj = pop!();
                let v = pop!();
                if !v.is_null() && list_store_fast(obj, index, v) {
                    continue;
                }
                if v.is_null() {
                    runtime::delete_subscr(obj, index)?;
                } else {
                    runtime::store_subscr(obj, index, v)?;
                }
            }
            bc::DUP_TOP => {
                let v = top!();
                push!(v);
            }
            bc::DUP_TOP_TWO => {
                let a = at!(sp - 1);
                let b = at!(sp);
                push!(a);
                push!(b);
            }
            bc::POP_TOP => sp -= 1,
            bc::ROT_TWO => {
                let a = at!(sp);
                at!(sp) = at!(sp - 1);
                at!(sp - 1) = a;
            }
            bc::ROT_THREE => {
                let top = at!(sp);
                at!(sp) = at!(sp - 1);
                at!(sp - 1) = at!(sp - 2);
                at!(sp - 2) = top;
            }
            bc::JUMP => {
                let off = read_slabel::<C>(bytes, &mut ip);
                ip = (ip as isize + off) as usize;
                pending!();
            }
            bc::POP_JUMP_IF_TRUE => {
                let off = read_slabel::<C>(bytes, &mut ip);
                let v = pop!();
                let t = if v.is_bool() {
                    v == Value::TRUE
                } else {
                    sync!();
                    runtime::is_true(v)?
                };
                if t {
                    ip = (ip as isize + off) as usize;
                }
                pending!();
            }
            bc::POP_JUMP_IF_FALSE => {
                let off = read_slabel::<C>(bytes, &mut ip);
                let v = pop!();
                let t = if v.is_bool() {
                    v == Value::TRUE
                } else {
                    sync!();
                    runtime::is_true(v)?
                };
                if !t {
                    ip = (ip as isize + off) as usize;
                }
                pending!();
            }
            bc::JUMP_IF_TRUE_OR_POP => {
                sync!();
                let off = read_ulabel::<C>(bytes, &mut ip);
                if runtime::is_true(top!())? {
                    ip += off;
                } else {
                    sp -= 1;
                }
            }
            bc::JUMP_IF_FALSE_OR_POP => {
                sync!();
                let off = read_ulabel::<C>(bytes, &mut ip);
                if !runtime::is_true(top!())? {
                    ip += off;
                } else {
                    sp -= 1;
                }
            }
            bc::SETUP_EXCEPT | bc::SETUP_FINALLY => {
                sync!();
                let off = read_ulabel::<C>(bytes, &mut ip);
                f.exc_sp += 1;
                *exc_entry!(f.exc_sp) = ExcEntry {
                    handler: ip + off,
                    sp,
                    is_finally: (op == bc::SETUP_FINALLY) as usize,
                    prev_exc: Value::NULL,
                };
            }
            bc::GET_ITER => {
                sync!();
                top!() = runtime::get_iter(top!())?;
            }
            bc::GET_ITER_STACK => {
                sync!();
                let obj = top!();
                if tuple::items(obj).is_some() || list::get(obj).is_some() {
                    at!(sp) = ITER_SEQ;
                    push!(obj);
                    push!(Value::small_int(0));
                    push!(Value::NULL);
                } else if C && !crate::state::get().heap.is_locked() {
                    // Code from a .mpy file keeps its iterators on the heap, so FOR_ITER
                    // need not trust words corrupt code may have put in the slots. Only
                    // with the heap locked (iteration must not allocate) is one placed
                    // in the slots, and FOR_ITER then checks its type word.
                    let it = runtime::get_iter(obj)?;
                    at!(sp) = Value::NULL;
                    push!(it);
                    push!(Value::NULL);
                    push!(Value::NULL);
                } else {
                    // The four slots hold the iterator object itself when it fits (its type
                    // word first), else NULL then the heap iterator.
                    // (Checked for .mpy code, which gets here with the heap locked: a frame
                    // too small for the four slots must not have them written past its end.)
                    let buf = slots::<C>(st, n_slots, sp, 4)?;
                    // SAFETY: four slots from sp, in the frame (checked when `C`; the compiler
                    // reserves them for the loop otherwise).
                    let buf = unsafe { &mut *(buf.as_mut_ptr() as *mut runtime::IterBuf) };
                    let it = runtime::get_iter_buf(obj, buf)?;
                    if it != Value::from_ptr(buf.as_ptr()) {
                        at!(sp) = Value::NULL;
                        at!(sp + 1) = it;
                        at!(sp + 2) = Value::NULL;
                        at!(sp + 3) = Value::NULL;
                    }
                    sp += 3;
                }
            }
            bc::FOR_ITER => {
                sync!();
                let off = read_ulabel::<C>(bytes, &mut ip);
                let kind = at!(sp - 3);
                let next = if kind == ITER_SEQ {
                    let seq = at!(sp - 2);
                    let i = at!(sp - 1).as_small_int_unchecked() as usize;
                    let items: &[Value] = match tuple::items(seq) {
                        Some(t) => t,
                        None => list::get(seq).map(|l| &*l.items()).unwrap_or(&[]),
                    };
                    match items.get(i) {
                        Some(v) => {
                            at!(sp - 1) = Value::small_int(i as isize + 1);
                            Some(*v)
                        }
                        None => None,
                    }
                } else {
                    let it = if kind.is_null() {
                        let it = at!(sp - 2);
                        if C && it.is_null() {
                            return Err(corrupt());
                        }
                        it
                    } else if C && !in_place_iter_kind(kind) {
                        // Checked code has ITER_SEQ, NULL or a placed iterator here (see
                        // GET_ITER_STACK).
                        return Err(corrupt());
                    } else {
                        // SAFETY: the loop's four slots end at sp.
                        Value::from_ptr(unsafe { st.offset(sp - 3) })
                    };
                    match runtime::iter_next(it) {
                        Ok(v) => v,
                        Err(e) if runtime::is_instance(e.0, &exception::STOP_ITERATION) => None,
                        Err(e) => return Err(e),
                    }
                };
                match next {
                    Some(v) => {
                        push!(v);
                        // Each pass reports its line again.
                        #[cfg(feature = "settrace")]
                        if T {
                            crate::trace::forget_line(f);
                        }
                    }
                    None => {
                        sp -= 4;
                        ip += off;
                    }
                }
            }
            bc::BUILD_TUPLE => {
                sync!();
                let n = read_uint::<C>(bytes, &mut ip) as isize;
                sp -= n;
                let items = &*slots::<C>(st, n_slots, sp + 1, n as usize)?;
                push!(tuple::new(items)?);
            }
            bc::BUILD_LIST => {
                sync!();
                let n = read_uint::<C>(bytes, &mut ip) as isize;
                sp -= n;
                let items = &*slots::<C>(st, n_slots, sp + 1, n as usize)?;
                push!(list::new(items)?);
            }
            bc::UNPACK_SEQUENCE => {
                sync!();
                let n = read_uint::<C>(bytes, &mut ip);
                let seq = pop!();
                let out = &mut *slots::<C>(st, n_slots, sp + 1, n)?;
                unpack_sequence(seq, n, out)?;
                sp += n as isize;
            }
            bc::CALL_FUNCTION => {
                sync!();
                let u = read_uint::<C>(bytes, &mut ip);
                let (np, nk) = (u & 0xff, (u >> 8) & 0xff);
                sp -= (np + 2 * nk) as isize;
                let fun = top!();
                let args = &*slots::<C>(st, n_slots, sp + 1, np + 2 * nk)?;
                // Python functions go straight to their frame.
                top!() = match function::as_plain(fun) {
                    Some(fo) => call_function(fun, fo, &args[..np], &args[np..], Value::NULL)?,
                    None => runtime::call(fun, &args[..np], &args[np..])?,
                };
            }
            bc::CALL_METHOD => {
                sync!();
                let u = read_uint::<C>(bytes, &mut ip);
                let (np, nk) = (u & 0xff, (u >> 8) & 0xff);
                sp -= (np + 2 * nk + 1) as isize;
                let m = top!();
                let s = at!(sp + 1);
                let (args, npa) = if s.is_null() {
                    (&*slots::<C>(st, n_slots, sp + 2, np + 2 * nk)?, np)
                } else {
                    (&*slots::<C>(st, n_slots, sp + 1, np + 1 + 2 * nk)?, np + 1)
                };
                let (pos, kw) = args.split_at(npa);
                let r = match function::as_plain(m) {
                    Some(fo) => call_function(m, fo, pos, kw, Value::NULL)?,
                    None => runtime::call(m, pos, kw)?,
                };
                top!() = r;
            }
            bc::RETURN_VALUE => {
                sync!();
                if let Some(r) = unwind_return::<C>(f, &mut ip, &mut sp, st)? {
                    return Ok(r);
                }
            }
            bc::YIELD_VALUE => {
                sync!();
                f.ip = ip;
                f.sp = sp;
                return Ok(Ret::Yield(top!()));
            }
            unary_ops!() => {
                sync!();
                top!() = runtime::unary_op(op - 0xd0, top!())?;
            }
            // Small ints are `n << 1 | 1`: these operators work on the tagged words
            // directly, and a sum that overflows the word is one that leaves the small
            // range. Other operands, and results that need a big int, go out of line.
            OP_ADD | OP_INPLACE_ADD => {
                small_int_op!(op, |a, b| a
                    .checked_add(b - 1)
                    .map(|r| Value::from_bits(r as usize)))
            }
            OP_SUBTRACT | OP_INPLACE_SUBTRACT => {
                small_int_op!(op, |a, b| a
                    .checked_sub(b - 1)
                    .map(|r| Value::from_bits(r as usize)))
            }
            OP_AND | OP_INPLACE_AND => {
                small_int_op!(op, |a, b| Some(Value::from_bits((a & b) as usize)))
            }
            OP_OR | OP_INPLACE_OR => {
                small_int_op!(op, |a, b| Some(Value::from_bits((a | b) as usize)))
            }
            OP_XOR | OP_INPLACE_XOR => {
                small_int_op!(op, |a, b| Some(Value::from_bits((a ^ b) as usize | 1)))
            }
            // Tagged small ints order as their values do.
            OP_LESS => small_int_op!(op, |a, b| Some(Value::from_bool(a < b))),
            OP_MORE => small_int_op!(op, |a, b| Some(Value::from_bool(a > b))),
            OP_EQUAL => small_int_op!(op, |a, b| Some(Value::from_bool(a == b))),
            OP_LESS_EQUAL => small_int_op!(op, |a, b| Some(Value::from_bool(a <= b))),
            OP_MORE_EQUAL => small_int_op!(op, |a, b| Some(Value::from_bool(a >= b))),
            OP_NOT_EQUAL => small_int_op!(op, |a, b| Some(Value::from_bool(a != b))),
            other_binary_ops!() => {
                sync!();
                let rhs = pop!();
                let lhs = top!();
                top!() = binary_op(op, lhs, rhs)?;
            }
            // Rarely run opcodes: one shared copy out of line, with checked slot
            // accesses (which the compiler's code always passes).
            bc::DELETE_FAST
            | bc::DELETE_DEREF
            | bc::DELETE_NAME
            | bc::DELETE_GLOBAL
            | bc::LOAD_SUPER_METHOD
            | bc::IMPORT_NAME
            | bc::IMPORT_FROM
            | bc::IMPORT_STAR
            | bc::LOAD_BUILD_CLASS
            | bc::SETUP_WITH
            | bc::WITH_CLEANUP
            | bc::UNWIND_JUMP
            | bc::POP_EXCEPT_JUMP
            | bc::END_FINALLY
            | bc::BUILD_SET
            | bc::UNPACK_EX
            | bc::RAISE_LAST
            | bc::RAISE_OBJ
            | bc::RAISE_FROM
            | invalid_ops!() => slow!(op),
            // Opcodes common enough in loops to keep inline in the compiler's loop (unless
            // `SLIM`); the loop for .mpy code uses the shared copy.
            bc::BUILD_MAP
            | bc::STORE_MAP
            | bc::BUILD_SLICE
            | bc::STORE_COMP
            | bc::MAKE_FUNCTION
            | bc::MAKE_FUNCTION_DEFARGS
            | bc::MAKE_CLOSURE
            | bc::MAKE_CLOSURE_DEFARGS
            | bc::CALL_FUNCTION_VAR_KW
            | bc::CALL_METHOD_VAR_KW
            | bc::YIELD_FROM
                if C || SLIM =>
            {
                slow!(op)
            }
            bc::BUILD_MAP => {
                sync!();
                let n = read_uint::<C>(bytes, &mut ip);
                push!(dict::with_capacity(n)?);
            }
            bc::STORE_MAP => {
                sync!();
                let k = pop!();
                let v = pop!();
                runtime::store_subscr(top!(), k, v)?;
            }
            bc::BUILD_SLICE => {
                sync!();
                let n = read_uint::<C>(bytes, &mut ip);
                let step = if n == 3 { pop!() } else { Value::NONE };
                let stop = pop!();
                let next = bytes.get(ip).copied();
                let obj = at!(sp - 1);
                if (next == Some(bc::LOAD_SUBSCR) || next == Some(bc::STORE_SUBSCR))
                    && stack_slice_ok(obj)
                {
                    // `x[a:b]` on a built-in type: the slice lives on the native stack and
                    // the subscript is done here, so slicing needs no heap (as upstream's
                    // stack-allocated slices). Built-in subscr slots never keep the slice.
                    let sl = crate::objs::slice::Slice {
                        base: crate::obj::ObjBase::new(&crate::objs::slice::TYPE),
                        start: top!(),
                        stop,
                        step,
                    };
                    let index = Value::from_ptr(&sl);
                    ip += 1;
                    sp -= 1;
                    if next == Some(bc::LOAD_SUBSCR) {
                        top!() = runtime::subscr(obj, index)?;
                    } else {
                        sp -= 1;
                        let v = pop!();
                        if v.is_null() {
                            runtime::delete_subscr(obj, index)?;
                        } else {
                            runtime::store_subscr(obj, index, v)?;
                        }
                    }
                    core::hint::black_box(&sl);
                    continue;
                }
                top!() = crate::objs::slice::new(top!(), stop, step)?;
            }
            bc::STORE_COMP => {
                sync!();
                let u = read_uint::<C>(bytes, &mut ip);
                let obj = at!(sp - (u >> 2) as isize);
                match u & 3 {
                    0 => {
                        let v = pop!();
                        list::append(obj, v)?;
                    }
                    1 => {
                        let k = pop!();
                        let v = pop!();
                        runtime::store_subscr(obj, k, v)?;
                    }
                    _ => {
                        let v = pop!();
                        crate::objs::set::add(obj, v)?;
                    }
                }
            }
            bc::MAKE_FUNCTION => {
                sync!();
                let i = read_uint::<C>(bytes, &mut ip);
                let child = code
                    .child(i)
                    .ok_or_else(|| raise::runtime_error("bad child"))?;
                push!(function::new(ctx, child, Value::NULL, Value::NULL)?);
            }
            bc::MAKE_FUNCTION_DEFARGS => {
                sync!();
                let i = read_uint::<C>(bytes, &mut ip);
                let child = code
                    .child(i)
                    .ok_or_else(|| raise::runtime_error("bad child"))?;
                let dkw = pop!();
                top!() = function::new(ctx, child, top!(), dkw)?;
            }
            bc::MAKE_CLOSURE | bc::MAKE_CLOSURE_DEFARGS => {
                sync!();
                let i = read_uint::<C>(bytes, &mut ip);
                let n = byte::<C>(bytes, ip) as isize;
                ip += 1;
                let child = code
                    .child(i)
                    .ok_or_else(|| raise::runtime_error("bad child"))?;
                sp -= n;
                let cells = &*slots::<C>(st, n_slots, sp + 1, n as usize)?;
                let fun = if op == bc::MAKE_CLOSURE_DEFARGS {
                    let dkw = pop!();
                    let dpos = pop!();
                    function::new(ctx, child, dpos, dkw)?
                } else {
                    function::new(ctx, child, Value::NULL, Value::NULL)?
                };
                push!(function::closure_new(fun, cells)?);
            }
            bc::CALL_FUNCTION_VAR_KW | bc::CALL_METHOD_VAR_KW => {
                sync!();
                let u = read_uint::<C>(bytes, &mut ip);
                let (np, nk) = (u & 0xff, (u >> 8) & 0xff);
                let bitmap = pop!().as_small_int().unwrap_or(0) as usize;
                let is_method = op == bc::CALL_METHOD_VAR_KW;
                sp -= (np + 2 * nk + is_method as usize) as isize;
                let fun = top!();
                let this = if is_method { at!(sp + 1) } else { Value::NULL };
                let first = sp + 1 + is_method as isize;
                let args = &*slots::<C>(st, n_slots, first, np + 2 * nk)?;
                top!() = call_var_kw(fun, this, args, np, bitmap)?;
            }
            bc::YIELD_FROM => {
                sync!();
                let send = pop!();
                match resume(top!(), send, None) {
                    Ok(Ret::Yield(v)) => {
                        push!(v);
                        f.ip = ip - 1;
                        f.sp = sp;
                        return Ok(Ret::Yield(v));
                    }
                    Ok(Ret::Return(v)) => top!() = v,
                    Err(e) => {
                        sp -= 1;
                        let _ = sp;
                        return Err(e);
                    }
                }
            }
        }
    }
}

/// The opcodes a typical program runs rarely (imports, `with`, `finally`, closures, slices,
/// `*args` calls, raising, `yield from`, invalid opcodes), shared by every instantiation of
/// the loop: one copy in flash instead of one a loop. Entered with `f.ip` at the opcode and
/// `f.sp` current; returns with both moved on, or `Some` when the frame yields or returns.
/// On an error `f.ip` still points at the opcode (tracebacks and handler lookup read it).
/// Slot accesses are checked, as in the loop for `.mpy` code.
// The opcode patterns are or-patterns on purpose (see `small_int_ops`).
#[allow(clippy::manual_range_patterns)]
#[inline(never)]
fn slow_op(f: &mut Frame, op: u8) -> PyResult<Option<Ret>> {
    const C: bool = true;
    let code = f.code();
    let bytes = code.bytes();
    let fun = function::get(f.fun).ok_or_else(|| raise::runtime_error("bad frame"))?;
    let ctx = fun.context();
    let n_slots = code.n_state;
    let st = f.state;
    let mut ip = f.ip + 1;
    let mut sp = f.sp;

    macro_rules! at {
        ($i:expr) => {
            *slot::<C>(st, n_slots, $i)?
        };
    }
    macro_rules! push {
        ($v:expr) => {{
            let v = $v;
            sp += 1;
            at!(sp) = v;
        }};
    }
    macro_rules! pop {
        () => {{
            let v = at!(sp);
            sp -= 1;
            v
        }};
    }
    macro_rules! top {
        () => {
            at!(sp)
        };
    }
    macro_rules! local {
        ($n:expr) => {
            at!(n_slots as isize - 1 - ($n as isize))
        };
    }
    macro_rules! exc_entry {
        ($i:expr) => {
            exc_slot::<C>(f, $i)?
        };
    }

    'done: {
        match op {
            bc::DELETE_FAST => {
                let n = read_uint::<C>(bytes, &mut ip);
                if local!(n).is_null() {
                    return Err(unbound_local());
                }
                local!(n) = Value::NULL;
            }
            bc::DELETE_DEREF => {
                let n = read_uint::<C>(bytes, &mut ip);
                let c = function::cell(local!(n))?;
                if c.value.is_null() {
                    return Err(unbound_local());
                }
                c.value = Value::NULL;
            }
            bc::DELETE_NAME => {
                let q = ctx.qstr(read_uint::<C>(bytes, &mut ip));
                let removed = match dict::map_of(f.locals) {
                    Some(m) => m.remove(Value::qstr(q))?,
                    None => None,
                };
                if removed.is_none() {
                    return Err(name_not_defined(q));
                }
            }
            bc::DELETE_GLOBAL => {
                let q = ctx.qstr(read_uint::<C>(bytes, &mut ip));
                let removed = match dict::map_of(f.globals) {
                    Some(m) => m.remove(Value::qstr(q))?,
                    None => None,
                };
                if removed.is_none() {
                    return Err(name_not_defined(q));
                }
            }
            bc::LOAD_SUPER_METHOD => {
                let q = ctx.qstr(read_uint::<C>(bytes, &mut ip));
                let this = pop!();
                let cls = pop!();
                let (m, s) = crate::objs::superobj::load_method(cls, this, q)?;
                top!() = m;
                push!(s);
            }
            bc::IMPORT_NAME => {
                let q = ctx.qstr(read_uint::<C>(bytes, &mut ip));
                let fromlist = pop!();
                top!() = import_name(q, fromlist, top!(), f.globals)?;
            }
            bc::IMPORT_FROM => {
                let q = ctx.qstr(read_uint::<C>(bytes, &mut ip));
                let v = crate::import::import_from(top!(), q)?;
                push!(v);
            }
            bc::IMPORT_STAR => {
                let m = pop!();
                crate::import::import_all(m, f.locals)?;
            }
            bc::LOAD_BUILD_CLASS => {
                push!(crate::modules::builtins::lookup(Q::__build_class__)
                    .unwrap_or_else(crate::modules::builtins::build_class_fun))
            }
            bc::SETUP_WITH => {
                let off = read_ulabel::<C>(bytes, &mut ip);
                let obj = top!();
                let (exit_m, exit_s) = runtime::load_method(obj, Q::__exit__)?;
                let (enter_m, enter_s) = runtime::load_method(obj, Q::__enter__)?;
                top!() = exit_m;
                push!(exit_s);
                let ret = runtime::call_method(enter_m, enter_s, &[], &[])?;
                f.exc_sp += 1;
                *exc_entry!(f.exc_sp) = ExcEntry {
                    handler: ip + off,
                    sp,
                    is_finally: 1,
                    prev_exc: Value::NULL,
                };
                push!(ret);
            }
            bc::WITH_CLEANUP => {
                let t = top!();
                if t.is_none() {
                    let exit_m = at!(sp - 2);
                    let exit_s = at!(sp - 1);
                    runtime::call_method(
                        exit_m,
                        exit_s,
                        &[Value::NONE, Value::NONE, Value::NONE],
                        &[],
                    )?;
                    sp -= 2;
                    top!() = Value::NONE;
                } else if t.is_small_int() {
                    let exit_m = at!(sp - 3);
                    let exit_s = at!(sp - 2);
                    let data = at!(sp - 1);
                    let cause = at!(sp);
                    runtime::call_method(
                        exit_m,
                        exit_s,
                        &[Value::NONE, Value::NONE, Value::NONE],
                        &[],
                    )?;
                    at!(sp - 3) = data;
                    at!(sp - 2) = cause;
                    sp -= 2;
                } else {
                    let exit_m = at!(sp - 2);
                    let exit_s = at!(sp - 1);
                    let exc = t;
                    let ty = exc.type_of().as_value();
                    let r = runtime::call_method(exit_m, exit_s, &[ty, exc, Value::NONE], &[])?;
                    sp -= 2;
                    if runtime::is_true(r)? {
                        top!() = Value::NONE;
                    } else {
                        top!() = exc;
                    }
                }
            }
            bc::UNWIND_JUMP => {
                let off = read_slabel::<C>(bytes, &mut ip);
                let target = (ip as isize + off) as usize;
                let unum = byte::<C>(bytes, ip) as usize;
                ip += 1;
                push!(Value::small_int(target as isize));
                push!(Value::small_int(unum as isize));
                match unwind_jump::<C>(f, &mut ip, &mut sp, st)? {
                    true => break 'done,
                    false => check_interrupt()?,
                }
            }
            bc::POP_EXCEPT_JUMP => {
                let off = read_ulabel::<C>(bytes, &mut ip);
                f.exc_sp -= 1;
                // As upstream: leaving any handler forgets it (nesting is not tracked).
                state::get().roots.cur_exception = Value::NULL;
                ip += off;
            }
            bc::END_FINALLY => {
                f.exc_sp -= 1;
                let t = top!();
                if t.is_none() {
                    sp -= 1;
                } else if let Some(cause) = t.as_small_int() {
                    sp -= 1;
                    if cause < 0 {
                        if let Some(r) = unwind_return::<C>(f, &mut ip, &mut sp, st)? {
                            return Ok(Some(r));
                        }
                        break 'done;
                    } else {
                        push!(Value::small_int(cause));
                        if unwind_jump::<C>(f, &mut ip, &mut sp, st)? {
                            break 'done;
                        }
                    }
                } else {
                    f.reraise = true;
                    return Err(PyErr(t));
                }
            }
            bc::BUILD_SET => {
                let n = read_uint::<C>(bytes, &mut ip) as isize;
                sp -= n;
                let items = &*slots::<C>(st, n_slots, sp + 1, n as usize)?;
                push!(crate::objs::set::build(items)?);
            }
            bc::BUILD_MAP => {
                let n = read_uint::<C>(bytes, &mut ip);
                push!(dict::with_capacity(n)?);
            }
            bc::STORE_MAP => {
                let k = pop!();
                let v = pop!();
                runtime::store_subscr(top!(), k, v)?;
            }
            bc::BUILD_SLICE => {
                let n = read_uint::<C>(bytes, &mut ip);
                let step = if n == 3 { pop!() } else { Value::NONE };
                let stop = pop!();
                let next = bytes.get(ip).copied();
                let obj = at!(sp - 1);
                if (next == Some(bc::LOAD_SUBSCR) || next == Some(bc::STORE_SUBSCR))
                    && stack_slice_ok(obj)
                {
                    // `x[a:b]` on a built-in type: the slice lives on the native stack and
                    // the subscript is done here, so slicing needs no heap (as upstream's
                    // stack-allocated slices). Built-in subscr slots never keep the slice.
                    let sl = crate::objs::slice::Slice {
                        base: crate::obj::ObjBase::new(&crate::objs::slice::TYPE),
                        start: top!(),
                        stop,
                        step,
                    };
                    let index = Value::from_ptr(&sl);
                    ip += 1;
                    sp -= 1;
                    if next == Some(bc::LOAD_SUBSCR) {
                        top!() = runtime::subscr(obj, index)?;
                    } else {
                        sp -= 1;
                        let v = pop!();
                        if v.is_null() {
                            runtime::delete_subscr(obj, index)?;
                        } else {
                            runtime::store_subscr(obj, index, v)?;
                        }
                    }
                    core::hint::black_box(&sl);
                    break 'done;
                }
                top!() = crate::objs::slice::new(top!(), stop, step)?;
            }
            bc::STORE_COMP => {
                let u = read_uint::<C>(bytes, &mut ip);
                let obj = at!(sp - (u >> 2) as isize);
                match u & 3 {
                    0 => {
                        let v = pop!();
                        list::append(obj, v)?;
                    }
                    1 => {
                        let k = pop!();
                        let v = pop!();
                        runtime::store_subscr(obj, k, v)?;
                    }
                    _ => {
                        let v = pop!();
                        crate::objs::set::add(obj, v)?;
                    }
                }
            }
            bc::UNPACK_EX => {
                let u = read_uint::<C>(bytes, &mut ip);
                let (l, r) = (u & 0xff, (u >> 8) & 0xff);
                let seq = pop!();
                let out = &mut *slots::<C>(st, n_slots, sp + 1, l + r + 1)?;
                unpack_ex(seq, l, r, out)?;
                sp += (l + r + 1) as isize;
            }
            bc::MAKE_FUNCTION => {
                let i = read_uint::<C>(bytes, &mut ip);
                let child = code
                    .child(i)
                    .ok_or_else(|| raise::runtime_error("bad child"))?;
                push!(function::new(ctx, child, Value::NULL, Value::NULL)?);
            }
            bc::MAKE_FUNCTION_DEFARGS => {
                let i = read_uint::<C>(bytes, &mut ip);
                let child = code
                    .child(i)
                    .ok_or_else(|| raise::runtime_error("bad child"))?;
                let dkw = pop!();
                top!() = function::new(ctx, child, top!(), dkw)?;
            }
            bc::MAKE_CLOSURE | bc::MAKE_CLOSURE_DEFARGS => {
                let i = read_uint::<C>(bytes, &mut ip);
                let n = byte::<C>(bytes, ip) as isize;
                ip += 1;
                let child = code
                    .child(i)
                    .ok_or_else(|| raise::runtime_error("bad child"))?;
                sp -= n;
                let cells = &*slots::<C>(st, n_slots, sp + 1, n as usize)?;
                let fun = if op == bc::MAKE_CLOSURE_DEFARGS {
                    let dkw = pop!();
                    let dpos = pop!();
                    function::new(ctx, child, dpos, dkw)?
                } else {
                    function::new(ctx, child, Value::NULL, Value::NULL)?
                };
                push!(function::closure_new(fun, cells)?);
            }
            bc::CALL_FUNCTION_VAR_KW | bc::CALL_METHOD_VAR_KW => {
                let u = read_uint::<C>(bytes, &mut ip);
                let (np, nk) = (u & 0xff, (u >> 8) & 0xff);
                let bitmap = pop!().as_small_int().unwrap_or(0) as usize;
                let is_method = op == bc::CALL_METHOD_VAR_KW;
                sp -= (np + 2 * nk + is_method as usize) as isize;
                let fun = top!();
                let this = if is_method { at!(sp + 1) } else { Value::NULL };
                let first = sp + 1 + is_method as isize;
                let args = &*slots::<C>(st, n_slots, first, np + 2 * nk)?;
                top!() = call_var_kw(fun, this, args, np, bitmap)?;
            }
            bc::RAISE_LAST => {
                let mut e = Value::NULL;
                let mut i = f.exc_sp;
                while i >= 0 {
                    let pe = exc_entry!(i).prev_exc;
                    if !pe.is_null() {
                        e = pe;
                        break;
                    }
                    i -= 1;
                }
                if e.is_null() {
                    return Err(raise::runtime_error("no active exception to reraise"));
                }
                f.reraise = true;
                return Err(PyErr(e));
            }
            bc::RAISE_OBJ => {
                return Err(make_raise_obj(top!()));
            }
            bc::RAISE_FROM => {
                let cause = top!();
                if !cause.is_none() {
                    crate::modules::sys::warning("exception chaining not supported");
                }
                return Err(make_raise_obj(at!(sp - 1)));
            }
            bc::YIELD_FROM => {
                let send = pop!();
                match resume(top!(), send, None) {
                    Ok(Ret::Yield(v)) => {
                        push!(v);
                        f.ip = ip - 1;
                        f.sp = sp;
                        return Ok(Some(Ret::Yield(v)));
                    }
                    Ok(Ret::Return(v)) => top!() = v,
                    Err(e) => {
                        sp -= 1;
                        let _ = sp;
                        return Err(e);
                    }
                }
            }
            invalid_ops!() => {
                return Err(raise::not_implemented_error("opcode"));
            }
            bc::LOAD_DEREF => {
                let n = read_uint::<C>(bytes, &mut ip);
                let v = function::cell(local!(n))?.value;
                if v.is_null() {
                    return Err(unbound_local());
                }
                push!(v);
            }
            bc::STORE_DEREF => {
                let n = read_uint::<C>(bytes, &mut ip);
                let v = pop!();
                function::cell(local!(n))?.value = v;
            }
            bc::JUMP_IF_TRUE_OR_POP => {
                let off = read_ulabel::<C>(bytes, &mut ip);
                if runtime::is_true(top!())? {
                    ip += off;
                } else {
                    sp -= 1;
                }
            }
            bc::JUMP_IF_FALSE_OR_POP => {
                let off = read_ulabel::<C>(bytes, &mut ip);
                if !runtime::is_true(top!())? {
                    ip += off;
                } else {
                    sp -= 1;
                }
            }
            bc::SETUP_EXCEPT | bc::SETUP_FINALLY => {
                let off = read_ulabel::<C>(bytes, &mut ip);
                f.exc_sp += 1;
                *exc_entry!(f.exc_sp) = ExcEntry {
                    handler: ip + off,
                    sp,
                    is_finally: (op == bc::SETUP_FINALLY) as usize,
                    prev_exc: Value::NULL,
                };
            }
            bc::GET_ITER => {
                top!() = runtime::get_iter(top!())?;
            }
            bc::BUILD_TUPLE => {
                let n = read_uint::<C>(bytes, &mut ip) as isize;
                sp -= n;
                let items = &*slots::<C>(st, n_slots, sp + 1, n as usize)?;
                push!(tuple::new(items)?);
            }
            bc::BUILD_LIST => {
                let n = read_uint::<C>(bytes, &mut ip) as isize;
                sp -= n;
                let items = &*slots::<C>(st, n_slots, sp + 1, n as usize)?;
                push!(list::new(items)?);
            }
            bc::UNPACK_SEQUENCE => {
                let n = read_uint::<C>(bytes, &mut ip);
                let seq = pop!();
                let out = &mut *slots::<C>(st, n_slots, sp + 1, n)?;
                unpack_sequence(seq, n, out)?;
                sp += n as isize;
            }
            unary_ops!() => {
                top!() = runtime::unary_op(op - 0xd0, top!())?;
            }
            bc::STORE_GLOBAL => {
                let q = ctx.qstr(read_uint::<C>(bytes, &mut ip));
                let v = pop!();
                let done = dict::exact_map(f.globals).is_some_and(|m| m.replace_qstr_cached(q, v));
                if !done {
                    if let Some(m) = dict::map_of(f.globals) {
                        m.insert_qstr(q, v)?;
                    }
                }
            }
            bc::DUP_TOP_TWO => {
                let a = at!(sp - 1);
                let b = at!(sp);
                push!(a);
                push!(b);
            }
            bc::ROT_THREE => {
                let top = at!(sp);
                at!(sp) = at!(sp - 1);
                at!(sp - 1) = at!(sp - 2);
                at!(sp - 2) = top;
            }
            _ => {
                return Err(raise::not_implemented_error("opcode"));
            }
        }
    }
    f.ip = ip;
    f.sp = sp;
    Ok(None)
}

/// Binary opcode `op` on operands the loop's inline paths did not take: small ints first
/// (without the generic dispatch), then everything else.
#[inline(never)]
fn binary_op(op: u8, lhs: Value, rhs: Value) -> PyResult<Value> {
    let o = op.wrapping_sub(bc::BINARY_OP_MULTI);
    if let (Some(a), Some(b)) = (lhs.as_small_int(), rhs.as_small_int()) {
        if let Some(r) = crate::objs::int::small_binary_op(o, a, b)? {
            return Ok(r);
        }
    }
    runtime::binary_op(o, lhs, rhs)
}

/// The unwinding part of RETURN_VALUE (also resumed by END_FINALLY): run pending finally
/// blocks, else return. `Some` when the frame returns.
fn unwind_return<const C: bool>(
    f: &mut Frame,
    ip: &mut usize,
    sp: &mut isize,
    st: *mut Value,
) -> PyResult<Option<Ret>> {
    let n = f.code().n_state;
    while f.exc_sp >= 0 {
        let e = *exc_slot::<C>(f, f.exc_sp)?;
        if e.is_finally != 0 {
            if e.handler >= *ip {
                // A finally not yet entered: run it, then resume the return.
                *slot::<C>(st, n, e.sp + 1)? = *slot::<C>(st, n, *sp)?;
                *sp = e.sp + 2;
                *slot::<C>(st, n, *sp)? = Value::small_int(-1);
                *ip = e.handler;
                return Ok(None);
            }
            cancel_active_finally::<C>(sp, st, n)?;
        }
        f.exc_sp -= 1;
    }
    Ok(Some(Ret::Return(*slot::<C>(st, n, *sp)?)))
}

/// Drop the state of a finally block being left early, keeping the top of the stack.
fn cancel_active_finally<const C: bool>(sp: &mut isize, st: *mut Value, n: usize) -> PyResult<()> {
    let top = *slot::<C>(st, n, *sp)?;
    if slot::<C>(st, n, *sp - 1)?.is_small_int() {
        *slot::<C>(st, n, *sp - 2)? = top;
        *sp -= 2;
    } else {
        *slot::<C>(st, n, *sp - 1)? = top;
        *sp -= 1;
    }
    Ok(())
}

/// The unwinding part of UNWIND_JUMP: stack holds (dest ip, handler count) on top. Returns
/// true when control moved into a finally block (the caller re-dispatches).
fn unwind_jump<const C: bool>(
    f: &mut Frame,
    ip: &mut usize,
    sp: &mut isize,
    st: *mut Value,
) -> PyResult<bool> {
    let n = f.code().n_state;
    let mut unum = slot::<C>(st, n, *sp)?.as_small_int_unchecked() as usize;
    *sp -= 1;
    while unum & 0x7f > 0 {
        unum -= 1;
        let e = *exc_slot::<C>(f, f.exc_sp)?;
        if e.is_finally != 0 {
            if e.handler >= *ip {
                *sp += 1;
                *slot::<C>(st, n, *sp)? = Value::small_int(unum as isize);
                *ip = e.handler;
                return Ok(true);
            }
            cancel_active_finally::<C>(sp, st, n)?;
        }
        f.exc_sp -= 1;
    }
    let dest = slot::<C>(st, n, *sp)?.as_small_int_unchecked() as usize;
    *sp -= 1;
    *ip = dest;
    if unum != 0 {
        *sp -= 4;
    }
    Ok(false)
}

/// Used by the REPL and `exec`: make a frame for a module-level raw code and run it.
pub fn run_module_code(
    ctx: *const crate::emitglue::Context,
    rc: *const RawCode,
    globals: Value,
    locals: Value,
) -> PyResult<Value> {
    let fun = function::new(ctx, rc, Value::NULL, Value::NULL)?;
    let f = function::get(fun).ok_or_else(crate::mem::oom)?;
    let _ = globals;
    call_function(fun, f, &[], &[], locals)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The group the loop's patterns put `op` in.
    #[allow(clippy::manual_range_patterns)]
    fn group(op: u8) -> u8 {
        match op {
            small_int_ops!() => 1,
            load_fast_ops!() => 2,
            store_fast_ops!() => 3,
            unary_ops!() => 4,
            other_binary_ops!()
            | OP_ADD
            | OP_INPLACE_ADD
            | OP_SUBTRACT
            | OP_INPLACE_SUBTRACT
            | OP_AND
            | OP_INPLACE_AND
            | OP_OR
            | OP_INPLACE_OR
            | OP_XOR
            | OP_INPLACE_XOR
            | OP_LESS
            | OP_MORE
            | OP_EQUAL
            | OP_LESS_EQUAL
            | OP_MORE_EQUAL
            | OP_NOT_EQUAL => 5,
            invalid_ops!() => 0,
            _ => 6,
        }
    }

    #[test]
    fn opcode_patterns_follow_the_bytecode_format() {
        for op in 0..=255u8 {
            let want = match op {
                0x70..=0xaf => 1,
                0xb0..=0xbf => 2,
                0xc0..=0xcf => 3,
                0xd0..=0xd3 => 4,
                0xd7..=0xf9 => 5,
                0x00..=0x0f | 0xd4..=0xd6 | 0xfa..=0xff => 0,
                _ => group(op),
            };
            assert_eq!(group(op), want, "opcode {op:#04x}");
        }
        // The single opcodes between 0x10 and 0x6f are the ones with arms of their own.
        for op in [
            bc::LOAD_CONST_STRING,
            bc::JUMP,
            bc::FOR_ITER,
            bc::IMPORT_STAR,
        ] {
            assert_eq!(group(op), 6);
        }
        for op in [0x1d, 0x38, 0x41, 0x4c, 0x60, 0x6a, 0x6f] {
            assert_eq!(group(op), 0);
        }
    }

    #[test]
    fn binary_fallback_covers_small_ints_and_others() {
        let r = binary_op(OP_ADD, Value::small_int(2), Value::small_int(3));
        assert!(matches!(r, Ok(v) if v == Value::small_int(5)));
        let r = binary_op(OP_LESS, Value::small_int(2), Value::small_int(3));
        assert!(matches!(r, Ok(v) if v == Value::TRUE));
    }
}
