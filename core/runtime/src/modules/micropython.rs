//! `micropython`: MicroPython's own introspection and control functions
//! (py/modmicropython.c): const, opt_level, mem_info, qstr_info, stack_use, heap_lock,
//! kbd_intr, schedule.

use crate::obj::{PyErr, PyResult};
use crate::objs::{list, module::Module, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::state;
use crate::value::Value;

/// Queue length, as upstream's MICROPY_SCHEDULER_DEPTH.
const SCHEDULE_DEPTH: usize = 4;

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
    let mut s = crate::vstr::VStr::new();
    let used_stack = st.heap.stack_top().saturating_sub(approx_sp());
    let _ = core::fmt::write(
        &mut s,
        format_args!(
            "mem: total={}, current={}, peak={}\nstack: {} out of {}\nGC: total: {}, used: {}, free: {}\n No. of 1-blocks: {}, 2-blocks: {}, max blk sz: {}, max free sz: {}\n",
            st.heap.stat_total,
            st.heap.stat_current,
            st.heap.stat_peak,
            used_stack,
            st.heap.stack_top().saturating_sub(st.stack_limit),
            info.total,
            info.used,
            info.free,
            info.num_1block,
            info.num_2block,
            info.max_block,
            info.max_free_blocks
        ),
    );
    out(core::str::from_utf8(s.as_bytes()).unwrap_or(""))?;
    if args.first().is_some_and(|v| !v.is_none()) {
        let mut head = crate::vstr::VStr::new();
        let _ = core::fmt::write(
            &mut head,
            format_args!("GC memory layout; from {:x}:", st.heap.pool_start()),
        );
        out(core::str::from_utf8(head.as_bytes()).unwrap_or(""))?;
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
    let mut s = crate::vstr::VStr::new();
    let n = st.qstrs.len();
    let _ = core::fmt::write(
        &mut s,
        format_args!(
            "qstr pool: n_pool={}, n_qstr={}, n_str_data_bytes={}, n_total_bytes={}\n",
            usize::from(n > 0),
            n,
            st.qstrs.data_bytes,
            st.qstrs.data_bytes + n * 16
        ),
    );
    out(core::str::from_utf8(s.as_bytes()).unwrap_or(""))?;
    if args.first().is_some_and(|v| !v.is_none()) {
        // Upstream lists every interned string of its dynamic pools, oldest first.
        let mut i = 0;
        while let Some(q) = st.qstrs.nth(i) {
            let mut line = crate::vstr::VStr::new();
            let _ = core::fmt::write(&mut line, format_args!("Q({})\n", q));
            out(core::str::from_utf8(line.as_bytes()).unwrap_or(""))?;
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

fn heap_locked() -> PyResult<Value> {
    Ok(Value::small_int(state::get().heap.lock_depth as isize))
}

fn kbd_intr(v: Value) -> PyResult<Value> {
    state::get().kbd_intr_char = v.as_small_int().unwrap_or(-1) as i32;
    Ok(Value::NONE)
}

fn schedule(f: Value, arg: Value) -> PyResult<Value> {
    let st = state::get();
    if st.roots.sched_queue.is_null() {
        st.roots.sched_queue = list::new(&[])?;
    }
    let q = list::get(state::get().roots.sched_queue).ok_or_else(crate::mem::oom)?;
    // Scheduling kbd_intr needs upstream's static scheduler nodes, which the unix port
    // leaves out: it reports that with a bare ValueError.
    if is_kbd_intr(f) {
        return Err(raise::with_args(&crate::objs::exception::VALUE_ERROR, &[]));
    }
    if q.len >= SCHEDULE_DEPTH {
        return Err(raise::runtime_error("schedule queue full"));
    }
    q.push(tuple::new(&[f, arg])?)?;
    state::get()
        .interrupt
        .store(true, core::sync::atomic::Ordering::Relaxed);
    Ok(Value::NONE)
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
    GLOBALS.iter().any(|(k, v)| *k == Q::kbd_intr && *v == f)
}

/// One pass of the scheduler, as upstream: one Python callback; whatever remains (or a
/// callback scheduled by it) runs at the next check.
fn run_queue() -> PyResult<()> {
    let st = state::get();
    let Some(q) = list::get(st.roots.sched_queue) else {
        return Ok(());
    };
    if q.len == 0 {
        return Ok(());
    }
    let items = q.items();
    let entry = items[0];
    items.copy_within(1.., 0);
    q.len -= 1;
    if q.len > 0 {
        st.interrupt
            .store(true, core::sync::atomic::Ordering::Relaxed);
    }
    if let Some([f, a]) = tuple::items(entry) {
        let r = crate::runtime::call(*f, &[*a], &[]);
        // Callbacks scheduled by this one were not run (no nesting): look again soon.
        if list::get(state::get().roots.sched_queue).is_some_and(|q| q.len > 0) {
            state::get()
                .interrupt
                .store(true, core::sync::atomic::Ordering::Relaxed);
        }
        r?;
    }
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

pub static MODULE: Module = Module::new_static(Q::micropython, GLOBALS);

#[allow(dead_code)]
fn unused(_: PyErr) {}
