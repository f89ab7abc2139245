//! `_thread` (cargo feature `thread`): starting threads, their identity, and the lock type,
//! as upstream's py/modthread.c. Threads run under the global interpreter lock described in
//! `thread.rs`; a lock is a flag that only the GIL holder reads or writes, and a thread
//! waiting for one sleeps outside the GIL until some lock is released.

use crate::mem;
use crate::obj::{ObjBase, PyResult, Type};
use crate::objs::{dict, exception, float, int, list, module::Module, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::state;
use crate::thread;
use crate::value::Value;

/// How often the main thread, waiting for a lock, looks for a pending KeyboardInterrupt.
const INTERRUPT_POLL_US: u64 = 50_000;

#[repr(C)]
pub struct Lock {
    base: ObjBase,
    locked: bool,
}

fn lock_of(v: Value) -> PyResult<&'static mut Lock> {
    v.downcast(&LOCK_TYPE)
        .ok_or_else(|| raise::type_error("expected a lock"))
}

fn allocate_lock() -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(Lock {
        base: ObjBase::new(&LOCK_TYPE),
        locked: false,
    })?))
}

/// `acquire(blocking=True, timeout=-1)`: True once the lock is ours, False if it was not
/// free (non-blocking) or did not become free within `timeout` seconds.
fn acquire(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let (mut blocking, mut timeout) = (args.get(1).copied(), args.get(2).copied());
    if args.len() > 3 {
        return Err(raise::type_error("function expected at most 3 arguments"));
    }
    for pair in kw.chunks(2) {
        let (Some(&k), Some(&v)) = (pair.first(), pair.get(1)) else {
            break;
        };
        match crate::objs::str::as_str(k) {
            Some("blocking") => blocking = Some(v),
            Some("timeout") => timeout = Some(v),
            _ => return Err(raise::type_error("unexpected keyword argument")),
        }
    }
    let this = *args
        .first()
        .ok_or_else(|| raise::type_error("missing self"))?;
    let blocking = match blocking {
        Some(b) => crate::runtime::is_true(b)?,
        None => true,
    };
    let timeout = match timeout {
        Some(t) => float::get_f64(t)?,
        None => -1.0,
    };
    if lock_of(this)?.locked && !blocking {
        return Ok(Value::FALSE);
    }
    let deadline_us = if timeout < 0.0 {
        None
    } else {
        let hal = state::get()
            .hal
            .ok_or_else(|| raise::runtime_error("no clock"))?;
        Some(hal.ticks_us().saturating_add((timeout * 1e6) as u64))
    };
    wait_for(this, deadline_us)
}

/// Take the lock, waiting (without the GIL) for releases until it is free or the deadline
/// (in `ticks_us`) passes.
fn wait_for(this: Value, deadline_us: Option<u64>) -> PyResult<Value> {
    loop {
        let lock = lock_of(this)?;
        if !lock.locked {
            lock.locked = true;
            return Ok(Value::TRUE);
        }
        let timeout = match deadline_us {
            None => None,
            Some(d) => {
                let now = state::get().hal.map_or(d, |h| h.ticks_us());
                if now >= d {
                    return Ok(Value::FALSE);
                }
                Some(d - now)
            }
        };
        let Some(th) = thread::hal() else {
            // No threads: nobody could release it.
            return Ok(Value::FALSE);
        };
        // The main thread wakes now and then to act on Ctrl-C.
        let main = thread::is_main();
        let step = match (main, timeout) {
            (true, t) => Some(t.unwrap_or(INTERRUPT_POLL_US).min(INTERRUPT_POLL_US)),
            (false, t) => t,
        };
        // Read under the GIL: a release after this point (which needs the GIL) bumps it.
        let seen = th.event_count();
        thread::without_gil(|| th.event_wait(seen, step));
        if main && state::interrupt_flag().load(core::sync::atomic::Ordering::Relaxed) {
            crate::vm::take_pending()?;
        }
    }
}

fn release(this: Value) -> PyResult<Value> {
    let lock = lock_of(this)?;
    if !lock.locked {
        return Err(raise::with_args(&exception::RUNTIME_ERROR, &[]));
    }
    lock.locked = false;
    if state::get().threads.active {
        if let Some(th) = thread::hal() {
            th.event_notify();
        }
    }
    Ok(Value::NONE)
}

fn locked(this: Value) -> PyResult<Value> {
    Ok(Value::from_bool(lock_of(this)?.locked))
}

fn exit4(args: &[Value]) -> PyResult<Value> {
    release(args.first().copied().unwrap_or(Value::NONE))
}

static LOCK_LOCALS: [(Qstr, Value); 5] = [
    crate::entry!(acquire, crate::fun!(acquire, Kw { min: 1, f: acquire })),
    crate::entry!(release, crate::fun!(release, F1(release))),
    crate::entry!(locked, crate::fun!(locked, F1(locked))),
    crate::entry!(__enter__, crate::fun!(acquire, Kw { min: 1, f: acquire })),
    crate::entry!(
        __exit__,
        crate::fun!(
            __exit__,
            Var {
                min: 4,
                max: 4,
                f: exit4
            }
        )
    ),
];

pub static LOCK_TYPE: Type = Type {
    name: Q::lock,
    locals: crate::locals!(&LOCK_LOCALS),
    ..Type::EMPTY
};

// --- module functions ---

fn get_ident() -> PyResult<Value> {
    let id = thread::hal().map_or(1, |th| th.ident());
    int::from_u64(id as u64)
}

/// `stack_size([size])`: the previous setting; no argument resets it to the default (0).
fn stack_size(args: &[Value]) -> PyResult<Value> {
    let t = &mut state::get().threads;
    let old = t.stack_size;
    t.stack_size = match args.first() {
        None => 0,
        Some(v) => int::get_isize(*v)?.max(0) as usize,
    };
    int::from_u64(old as u64)
}

fn start_new_thread(args: &[Value]) -> PyResult<Value> {
    let (func, pos) = match args {
        [f, a] | [f, a, _] => (*f, *a),
        _ => return Err(raise::type_error("function takes 2 or 3 arguments")),
    };
    let pos = match (tuple::items(pos), list::get(pos)) {
        (Some(_), _) => pos,
        (None, Some(l)) => tuple::new(l.items())?,
        _ => return Err(list::not_tuple_or_list(pos)),
    };
    let kw = match args.get(2) {
        None => Value::from_static(&tuple::EMPTY),
        Some(d) => {
            let map = dict::map_of(*d)
                .ok_or_else(|| raise::type_error("expecting a dict for keyword args"))?;
            let (kw, items) = tuple::new_uninit(2 * map.len())?;
            for (slot, (k, v)) in items.chunks_exact_mut(2).zip(map.iter()) {
                slot.copy_from_slice(&[k, v]);
            }
            kw
        }
    };
    thread::start(func, pos, kw)
}

fn exit() -> PyResult<Value> {
    Err(raise::with_args(&exception::SYSTEM_EXIT, &[]))
}

static GLOBALS: &[(Qstr, Value)] = &[
    // In upstream's order, which `dir(_thread)` shows.
    (Q::__name__, Value::qstr(Q::_thread)),
    crate::entry!(LockType, Value::from_static(&LOCK_TYPE)),
    crate::entry!(allocate_lock, crate::fun!(allocate_lock, F0(allocate_lock))),
    crate::entry!(exit, crate::fun!(exit, F0(exit))),
    crate::entry!(get_ident, crate::fun!(get_ident, F0(get_ident))),
    crate::entry!(
        stack_size,
        crate::fun!(
            stack_size,
            Var {
                min: 0,
                max: 1,
                f: stack_size
            }
        )
    ),
    crate::entry!(
        start_new_thread,
        crate::fun!(
            start_new_thread,
            Var {
                min: 2,
                max: 3,
                f: start_new_thread
            }
        )
    ),
];

pub static MODULE: Module = Module::new_static(Q::_thread, crate::locals!(GLOBALS));
