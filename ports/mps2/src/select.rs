//! `select` for the board, enough for host tools (mpremote's `mount` polls `sys.stdin`):
//! `poll()` objects whose `poll`/`ipoll` wait in WFI until a registered stream is ready.
//! The console (stream handle 0) is readable when the UART ring holds a byte; every other
//! stream (RAM files) is always ready. Interrupts end a wait early.

use core::sync::atomic::Ordering;
use upy_runtime::obj::{ObjBase, PyResult, Type};
use upy_runtime::objs::module::Module;
use upy_runtime::objs::{int, list, tuple};
use upy_runtime::qstr::{Qstr, Q};
use upy_runtime::raise;
use upy_runtime::state;
use upy_runtime::value::Value;

use crate::board;

const POLLIN: isize = 1;
const POLLOUT: isize = 4;
const POLLERR: isize = 8;
const POLLHUP: isize = 16;

#[repr(C)]
pub struct Poll {
    base: ObjBase,
    /// A flat list of registered objects and their event masks: `[obj, mask, obj, ...]`.
    entries: Value,
}

fn this(v: Value) -> PyResult<&'static mut Poll> {
    v.downcast::<Poll>(&POLL_TYPE)
        .ok_or_else(|| raise::type_error("expecting a poll object"))
}

fn poll_new() -> PyResult<Value> {
    let entries = list::new(&[])?;
    let p = upy_runtime::mem::alloc(Poll {
        base: ObjBase::new(&POLL_TYPE),
        entries,
    })?;
    Ok(Value::from_ptr(p as *const u8))
}

fn entries(p: &Poll) -> &'static mut [Value] {
    list::get(p.entries).map(|l| l.items()).unwrap_or(&mut [])
}

/// The index of `obj`'s mask in the entries.
fn find(p: &Poll, obj: Value) -> Option<usize> {
    entries(p)
        .chunks_exact(2)
        .position(|e| e[0] == obj)
        .map(|i| 2 * i + 1)
}

fn register(args: &[Value]) -> PyResult<Value> {
    let p = this(args[0])?;
    let mask = match args.get(2) {
        Some(m) => int::get_isize(*m)?,
        None => POLLIN | POLLOUT,
    };
    let mask = Value::small_int(mask);
    match find(p, args[1]) {
        Some(i) => set_mask(p, i, mask),
        None => {
            list::append(p.entries, args[1])?;
            list::append(p.entries, mask)?;
        }
    }
    Ok(Value::NONE)
}

fn unregister(s: Value, obj: Value) -> PyResult<Value> {
    let p = this(s)?;
    if let Some(i) = find(p, obj) {
        if let Some(l) = list::get(p.entries) {
            l.items().copy_within(i + 1.., i - 1);
            l.len -= 2;
        }
    }
    Ok(Value::NONE)
}

fn modify(s: Value, obj: Value, mask: Value) -> PyResult<Value> {
    let p = this(s)?;
    let i = find(p, obj).ok_or_else(|| raise::os_error(2))?;
    set_mask(p, i, Value::small_int(int::get_isize(mask)?));
    Ok(Value::NONE)
}

fn set_mask(p: &Poll, i: usize, mask: Value) {
    if let Some(slot) = entries(p).get_mut(i) {
        *slot = mask;
    }
}

/// Whether `obj` is the console (its stream reports handle 0).
fn is_console(obj: Value) -> bool {
    let Some(s) = obj.type_of().stream() else {
        return false;
    };
    (s.ioctl)(obj, upy_runtime::modules::io::STREAM_GET_FILENO, 0) == Ok(0)
}

fn ready(obj: Value, mask: isize) -> isize {
    if is_console(obj) {
        let mut r = mask & POLLOUT;
        if mask & POLLIN != 0 && board::console_peek() {
            r |= POLLIN;
        }
        r
    } else {
        mask & (POLLIN | POLLOUT)
    }
}

/// Wait up to `timeout` ms (None = forever) for a ready entry; the ready (obj, revents).
fn wait(p: &Poll, timeout: Option<isize>) -> PyResult<Value> {
    let start = board::ticks_ms();
    loop {
        let out = list::new(&[])?;
        for e in entries(p).chunks_exact(2) {
            let (obj, mask) = (e[0], e[1].as_small_int().unwrap_or(0));
            let r = ready(obj, mask);
            if r != 0 {
                list::append(
                    out,
                    tuple::new(&[obj, Value::small_int(r & !(POLLERR | POLLHUP))])?,
                )?;
            }
        }
        if list::get(out).is_some_and(|l| l.len > 0) {
            return Ok(out);
        }
        if let Some(t) = timeout {
            if t >= 0 && board::ticks_ms().wrapping_sub(start) as isize >= t {
                return Ok(out);
            }
        }
        if state::get().interrupt.load(Ordering::Relaxed) {
            upy_runtime::vm::take_pending()?;
        }
        board::wfi();
    }
}

fn timeout_arg(args: &[Value]) -> PyResult<Option<isize>> {
    match args.get(1) {
        Some(t) if !t.is_none() => {
            let t = int::get_isize(*t)?;
            Ok((t >= 0).then_some(t))
        }
        _ => Ok(None),
    }
}

fn poll(args: &[Value]) -> PyResult<Value> {
    let p = this(args[0])?;
    wait(p, timeout_arg(args)?)
}

fn ipoll(args: &[Value]) -> PyResult<Value> {
    let p = this(args[0])?;
    let l = wait(p, timeout_arg(args)?)?;
    upy_runtime::runtime::get_iter(l)
}

static POLL_LOCALS: &[(Qstr, Value)] = &[
    upy_runtime::entry!(
        register,
        upy_runtime::fun!(
            register,
            Var {
                min: 2,
                max: 3,
                f: register
            }
        )
    ),
    upy_runtime::entry!(unregister, upy_runtime::fun!(unregister, F2(unregister))),
    upy_runtime::entry!(modify, upy_runtime::fun!(modify, F3(modify))),
    upy_runtime::entry!(
        poll,
        upy_runtime::fun!(
            poll,
            Var {
                min: 1,
                max: 2,
                f: poll
            }
        )
    ),
    upy_runtime::entry!(
        ipoll,
        upy_runtime::fun!(
            ipoll,
            Var {
                min: 1,
                max: 3,
                f: ipoll
            }
        )
    ),
];

pub static POLL_TYPE: Type = Type {
    name: Q::poll,
    locals: upy_runtime::locals!(POLL_LOCALS),
    ..Type::EMPTY
};

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::select)),
    upy_runtime::entry!(poll, upy_runtime::fun!(poll, F0(poll_new))),
    (Q::POLLIN, Value::small_int(POLLIN)),
    (Q::POLLOUT, Value::small_int(POLLOUT)),
    (Q::POLLERR, Value::small_int(POLLERR)),
    (Q::POLLHUP, Value::small_int(POLLHUP)),
];

pub static MODULE: Module = Module::new_static(Q::select, upy_runtime::locals!(GLOBALS));
