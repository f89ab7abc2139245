//! `micropython`: MicroPython's own introspection and control functions
//! (py/modmicropython.c): const, opt_level, mem_info, qstr_info, stack_use, heap_lock,
//! kbd_intr, schedule.

use crate::obj::{PyErr, PyResult};
use crate::objs::module::Module;
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::state;
use crate::value::Value;

/// Queue length, as upstream's MICROPY_SCHEDULER_DEPTH.
pub const SCHEDULE_DEPTH: usize = 4;

fn r#const(v: Value) -> PyResult<Value> {
    Ok(v)
}

fn opt_level(args: &[Value]) -> PyResult<Value> {
    let st = state::get();
    match args.first() {
        None => Ok(Value::small_int(st.opt_level as isize)),
        Some(v) => {
            st.opt_level = v.as_small_int().unwrap_or(0).clamp(0, 3) as u8;
            Ok(Value::NONE)
        }
    }
}

fn out(s: &str) -> PyResult<()> {
    crate::modules::sys::stdout_write(s.as_bytes())
}

fn mem_info(args: &[Value]) -> PyResult<Value> {
    let st = state::get();
    let info = st.heap.info();
    let used_stack = st.heap.stack_top().saturating_sub(approx_sp());
    crate::modules::sys::print_nums(
        &mut crate::exec::Stdout,
        "mem: total={}, current={}, peak={}\nstack: {} out of {}\nGC: total: {}, used: {}, free: {}\n No. of 1-blocks: {}, 2-blocks: {}, max blk sz: {}, max free sz: {}\n",
        &[
            st.heap.stat_total as isize,
            st.heap.stat_current as isize,
            st.heap.stat_peak as isize,
            used_stack as isize,
            st.heap.stack_top().saturating_sub(st.stack_limit) as isize,
            info.total as isize,
            info.used as isize,
            info.free as isize,
            info.num_1block as isize,
            info.num_2block as isize,
            info.max_block as isize,
            info.max_free_blocks as isize,
        ],
    )?;
    if args.first().is_some_and(|v| !v.is_none()) {
        crate::modules::sys::print_nums(
            &mut crate::exec::Stdout,
            "GC memory layout; from {x}:",
            &[st.heap.pool_start() as isize],
        )?;
        // Collected first, printed after: printing may itself allocate.
        let mut text = alloc::vec::Vec::new();
        st.heap
            .dump_layout(&block_letter, &mut |b| text.extend_from_slice(b));
        out(core::str::from_utf8(&text).unwrap_or(""))?;
    }
    Ok(Value::NONE)
}

/// The letter of an allocation in the `mem_info(1)` map, by the type in its first word
/// (upstream's letters); `h` for anything else.
fn block_letter(p: *const u8) -> u8 {
    use crate::objs;
    // SAFETY: a head block starts an allocation of at least one block (a word or more);
    // the word is only compared with type addresses, never dereferenced.
    let first = unsafe { *(p as *const usize) };
    let is = |t: &'static crate::obj::Type| first == t as *const crate::obj::Type as usize;
    if is(&objs::tuple::TYPE) {
        b'T'
    } else if is(&objs::list::TYPE) {
        b'L'
    } else if is(&objs::dict::TYPE) {
        b'D'
    } else if is(&objs::str::TYPE) || is(&objs::str::BYTES_TYPE) {
        b'S'
    } else if is(&objs::bytearray::TYPE) || is(&objs::array::TYPE) {
        b'A'
    } else if is(&objs::float::TYPE) {
        b'F'
    } else if is(&objs::function::TYPE) {
        b'B'
    } else if is(&objs::module::TYPE) {
        b'M'
    } else {
        b'h'
    }
}

fn qstr_info(args: &[Value]) -> PyResult<Value> {
    let st = state::get();
    let n = st.qstrs.len();
    crate::modules::sys::print_nums(
        &mut crate::exec::Stdout,
        "qstr pool: n_pool={}, n_qstr={}, n_str_data_bytes={}, n_total_bytes={}\n",
        &[
            isize::from(n > 0),
            n as isize,
            st.qstrs.data_bytes as isize,
            (st.qstrs.data_bytes + n * 16) as isize,
        ],
    )?;
    if args.first().is_some_and(|v| !v.is_none()) {
        // Upstream lists every interned string of its dynamic pools, oldest first.
        let mut i = 0;
        while let Some(q) = st.qstrs.nth(i) {
            out("Q(")?;
            out(q)?;
            out(")\n")?;
            i += 1;
        }
    }
    Ok(Value::NONE)
}

fn approx_sp() -> usize {
    let x = 0u8;
    core::hint::black_box(&x) as *const u8 as usize
}

/// Bytes ever allocated (`mem_total`), allocated now (`mem_current`), and the most at
/// once (`mem_peak`): the figures of `mem_info`'s first line.
fn mem_total() -> PyResult<Value> {
    crate::objs::int::from_i64(state::get().heap.stat_total as i64)
}

fn mem_current() -> PyResult<Value> {
    crate::objs::int::from_i64(state::get().heap.stat_current as i64)
}

fn mem_peak() -> PyResult<Value> {
    crate::objs::int::from_i64(state::get().heap.stat_peak as i64)
}

fn stack_use() -> PyResult<Value> {
    let top = state::get().heap.stack_top();
    Ok(Value::small_int(top.saturating_sub(approx_sp()) as isize))
}

fn heap_lock() -> PyResult<Value> {
    state::get().heap.lock_depth += 1;
    Ok(Value::NONE)
}

fn heap_unlock() -> PyResult<Value> {
    let h = &mut state::get().heap;
    h.lock_depth = h.lock_depth.saturating_sub(1);
    Ok(Value::small_int(h.lock_depth as isize))
}

#[cfg(feature = "os_unix")]
fn heap_locked() -> PyResult<Value> {
    Ok(Value::small_int(state::get().heap.lock_depth as isize))
}

fn kbd_intr(v: Value) -> PyResult<Value> {
    state::get().kbd_intr_char = v.as_small_int().unwrap_or(-1) as i32;
    Ok(Value::NONE)
}

fn schedule(f: Value, arg: Value) -> PyResult<Value> {
    let st = state::get();
    // Scheduling kbd_intr needs upstream's static scheduler nodes, which the unix port
    // leaves out: it reports that with a bare ValueError.
    if is_kbd_intr(f) {
        return Err(raise::with_args(&crate::objs::exception::VALUE_ERROR, &[]));
    }
    let n = st.sched_len;
    let Some(slot) = st.roots.sched_queue.get_mut(2 * n..2 * n + 2) else {
        return Err(raise::runtime_error("schedule queue full"));
    };
    slot.copy_from_slice(&[f, arg]);
    st.sched_len = n + 1;
    st.interrupt
        .store(true, core::sync::atomic::Ordering::Relaxed);
    Ok(Value::NONE)
}

/// How many `schedule` callbacks wait to run.
pub fn scheduled_count() -> usize {
    state::get().sched_len
}

/// Run every queued `schedule` callback (called by the VM at safe points).
pub fn run_scheduled() -> PyResult<()> {
    // Callbacks never nest: one scheduled from a callback runs after it returns.
    let st = state::get();
    if st.sched_running {
        return Ok(());
    }
    st.sched_running = true;
    let r = run_queue();
    state::get().sched_running = false;
    r
}

fn is_kbd_intr(f: Value) -> bool {
    MODULE.table.iter().any(|(k, v)| k == Q::kbd_intr && v == f)
}

/// One pass of the scheduler, as upstream: one Python callback; whatever remains (or a
/// callback scheduled by it) runs at the next check.
fn run_queue() -> PyResult<()> {
    let st = state::get();
    if st.sched_len == 0 {
        return Ok(());
    }
    let q = &mut st.roots.sched_queue;
    let (f, a) = (q[0], q[1]);
    q.copy_within(2.., 0);
    st.sched_len -= 1;
    let n = st.sched_len;
    q[2 * n..].fill(Value::NULL);
    if n > 0 {
        st.interrupt
            .store(true, core::sync::atomic::Ordering::Relaxed);
    }
    let r = crate::runtime::call(f, &[a], &[]);
    // Callbacks scheduled by this one were not run (no nesting): look again soon.
    let st = state::get();
    if st.sched_len > 0 {
        st.interrupt
            .store(true, core::sync::atomic::Ordering::Relaxed);
    }
    r?;
    Ok(())
}

fn alloc_emergency_exception_buf(_n: Value) -> PyResult<Value> {
    Ok(Value::NONE)
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::micropython)),
    // const and opt_level first: help(micropython) lists them in this order upstream.
    (Q::r#const, crate::fun!(r#const, F1(r#const))),
    crate::entry!(
        opt_level,
        crate::fun!(
            opt_level,
            Var {
                min: 0,
                max: 1,
                f: opt_level
            }
        )
    ),
    crate::entry!(
        alloc_emergency_exception_buf,
        crate::fun!(
            alloc_emergency_exception_buf,
            F1(alloc_emergency_exception_buf)
        )
    ),
    crate::entry!(heap_lock, crate::fun!(heap_lock, F0(heap_lock))),
    // Not on upstream's boards (MICROPY_PY_MICROPYTHON_HEAP_LOCKED).
    #[cfg(feature = "os_unix")]
    crate::entry!(heap_locked, crate::fun!(heap_locked, F0(heap_locked))),
    crate::entry!(heap_unlock, crate::fun!(heap_unlock, F0(heap_unlock))),
    crate::entry!(kbd_intr, crate::fun!(kbd_intr, F1(kbd_intr))),
    crate::entry!(
        mem_info,
        crate::fun!(
            mem_info,
            Var {
                min: 0,
                max: 1,
                f: mem_info
            }
        )
    ),
    crate::entry!(
        qstr_info,
        crate::fun!(
            qstr_info,
            Var {
                min: 0,
                max: 1,
                f: qstr_info
            }
        )
    ),
    crate::entry!(schedule, crate::fun!(schedule, F2(schedule))),
    crate::entry!(stack_use, crate::fun!(stack_use, F0(stack_use))),
    (Q::RingIO, Value::from_static(&crate::objs::ringio::TYPE)),
    crate::entry!(mem_total, crate::fun!(mem_total, F0(mem_total))),
    crate::entry!(mem_current, crate::fun!(mem_current, F0(mem_current))),
    crate::entry!(mem_peak, crate::fun!(mem_peak, F0(mem_peak))),
];

pub static MODULE: Module = Module::new_static(Q::micropython, crate::locals!(GLOBALS));

#[allow(dead_code)]
fn unused(_: PyErr) {}
