//! `micropython.RingIO`: a byte ring buffer with the stream interface (upstream's
//! py/objringio.c over py/ringbuf.c). The storage is a bytearray the object makes for
//! `RingIO(size)`, or the caller's writable buffer for `RingIO(buffer)`; one byte of it is
//! kept free to tell full from empty, and indices are 16-bit as upstream's.

use crate::modules::io::{self as sio, methods as m};
use crate::obj::{BufferAccess, ObjBase, Print, PrintKind, PyResult, Stream, Type};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;

#[repr(C)]
pub struct RingIO {
    base: ObjBase,
    /// The caller's buffer object (NULL when the storage is our own heap array); `data`
    /// points into it, and both words keep the storage alive.
    store: Value,
    data: *mut u8,
    /// Storage length (capacity + 1).
    size: usize,
    get: usize,
    put: usize,
}

fn this(v: Value) -> PyResult<&'static mut RingIO> {
    v.downcast(&TYPE)
        .ok_or_else(|| raise::type_error("expected RingIO"))
}

impl RingIO {
    fn avail(&self) -> usize {
        (self.put + self.size - self.get) % self.size
    }

    fn free(&self) -> usize {
        self.size - 1 - self.avail()
    }
}

fn make_new(_ty: &'static Type, args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    let [arg] = args else {
        return Err(raise::type_error("function takes 1 positional arguments"));
    };
    let (store, data, size) = if crate::objs::int::is_int(*arg) && !arg.is_bool() {
        let n = arg.as_small_int().unwrap_or(isize::MAX);
        if !(1..=65534).contains(&n) {
            return Err(raise::value_error("invalid size"));
        }
        let n = n as usize + 1;
        (Value::NULL, crate::mem::alloc_array::<u8>(n)?, n)
    } else {
        let b = arg
            .type_of()
            .buffer()
            .and_then(|f| f(*arg, BufferAccess::Write))
            .ok_or_else(|| raise::type_error("object with buffer protocol required"))?;
        if !(2..=65535).contains(&b.len) {
            return Err(raise::value_error("invalid size"));
        }
        (*arg, b.ptr, b.len)
    };
    Ok(Value::from_ptr(crate::mem::alloc(RingIO {
        base: ObjBase::new(&TYPE),
        store,
        data,
        size,
        get: 0,
        put: 0,
    })?))
}

fn print(out: &mut dyn Print, _v: Value, _k: PrintKind) -> PyResult<()> {
    out.write_str("<RingIO>")
}

fn stream_read(v: Value, buf: &mut [u8]) -> PyResult<usize> {
    let r = this(v)?;
    let n = buf.len().min(r.avail());
    for b in buf.iter_mut().take(n) {
        // SAFETY: get < size, inside the storage.
        *b = unsafe { *r.data.add(r.get) };
        r.get = (r.get + 1) % r.size;
    }
    Ok(n)
}

fn stream_write(v: Value, buf: &[u8]) -> PyResult<usize> {
    let r = this(v)?;
    let n = buf.len().min(r.free());
    for &b in buf.iter().take(n) {
        // SAFETY: put < size, inside the storage.
        unsafe { *r.data.add(r.put) = b };
        r.put = (r.put + 1) % r.size;
    }
    Ok(n)
}

/// MicroPython's poll request and flags (py/stream.h).
const STREAM_POLL: usize = 3;
const POLL_RD: usize = 0x1;
const POLL_WR: usize = 0x4;

fn stream_ioctl(v: Value, request: usize, arg: usize) -> PyResult<usize> {
    let r = this(v)?;
    match sio::split_request(request) {
        (STREAM_POLL, _) => {
            let mut ready = 0;
            if arg & POLL_RD != 0 && r.avail() > 0 {
                ready |= POLL_RD;
            }
            if arg & POLL_WR != 0 && r.free() > 0 {
                ready |= POLL_WR;
            }
            Ok(ready)
        }
        (sio::STREAM_FLUSH, _) | (sio::STREAM_CLOSE, _) => Ok(0),
        _ => Err(raise::os_error(sio::EINVAL)),
    }
}

/// `any()`: bytes waiting to be read.
fn any(v: Value) -> PyResult<Value> {
    Ok(Value::small_int(this(v)?.avail() as isize))
}

static LOCALS: [(Qstr, Value); 6] = [
    crate::entry!(any, crate::fun!(any, F1(any))),
    (Q::close, m::CLOSE),
    (Q::read, m::READ),
    (Q::readinto, m::READINTO),
    (Q::readline, m::READLINE),
    (Q::write, m::WRITE),
];

static STREAM: Stream = Stream {
    read: stream_read,
    write: stream_write,
    ioctl: stream_ioctl,
    is_text: false,
};

pub static TYPE: Type = Type {
    name: Q::RingIO,
    make_new: Some(make_new),
    print: Some(print),
    ext: &crate::obj::TypeExt::stream(&STREAM),
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};
