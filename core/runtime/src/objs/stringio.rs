//! `io.StringIO` and `io.BytesIO`: in-memory streams over a growable byte buffer in the GC
//! heap (MicroPython's py/objstringio.c). Both share one layout; the type says whether
//! reads produce str or bytes. The methods are the shared stream methods of `modules/io`.

use crate::mem;
use crate::modules::io::{self as sio, methods as m};
use crate::obj::{flags, ObjBase, Print, PrintKind, PyResult, Stream, Type};
use crate::objs::bytearray::ByteArray;
use crate::objs::str as pystr;
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;

#[repr(C)]
pub struct StringIO {
    /// The bytes, grown as a bytearray's (its `data` NULL when empty or closed).
    store: ByteArray,
    pos: usize,
    closed: bool,
    /// `buf` points into the immutable str/bytes the stream was made from (no copy until
    /// the first write, as upstream); the pointer also keeps that object alive.
    borrowed: bool,
}

fn get(v: Value) -> Option<&'static mut StringIO> {
    let ty = v.type_of();
    if core::ptr::eq(ty, &STRINGIO_TYPE) || core::ptr::eq(ty, &BYTESIO_TYPE) {
        // SAFETY: both types use the StringIO layout.
        Some(unsafe { v.downcast_unchecked() })
    } else {
        None
    }
}

fn get_open(v: Value) -> PyResult<&'static mut StringIO> {
    let o = get(v).ok_or_else(|| raise::type_error("expected StringIO"))?;
    if o.closed {
        return Err(sio::closed_error());
    }
    Ok(o)
}

impl StringIO {
    fn bytes(&self) -> &'static [u8] {
        let (buf, len) = (self.store.data, self.store.len);
        if buf.is_null() || len == 0 {
            return &[];
        }
        // SAFETY: buf holds `len` initialised bytes, kept alive through this object (a
        // borrowed str/bytes is only ever read).
        unsafe { core::slice::from_raw_parts(buf, len) }
    }

    /// Room for `need` bytes in all.
    fn reserve(&mut self, need: usize) -> PyResult<()> {
        if self.borrowed {
            // No room of our own yet: growing copies the borrowed bytes into a new buffer.
            self.store.cap = 0;
            self.borrowed = false;
        }
        self.store.reserve(need.saturating_sub(self.store.len))
    }

    fn write(&mut self, data: &[u8]) -> PyResult<usize> {
        let end = self
            .pos
            .checked_add(data.len())
            .ok_or_else(|| raise::os_error(27))?;
        self.reserve(end)?;
        let (buf, len) = (self.store.data, self.store.len);
        // SAFETY: reserve made `cap >= end` bytes available at buf; the hole between the
        // old end and a position sought past it is zeroed first, as upstream does.
        unsafe {
            if self.pos > len {
                core::ptr::write_bytes(buf.add(len), 0, self.pos - len);
            }
            core::ptr::copy_nonoverlapping(data.as_ptr(), buf.add(self.pos), data.len());
        }
        self.pos = end;
        self.store.len = len.max(end);
        Ok(data.len())
    }
}

/// A new empty stream of type `ty` (StringIO or BytesIO).
pub fn new(ty: &'static Type, initial: &[u8]) -> PyResult<Value> {
    let p = mem::alloc(StringIO {
        store: ByteArray {
            base: ObjBase::new(ty),
            len: 0,
            cap: 0,
            data: core::ptr::null_mut(),
        },
        pos: 0,
        closed: false,
        borrowed: false,
    })?;
    // SAFETY: just allocated and initialised.
    let o = unsafe { &mut *p };
    if !initial.is_empty() {
        o.write(initial)?;
        o.pos = 0;
    }
    Ok(Value::from_ptr(p))
}

/// The current contents (for callers that collect output, e.g. tests and `print(file=)`).
pub fn contents(v: Value) -> Option<&'static [u8]> {
    get(v).map(|o| o.bytes())
}

// --- slots ---

fn make_new(ty: &'static Type, args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    match args {
        [] => new(ty, &[]),
        [a] => {
            if crate::objs::int::is_int(*a) && !a.is_bool() {
                // An int is a capacity hint (MicroPython extension).
                let v = new(ty, &[])?;
                if let (Some(o), Some(n)) = (get(v), a.as_small_int()) {
                    o.reserve((n.max(0) as usize).min(1 << 20))?;
                }
                return Ok(v);
            }
            if pystr::is_str(*a) || pystr::is_bytes(*a) {
                // Immutable: read it in place until the stream is written to.
                let data = pystr::as_bytes(*a).unwrap_or(&[]);
                let v = new(ty, &[])?;
                if let Some(o) = get(v) {
                    if !data.is_empty() {
                        o.store.data = data.as_ptr() as *mut u8;
                        o.store.len = data.len();
                        o.store.cap = data.len();
                        o.borrowed = true;
                    }
                }
                return Ok(v);
            }
            new(ty, pystr::buffer_bytes_raise(*a)?)
        }
        _ => Err(crate::objs::list::too_many_args(1, args.len())),
    }
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let name = if v.type_of().is_type_of(&STRINGIO_TYPE) {
        "StringIO"
    } else {
        "BytesIO"
    };
    out.write_str("<io.")?;
    out.write_str(name)?;
    out.write_str(" 0x")?;
    crate::objs::str::print_hex(out, v.bits())?;
    out.write_str(">")
}

fn stream_read(v: Value, buf: &mut [u8]) -> PyResult<usize> {
    let o = get_open(v)?;
    let data = o.bytes();
    if o.pos >= data.len() {
        return Ok(0);
    }
    let n = buf.len().min(data.len() - o.pos);
    buf[..n].copy_from_slice(&data[o.pos..o.pos + n]);
    o.pos += n;
    Ok(n)
}

fn stream_write(v: Value, buf: &[u8]) -> PyResult<usize> {
    get_open(v)?.write(buf)
}

fn stream_ioctl(v: Value, request: usize, arg: usize) -> PyResult<usize> {
    let o = get(v).ok_or_else(|| raise::type_error("expected StringIO"))?;
    match sio::split_request(request) {
        (sio::STREAM_SEEK, whence) => {
            let offset = arg as isize;
            let base = match whence {
                sio::SEEK_CUR => o.pos,
                sio::SEEK_END => o.store.len,
                _ => 0,
            };
            let new = if offset < 0 {
                // Before the start: CPython clamps to 0 for relative seeks.
                base.saturating_sub(offset.unsigned_abs())
            } else {
                base.checked_add(offset as usize)
                    .ok_or_else(|| raise::os_error(sio::EINVAL))?
            };
            o.pos = new;
            Ok(new)
        }
        (sio::STREAM_FLUSH, _) => Ok(0),
        (sio::STREAM_CLOSE, _) => {
            if !o.store.data.is_null() && !o.borrowed {
                mem::free(o.store.data);
            }
            o.borrowed = false;
            o.store.data = core::ptr::null_mut();
            o.store.len = 0;
            o.store.cap = 0;
            o.pos = 0;
            o.closed = true;
            Ok(0)
        }
        _ => Err(raise::os_error(sio::EINVAL)),
    }
}

// --- methods ---

fn getvalue(v: Value) -> PyResult<Value> {
    let o = get_open(v)?;
    if v.type_of().is_type_of(&STRINGIO_TYPE) {
        match core::str::from_utf8(o.bytes()) {
            Ok(s) => pystr::new(s),
            Err(_) => Err(raise::unicode_error("")),
        }
    } else {
        pystr::new_bytes(o.bytes())
    }
}

static LOCALS: [(Qstr, Value); 11] = [
    (Q::__enter__, m::ENTER),
    (Q::__exit__, m::EXIT),
    (Q::close, m::CLOSE),
    (Q::read, m::READ),
    (Q::readinto, m::READINTO),
    (Q::readline, m::READLINE),
    (Q::write, m::WRITE),
    (Q::flush, m::FLUSH),
    crate::entry!(getvalue, crate::fun!(getvalue, F1(getvalue))),
    (Q::seek, m::SEEK),
    (Q::tell, m::TELL),
];

static STRING_STREAM: Stream = Stream {
    read: stream_read,
    write: stream_write,
    ioctl: stream_ioctl,
    is_text: true,
};

static BYTES_STREAM: Stream = Stream {
    read: stream_read,
    write: stream_write,
    ioctl: stream_ioctl,
    is_text: false,
};

pub static STRINGIO_TYPE: Type = Type {
    name: Q::StringIO,
    flags: flags::ITER_IS_ITERNEXT | flags::BASETYPE,
    make_new: Some(make_new),
    print: Some(print),
    iternext: Some(sio::iternext),
    stream: Some(&STRING_STREAM),
    locals: &LOCALS,
    ..Type::EMPTY
};

pub static BYTESIO_TYPE: Type = Type {
    name: Q::BytesIO,
    flags: flags::ITER_IS_ITERNEXT | flags::BASETYPE,
    make_new: Some(make_new),
    print: Some(print),
    iternext: Some(sio::iternext),
    stream: Some(&BYTES_STREAM),
    locals: &LOCALS,
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::modules::io;
    use crate::state::testing::with_vm;

    fn text(v: Value) -> std::string::String {
        std::string::String::from_utf8_lossy(pystr::as_bytes(v).unwrap_or(b"?")).into_owned()
    }

    #[test]
    fn write_read_seek() {
        with_vm(|| {
            let s = new(&STRINGIO_TYPE, b"0123456789").unwrap();
            assert_eq!(text(io::read(&[s, Value::small_int(3)]).unwrap()), "012");
            io::write(&[s, pystr::new("ab").unwrap()]).unwrap();
            assert_eq!(text(getvalue(s).unwrap()), "012ab56789");
            assert_eq!(io::tell(s).unwrap(), Value::small_int(5));
            let end = io::seek(&[s, Value::small_int(0), Value::small_int(2)]).unwrap();
            assert_eq!(end, Value::small_int(10));
            assert!(io::seek(&[s, Value::small_int(-1)]).is_err());
            io::seek(&[s, Value::small_int(12)]).unwrap();
            io::write(&[s, pystr::new("z").unwrap()]).unwrap();
            assert_eq!(contents(s).unwrap(), b"012ab56789\x00\x00z".as_slice());
        });
    }

    #[test]
    fn text_reads_count_characters() {
        with_vm(|| {
            let s = new(&STRINGIO_TYPE, "h\u{e9}\u{20ac}x\n\u{1f600}".as_bytes()).unwrap();
            assert_eq!(
                text(io::read(&[s, Value::small_int(3)]).unwrap()),
                "h\u{e9}\u{20ac}"
            );
            assert_eq!(text(io::readline(&[s]).unwrap()), "x\n");
            assert_eq!(
                text(io::read(&[s, Value::small_int(5)]).unwrap()),
                "\u{1f600}"
            );
            assert_eq!(text(io::read(&[s]).unwrap()), "");
        });
    }

    #[test]
    fn bytes_lines_and_close() {
        with_vm(|| {
            let b = new(&BYTESIO_TYPE, b"a\nbc\n\nd").unwrap();
            let mut lines = std::vec::Vec::new();
            while let Some(l) = io::iternext(b).unwrap() {
                assert!(pystr::is_bytes(l));
                lines.push(text(l));
            }
            assert_eq!(lines, ["a\n", "bc\n", "\n", "d"]);
            io::close(b).unwrap();
            assert!(io::read(&[b]).is_err());
            assert!(getvalue(b).is_err());
            io::close(b).unwrap();
        });
    }
}
