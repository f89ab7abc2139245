//! Constructors for the exceptions the runtime raises, named like upstream's raisers
//! (`mp_raise_TypeError` -> `raise::type_error`). All are `#[cold]`; each returns the
//! [`PyErr`] for the caller to `Err(...)`. If the exception itself cannot be allocated, the
//! static MemoryError is returned instead, so raising never fails.

use crate::obj::{PyErr, Type};
use crate::objs::exception as exc;
use crate::value::Value;
use core::fmt::Write;

/// A fixed buffer for formatting messages without the heap; long messages are truncated.
struct MsgBuf {
    buf: [u8; 256],
    len: usize,
}

impl Write for MsgBuf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        // The longest run of whole characters that fits.
        let mut n = s.len().min(self.buf.len() - self.len);
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        if let (Some(dst), Some(src)) = (self.buf.get_mut(self.len..self.len + n), s.get(..n)) {
            dst.copy_from_slice(src.as_bytes());
            self.len += n;
        }
        Ok(())
    }
}

fn static_memory_error() -> PyErr {
    PyErr(Value::from_static(&exc::MEMORY_ERROR_OBJ))
}

/// An exception of type `ty` with a single str argument.
#[cold]
pub fn msg(ty: &'static Type, msg: &str) -> PyErr {
    let Ok(s) = crate::objs::str::new(msg) else {
        return exc::emergency(ty, Some(msg)).unwrap_or_else(static_memory_error);
    };
    match exc::new(ty, &[s]) {
        Ok(e) => PyErr(e),
        Err(e) => e,
    }
}

/// An exception of type `ty` with a formatted message.
#[cold]
pub fn msg_fmt(ty: &'static Type, args: core::fmt::Arguments) -> PyErr {
    let mut b = MsgBuf {
        buf: [0; 256],
        len: 0,
    };
    let _ = b.write_fmt(args);
    let text = core::str::from_utf8(&b.buf[..b.len]).unwrap_or("");
    msg(ty, text)
}

/// An exception of type `ty` with the given args (e.g. `KeyError(key)`).
#[cold]
pub fn with_args(ty: &'static Type, args: &[Value]) -> PyErr {
    match exc::new(ty, args) {
        Ok(e) => PyErr(e),
        Err(e) => e,
    }
}

macro_rules! raisers {
    ($(($plain:ident, $fmt:ident, $ty:expr)),* $(,)?) => {$(
        #[cold]
        pub fn $plain(m: &str) -> PyErr { msg(&$ty, m) }
        #[cold]
        pub fn $fmt(args: core::fmt::Arguments) -> PyErr { msg_fmt(&$ty, args) }
    )*};
}

raisers!(
    (type_error, type_error_fmt, exc::TYPE_ERROR),
    (value_error, value_error_fmt, exc::VALUE_ERROR),
    (index_error, index_error_fmt, exc::INDEX_ERROR),
    (attribute_error, attribute_error_fmt, exc::ATTRIBUTE_ERROR),
    (name_error, name_error_fmt, exc::NAME_ERROR),
    (overflow_error, overflow_error_fmt, exc::OVERFLOW_ERROR),
    (
        zero_division_error,
        zero_division_error_fmt,
        exc::ZERO_DIVISION_ERROR
    ),
    (runtime_error, runtime_error_fmt, exc::RUNTIME_ERROR),
    (
        not_implemented_error,
        not_implemented_error_fmt,
        exc::NOT_IMPLEMENTED_ERROR
    ),
    (import_error, import_error_fmt, exc::IMPORT_ERROR),
    (assertion_error, assertion_error_fmt, exc::ASSERTION_ERROR),
    (eof_error, eof_error_fmt, exc::EOF_ERROR),
    (unicode_error, unicode_error_fmt, exc::UNICODE_ERROR),
);

#[cold]
pub fn key_error(key: Value) -> PyErr {
    with_args(&exc::KEY_ERROR, &[key])
}

#[cold]
pub fn stop_iteration(value: Value) -> PyErr {
    if value.is_none() {
        with_args(&exc::STOP_ITERATION, &[])
    } else {
        with_args(&exc::STOP_ITERATION, &[value])
    }
}

/// `OSError(errno)`.
#[cold]
pub fn os_error(errno: i32) -> PyErr {
    with_args(&exc::OS_ERROR, &[Value::small_int(errno as isize)])
}

/// MemoryError for a failed allocation of `n` bytes. Tries to say how much was asked for,
/// like upstream; falls back to the static instance.
#[cold]
pub fn memory_error(n: usize) -> PyErr {
    let st = crate::state::get();
    if st.heap.is_locked() {
        return exc::emergency(
            &exc::MEMORY_ERROR,
            Some("memory allocation failed, heap is locked"),
        )
        .unwrap_or_else(static_memory_error);
    }
    if n == 0 {
        // The size is unknown (a failure reported from deep inside a helper): say no more
        // than upstream's bare `MemoryError`.
        return exc::emergency(&exc::MEMORY_ERROR, None).unwrap_or_else(static_memory_error);
    }
    // Formatting needs no heap; the exception itself usually comes from the emergency
    // object, since the heap just ran out.
    let mut b = MsgBuf {
        buf: [0; 256],
        len: 0,
    };
    let _ = b.write_fmt(format_args!(
        "memory allocation failed, allocating {} bytes",
        n
    ));
    let text = core::str::from_utf8(&b.buf[..b.len]).unwrap_or("");
    exc::emergency(&exc::MEMORY_ERROR, Some(text)).unwrap_or_else(static_memory_error)
}

/// `TypeError: 'T' object <what>` (isn't callable, isn't iterable, ...): one copy of the
/// formatting for the many sites that name an object's type.
#[cold]
#[inline(never)]
pub fn type_error_obj(ty: &crate::obj::Type, what: &str) -> PyErr {
    type_error_fmt(format_args!("'{}' object {}", ty.name.as_str(), what))
}

/// `AttributeError: 'T' object has no attribute 'name'`, shared by every lookup that fails.
#[cold]
#[inline(never)]
pub fn no_attribute(ty: &crate::obj::Type, name: crate::qstr::Qstr) -> PyErr {
    attribute_error_fmt(format_args!(
        "'{}' object has no attribute '{}'",
        ty.name.as_str(),
        name.as_str()
    ))
}

/// `TypeError: cannot create 'T' instances`.
#[cold]
#[inline(never)]
pub fn cannot_create(ty: &crate::obj::Type) -> PyErr {
    type_error_fmt(format_args!(
        "cannot create '{}' instances",
        ty.name.as_str()
    ))
}

/// `TypeError: unsupported types for __op__: 'a', 'b'`.
#[cold]
pub fn unsupported_binary(op: u8, a: Value, b: Value) -> PyErr {
    type_error_fmt(format_args!(
        "unsupported types for {}: '{}', '{}'",
        crate::runtime::binary_op_name(op),
        a.type_of().name.as_str(),
        b.type_of().name.as_str()
    ))
}
