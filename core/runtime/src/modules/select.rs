//! `select`: `poll` objects (register, unregister, modify, poll, ipoll) and `select()`
//! (extmod/modselect.c). An object is polled through MicroPython's stream ioctl
//! (`MP_STREAM_POLL`), which also covers Python classes defining `ioctl`; plain integers
//! and streams that report a file descriptor are handed to the port's `poll_fds`, so a
//! wait on descriptors only sleeps in the OS rather than spinning.

use crate::hal::PollFd;
use crate::mem;
use crate::obj::{flags, ObjBase, PyResult, Type};
use crate::objs::{int, list, module::Module, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::state;
use crate::value::Value;
use alloc::vec::Vec;

pub const POLLIN: usize = 0x01;
pub const POLLOUT: usize = 0x04;
pub const POLLERR: usize = 0x08;
pub const POLLHUP: usize = 0x10;
pub const POLLNVAL: usize = 0x20;
/// The ioctl request asking a stream which of the given events are ready.
pub const STREAM_POLL: usize = 3;
/// `ipoll(timeout, flags)` flag: an object reported once stops being polled.
const ONE_SHOT: usize = 1;

#[repr(C)]
#[derive(Clone, Copy)]
struct Entry {
    obj: Value,
    /// The file descriptor the port polls, or -1 to poll through the stream ioctl.
    fd: isize,
    events: usize,
    revents: usize,
}

#[repr(C)]
pub struct Poll {
    base: ObjBase,
    entries: *mut Entry,
    len: usize,
    cap: usize,
    /// The one (object, events) tuple `ipoll` hands out for every ready object, so
    /// iterating allocates nothing (as upstream, a caller must not keep it).
    ret: Value,
    /// `ipoll`'s cursor into `entries` and its flags.
    pos: usize,
    iflags: usize,
}

impl Poll {
    fn entries(&self) -> &'static mut [Entry] {
        if self.entries.is_null() {
            return &mut [];
        }
        // SAFETY: `entries` holds `cap >= len` entries, kept alive by this object.
        unsafe { core::slice::from_raw_parts_mut(self.entries, self.len) }
    }

    fn find(&self, obj: Value) -> Option<usize> {
        self.entries().iter().position(|e| e.obj == obj)
    }

    fn push(&mut self, e: Entry) -> PyResult<()> {
        if self.len == self.cap {
            let cap = (self.cap * 2).max(4);
            self.entries = if self.entries.is_null() {
                mem::alloc_array::<Entry>(cap)?
            } else {
                mem::realloc_array(self.entries, cap)?
            };
            self.cap = cap;
        }
        // SAFETY: len < cap after growing.
        unsafe { self.entries.add(self.len).write(e) };
        self.len += 1;
        Ok(())
    }

    fn remove(&mut self, i: usize) {
        let es = self.entries();
        if i < es.len() {
            es.copy_within(i + 1.., i);
            if let Some(last) = es.last_mut() {
                // Drop the stale copy so the collector does not keep the object alive.
                last.obj = Value::NULL;
            }
            self.len -= 1;
            // Unregistering while ipoll's results are being walked must not skip one.
            if i < self.pos {
                self.pos -= 1;
            }
        }
    }
}

fn this(v: Value) -> PyResult<&'static mut Poll> {
    v.downcast(&POLL_TYPE)
        .ok_or_else(|| raise::type_error("expected a poll object"))
}

fn hal() -> PyResult<&'static dyn crate::hal::Hal> {
    state::get()
        .hal
        .ok_or_else(|| raise::runtime_error("no hal"))
}

/// The descriptor the port can poll for `obj`, or -1 if it must be asked via ioctl.
fn fd_of(obj: Value) -> PyResult<isize> {
    if let Some(n) = obj.as_small_int() {
        if obj.is_bool() {
            return Ok(-1);
        }
        if n < 0 {
            return Err(raise::value_error("negative file descriptor"));
        }
        return Ok(n);
    }
    if let Ok((o, s)) = crate::modules::io::stream_of(obj) {
        if let Ok(fd) = (s.ioctl)(o, crate::modules::io::STREAM_GET_FILENO, 0) {
            if fd <= i32::MAX as usize {
                return Ok(fd as isize);
            }
        }
    }
    Ok(-1)
}

/// Ask a stream object which of `events` are ready.
fn poll_ioctl(obj: Value, events: usize) -> PyResult<usize> {
    match crate::modules::io::stream_of(obj) {
        Ok((o, s)) => (s.ioctl)(o, STREAM_POLL, events),
        Err(_) => {
            // Any object with an `ioctl` method will do.
            let f = runtime::load_attr_opt(obj, Q::ioctl)?
                .ok_or_else(|| raise::type_error("object with stream.ioctl required"))?;
            let r = runtime::call(
                f,
                &[
                    Value::small_int(STREAM_POLL as isize),
                    int::from_u64(events as u64)?,
                ],
                &[],
            )?;
            let n = int::get_isize(r)?;
            if n < 0 {
                return Err(raise::os_error(
                    n.unsigned_abs().min(i32::MAX as usize) as i32
                ));
            }
            Ok(n as usize)
        }
    }
}

fn poll_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 0, 0)?;
    new_poll()
}

fn new_poll() -> PyResult<Value> {
    let ret = tuple::new(&[Value::NONE, Value::small_int(0)])?;
    Ok(Value::from_ptr(mem::alloc(Poll {
        base: ObjBase::new(&POLL_TYPE),
        entries: core::ptr::null_mut(),
        len: 0,
        cap: 0,
        ret,
        pos: 0,
        iflags: 0,
    })?))
}

fn events_arg(v: Option<&Value>) -> PyResult<usize> {
    match v {
        Some(v) => Ok(int::get_isize(*v)? as usize),
        None => Ok(POLLIN | POLLOUT),
    }
}

fn register(args: &[Value]) -> PyResult<Value> {
    let p = this(args[0])?;
    let obj = args[1];
    let events = events_arg(args.get(2))?;
    add(p, obj, events)?;
    Ok(Value::NONE)
}

fn add(p: &mut Poll, obj: Value, events: usize) -> PyResult<()> {
    if let Some(i) = p.find(obj) {
        if let Some(e) = p.entries().get_mut(i) {
            e.events = events;
        }
        return Ok(());
    }
    let fd = fd_of(obj)?;
    p.push(Entry {
        obj,
        fd,
        events,
        revents: 0,
    })
}

fn unregister(pv: Value, obj: Value) -> PyResult<Value> {
    let p = this(pv)?;
    if let Some(i) = p.find(obj) {
        p.remove(i);
    }
    Ok(Value::NONE)
}

fn modify(pv: Value, obj: Value, events: Value) -> PyResult<Value> {
    let p = this(pv)?;
    let i = p.find(obj).ok_or_else(|| raise::os_error(2))?;
    if let Some(e) = p.entries().get_mut(i) {
        e.events = int::get_isize(events)? as usize;
    }
    Ok(Value::NONE)
}

/// One pass over every entry, waiting up to `wait_ms` in the OS when all entries are
/// descriptors; the number of entries with events.
fn poll_pass(p: &mut Poll, wait_ms: i32) -> PyResult<usize> {
    let mut fds: Vec<PollFd> = Vec::new();
    let mut others = false;
    for e in p.entries().iter_mut() {
        e.revents = 0;
        if e.fd >= 0 {
            fds.push(PollFd {
                fd: e.fd as i32,
                events: e.events as u16,
                revents: 0,
            });
        } else {
            others = true;
        }
    }
    let mut ready = 0;
    if !fds.is_empty() {
        let wait = if others { 0 } else { wait_ms };
        // Other threads run while this one waits (`fds` is not heap memory).
        let h = hal()?;
        match crate::thread::without_gil(|| h.poll_fds(&mut fds, wait)) {
            Ok(_) => {}
            // A signal: deliver it (a KeyboardInterrupt ends the wait), then report
            // nothing ready for this pass.
            Err(4) => {
                crate::vm::take_pending()?;
                for f in fds.iter_mut() {
                    f.revents = 0;
                }
            }
            Err(e) => return Err(raise::os_error(e)),
        }
        let mut it = fds.iter();
        for e in p.entries().iter_mut().filter(|e| e.fd >= 0) {
            if let Some(f) = it.next() {
                e.revents = f.revents as usize;
            }
        }
    }
    // Entries may be unregistered by an ioctl written in Python; index afresh each time.
    let mut i = 0;
    while let Some(e) = p.entries().get(i).copied() {
        if e.fd < 0 && e.events != 0 {
            let r = poll_ioctl(e.obj, e.events)?;
            if let Some(slot) = p.entries().get_mut(i) {
                if slot.obj == e.obj {
                    slot.revents = r;
                }
            }
        }
        i += 1;
    }
    for e in p.entries().iter() {
        if e.revents != 0 {
            ready += 1;
        }
    }
    Ok(ready)
}

/// Poll until something is ready or `timeout_ms` (negative: no limit) has passed.
fn poll_until(p: &mut Poll, timeout_ms: isize) -> PyResult<usize> {
    let h = hal()?;
    let start = h.ticks_ms();
    loop {
        let elapsed = h.ticks_ms().wrapping_sub(start) as isize;
        let left = if timeout_ms < 0 {
            -1
        } else {
            (timeout_ms - elapsed).max(0)
        };
        let all_fds = p.len > 0 && p.entries().iter().all(|e| e.fd >= 0);
        let n = poll_pass(
            p,
            if all_fds {
                left.min(i32::MAX as isize) as i32
            } else {
                0
            },
        )?;
        if n > 0 || left == 0 {
            return Ok(n);
        }
        if all_fds && timeout_ms >= 0 {
            // The OS waited; go round only to recompute what is left (a signal woke us).
            continue;
        }
        // Objects polled by ioctl (or nothing at all): run pending callbacks, nap, retry.
        crate::vm::take_pending()?;
        let nap = if left < 0 { 1 } else { left.min(1) };
        crate::thread::without_gil(|| h.sleep_us(nap as u64 * 1000));
    }
}

fn timeout_arg(v: Option<&Value>) -> PyResult<isize> {
    match v {
        None => Ok(-1),
        Some(v) if v.is_none() => Ok(-1),
        Some(v) => int::get_isize(*v),
    }
}

fn poll_poll(args: &[Value]) -> PyResult<Value> {
    let p = this(args[0])?;
    let timeout = timeout_arg(args.get(1))?;
    let oneshot = match args.get(2) {
        Some(f) => int::get_isize(*f)? as usize & ONE_SHOT != 0,
        None => false,
    };
    let n = poll_until(p, timeout)?;
    let out = list::with_capacity(n)?;
    for e in p.entries().iter_mut() {
        if e.revents != 0 {
            let t = tuple::new(&[e.obj, Value::small_int(e.revents as isize)])?;
            list::append(out, t)?;
            if oneshot {
                e.events = 0;
            }
        }
    }
    Ok(out)
}

fn poll_ipoll(args: &[Value]) -> PyResult<Value> {
    let p = this(args[0])?;
    let timeout = timeout_arg(args.get(1))?;
    p.iflags = match args.get(2) {
        Some(f) => int::get_isize(*f)? as usize,
        None => 0,
    };
    poll_until(p, timeout)?;
    p.pos = 0;
    Ok(args[0])
}

fn poll_iternext(v: Value) -> PyResult<Option<Value>> {
    let p = this(v)?;
    while let Some(e) = p.entries().get_mut(p.pos) {
        p.pos += 1;
        if e.revents != 0 {
            let r = e.revents;
            e.revents = 0;
            if p.iflags & ONE_SHOT != 0 {
                e.events = 0;
            }
            if let Some([a, b]) = tuple::items(p.ret) {
                *a = e.obj;
                *b = Value::small_int(r as isize);
            }
            return Ok(Some(p.ret));
        }
    }
    Ok(None)
}

static POLL_LOCALS: [(Qstr, Value); 5] = [
    crate::entry!(
        ipoll,
        crate::fun!(
            ipoll,
            Var {
                min: 1,
                max: 3,
                f: poll_ipoll
            }
        )
    ),
    crate::entry!(modify, crate::fun!(modify, F3(modify))),
    crate::entry!(
        poll,
        crate::fun!(
            poll,
            Var {
                min: 1,
                max: 3,
                f: poll_poll
            }
        )
    ),
    crate::entry!(
        register,
        crate::fun!(
            register,
            Var {
                min: 2,
                max: 3,
                f: register
            }
        )
    ),
    crate::entry!(unregister, crate::fun!(unregister, F2(unregister))),
];

pub static POLL_TYPE: Type = Type {
    name: Q::poll,
    flags: flags::ITER_IS_ITERNEXT,
    make_new: Some(poll_new),
    iternext: Some(poll_iternext),
    locals: crate::locals!(&POLL_LOCALS),
    ..Type::EMPTY
};

fn poll_fun() -> PyResult<Value> {
    new_poll()
}

/// `select.select(rlist, wlist, xlist[, timeout])`, the timeout in seconds (None: wait).
fn select(args: &[Value]) -> PyResult<Value> {
    let timeout_ms: isize = match args.get(3) {
        None => -1,
        Some(t) if t.is_none() => -1,
        Some(t) => {
            let s = crate::objs::float::get_f64(*t)?;
            if s < 0.0 {
                -1
            } else {
                (s * 1000.0) as isize
            }
        }
    };
    let pv = new_poll()?;
    let p = this(pv)?;
    let wants = [POLLIN, POLLOUT, POLLERR | POLLHUP];
    for (k, want) in wants.iter().enumerate() {
        let it = runtime::get_iter(args[k])?;
        while let Some(obj) = runtime::iter_next(it)? {
            match p.find(obj) {
                Some(i) => {
                    if let Some(e) = p.entries().get_mut(i) {
                        e.events |= want;
                    }
                }
                None => add(p, obj, *want)?,
            }
        }
    }
    poll_until(p, timeout_ms)?;
    let r = list::new(&[])?;
    let w = list::new(&[])?;
    let x = list::new(&[])?;
    for e in p.entries().iter() {
        if e.revents & e.events & POLLIN != 0 {
            list::append(r, e.obj)?;
        }
        if e.revents & e.events & POLLOUT != 0 {
            list::append(w, e.obj)?;
        }
        if e.revents & !(POLLIN | POLLOUT) != 0 {
            list::append(x, e.obj)?;
        }
    }
    tuple::new(&[r, w, x])
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::select)),
    (
        Q::select,
        crate::fun!(
            select,
            Var {
                min: 3,
                max: 4,
                f: select
            }
        ),
    ),
    (Q::poll, crate::fun!(poll, F0(poll_fun))),
    (Q::POLLIN, Value::small_int(POLLIN as isize)),
    (Q::POLLOUT, Value::small_int(POLLOUT as isize)),
    (Q::POLLERR, Value::small_int(POLLERR as isize)),
    (Q::POLLHUP, Value::small_int(POLLHUP as isize)),
];

pub static MODULE: Module = Module::new_static(Q::select, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::with_vm;

    #[test]
    fn register_modify_unregister() {
        with_vm(|| {
            let pv = new_poll().unwrap();
            let a = crate::objs::str::new("a").unwrap();
            let b = crate::objs::str::new("b").unwrap();
            register(&[pv, a]).unwrap();
            register(&[pv, b, Value::small_int(1)]).unwrap();
            register(&[pv, a, Value::small_int(4)]).unwrap();
            let p = this(pv).unwrap();
            assert_eq!(p.len, 2);
            assert_eq!(p.entries()[0].events, 4);
            modify(pv, b, Value::small_int(5)).unwrap();
            assert_eq!(p.entries()[1].events, 5);
            unregister(pv, a).unwrap();
            assert_eq!(p.len, 1);
            assert!(p.entries()[0].obj == b);
            assert!(modify(pv, a, Value::small_int(1)).is_err());
            // Unregistering behind ipoll's cursor keeps the cursor on the same entry.
            register(&[pv, a]).unwrap();
            p.pos = 2;
            unregister(pv, b).unwrap();
            assert_eq!(p.pos, 1);
            assert!(p.entries()[0].obj == a);
            // Objects without an ioctl cannot be polled.
            assert!(poll_poll(&[pv, Value::small_int(0)]).is_err());
        });
    }

    #[test]
    fn negative_fd_is_a_value_error() {
        with_vm(|| {
            let pv = new_poll().unwrap();
            assert!(register(&[pv, Value::small_int(-1)]).is_err());
            for k in 0..20 {
                register(&[pv, Value::small_int(k)]).unwrap();
            }
            assert_eq!(this(pv).unwrap().len, 20);
        });
    }
}
