//! `machine.Timer` on the two CMSDK APB timers (Timer0 0x40000000, IRQ 8; Timer1
//! 0x40001000, IRQ 9), 32-bit down-counters at 25 MHz. The interrupt only records that a
//! timer fired and asks the VM to stop at its next safe point; there [`run_pending`] hands
//! the callback to `micropython.schedule` (soft IRQ), or runs it at once with the heap
//! locked for `hard=True`, so a hard callback that allocates gets MemoryError as on
//! upstream's boards.

use core::sync::atomic::{AtomicBool, Ordering};
use upy_runtime::obj::{ObjBase, Print, PrintKind, PyResult, Type};
use upy_runtime::objs::int;
use upy_runtime::qstr::{Qstr, Q};
use upy_runtime::raise;
use upy_runtime::runtime;
use upy_runtime::state;
use upy_runtime::value::Value;

use crate::board::{self, write32};

pub const IRQ_TIMER0: u32 = 8;
pub const IRQ_TIMER1: u32 = 9;
const BASES: [usize; 2] = [0x4000_0000, 0x4000_1000];
const IRQS: [u32; 2] = [IRQ_TIMER0, IRQ_TIMER1];
const CTRL: usize = 0x0;
const VALUE: usize = 0x4;
const RELOAD: usize = 0x8;
const INTCLEAR: usize = 0xC;
const CTRL_ENABLE: u32 = 1;
const CTRL_IRQ: u32 = 8;

const ONE_SHOT: isize = 0;
const PERIODIC: isize = 1;

/// First `Roots::port` slot holding the Timer objects (which hold the callbacks).
const ROOT_SLOT: usize = 0;

static FIRED: [AtomicBool; 2] = [AtomicBool::new(false), AtomicBool::new(false)];

#[repr(C)]
pub struct Timer {
    base: ObjBase,
    id: usize,
    mode: isize,
    period_ticks: u32,
    callback: Value,
    hard: bool,
}

fn this(v: Value) -> PyResult<&'static mut Timer> {
    v.downcast::<Timer>(&TIMER_TYPE)
        .ok_or_else(|| raise::type_error("expecting a Timer"))
}

fn stop(id: usize) {
    write32(BASES[id] + CTRL, 0);
    write32(BASES[id] + INTCLEAR, 1);
    board::irq_disable(IRQS[id]);
    FIRED[id].store(false, Ordering::Relaxed);
}

/// `init(*, mode=PERIODIC, freq=-1, period=-1, callback=None, hard=False)`; `period` is in
/// milliseconds.
fn configure(t: &mut Timer, kw: &[Value]) -> PyResult<()> {
    t.mode = match board::arg(&[], 0, kw, Q::mode) {
        Some(m) => int::get_isize(m)?,
        None => PERIODIC,
    };
    // Float-to-int casts and `saturating_mul` saturate: a period too long for the 32-bit
    // counter runs at its longest.
    let ticks: u32 = if let Some(f) = board::arg(&[], 0, kw, Q::freq) {
        let f = upy_runtime::objs::float::get_f64(f)?;
        if f <= 0.0 {
            return Err(raise::value_error("freq must be positive"));
        }
        (board::CLOCK_HZ as upy_runtime::objs::float::Real / f) as u32
    } else {
        let ms = match board::arg(&[], 0, kw, Q::period) {
            Some(p) => int::get_isize(p)?,
            None => 1000,
        };
        if ms <= 0 {
            return Err(raise::value_error("period must be positive"));
        }
        (ms as u32).saturating_mul(board::CLOCK_HZ / 1000)
    };
    t.period_ticks = ticks.max(1);
    t.callback = board::arg(&[], 0, kw, Q::callback).unwrap_or(Value::NONE);
    t.hard = match board::arg(&[], 0, kw, Q::hard) {
        Some(h) => runtime::is_true(h)?,
        None => false,
    };
    let id = t.id;
    stop(id);
    state::get().roots.port[ROOT_SLOT + id] = Value::from_ptr(t as *mut Timer as *const u8);
    let base = BASES[id];
    write32(base + RELOAD, t.period_ticks);
    write32(base + VALUE, t.period_ticks);
    board::irq_enable(IRQS[id]);
    write32(base + CTRL, CTRL_ENABLE | CTRL_IRQ);
    Ok(())
}

fn make_new(ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let id = match args.first() {
        Some(v) => int::get_isize(*v)?,
        None => 0,
    };
    let id = match id {
        0 | 1 => id as usize,
        -1 => 1,
        _ => return Err(raise::value_error("Timer doesn't exist")),
    };
    let p = upy_runtime::mem::alloc(Timer {
        base: ObjBase::new(ty),
        id,
        mode: PERIODIC,
        period_ticks: 0,
        callback: Value::NONE,
        hard: false,
    })?;
    // SAFETY: just allocated and initialised.
    let t = unsafe { &mut *p };
    if !kw.is_empty() {
        configure(t, kw)?;
    }
    Ok(Value::from_ptr(p as *const u8))
}

fn print(out: &mut dyn Print, obj: Value, _kind: PrintKind) -> PyResult<()> {
    let t = this(obj)?;
    upy_runtime::modules::sys::print_nums(out, "Timer({}, mode=", &[t.id as isize])?;
    out.write_str(if t.mode == ONE_SHOT {
        "ONE_SHOT)"
    } else {
        "PERIODIC)"
    })
}

fn init(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    configure(this(args[0])?, kw)?;
    Ok(Value::NONE)
}

fn deinit(s: Value) -> PyResult<Value> {
    let t = this(s)?;
    stop(t.id);
    state::get().roots.port[ROOT_SLOT + t.id] = Value::NULL;
    Ok(Value::NONE)
}

/// Timer interrupt: note it and stop the VM at its next safe point.
pub fn timer_irq(id: usize) {
    let base = BASES[id];
    write32(base + INTCLEAR, 1);
    let t = state::get().roots.port[ROOT_SLOT + id];
    if let Some(t) = t.downcast::<Timer>(&TIMER_TYPE) {
        if t.mode == ONE_SHOT {
            write32(base + CTRL, 0);
        }
    }
    FIRED[id].store(true, Ordering::Relaxed);
    state::get().interrupt.store(true, Ordering::Relaxed);
}

/// The VM's safe point: hand fired timers' callbacks on.
pub fn run_pending() -> PyResult<()> {
    for id in 0..2 {
        if !FIRED[id].swap(false, Ordering::Relaxed) {
            continue;
        }
        let tv = state::get().roots.port[ROOT_SLOT + id];
        let Some(t) = tv.downcast::<Timer>(&TIMER_TYPE) else {
            continue;
        };
        if t.callback.is_none() {
            continue;
        }
        if t.hard {
            state::get().heap.lock_depth += 1;
            let r = runtime::call1(t.callback, tv);
            let h = &mut state::get().heap;
            h.lock_depth = h.lock_depth.saturating_sub(1);
            r?;
        } else {
            let m = upy_runtime::modules::find_builtin(Q::micropython)
                .ok_or_else(upy_runtime::mem::oom)?;
            let schedule = runtime::load_attr(m, Q::schedule)?;
            runtime::call(schedule, &[t.callback, tv], &[])?;
        }
    }
    Ok(())
}

/// Stop both timers (soft reset).
pub fn deinit_all() {
    for id in 0..2 {
        stop(id);
    }
}

static LOCALS: &[(Qstr, Value)] = &[
    upy_runtime::entry!(init, upy_runtime::fun!(init, Kw { min: 1, f: init })),
    upy_runtime::entry!(deinit, upy_runtime::fun!(deinit, F1(deinit))),
    (Q::ONE_SHOT, Value::small_int(ONE_SHOT)),
    (Q::PERIODIC, Value::small_int(PERIODIC)),
];

pub static TIMER_TYPE: Type = Type {
    name: Q::Timer,
    make_new: Some(make_new),
    print: Some(print),
    locals: upy_runtime::locals!(LOCALS),
    ..Type::EMPTY
};
