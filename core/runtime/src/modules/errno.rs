//! `errno`: error numbers and their names (MicroPython's set, Linux values).

use crate::objs::module::Module;
use crate::qstr::{Qstr, Q};
use crate::value::Value;

macro_rules! errnos {
    ($(($name:path, $n:expr)),* $(,)?) => {
        static GLOBALS: &[(Qstr, Value)] = &[
            (Q::__name__, Value::qstr(Q::errno)),
            crate::entry!(__getattr__, crate::fun!(__getattr__, F1(getattr))),
            $(($name, Value::small_int($n)),)*
        ];
    };
}

/// The (name, number) entries of GLOBALS: the ones after `__name__` and `__getattr__`.
/// Walked as data by `errorcode` and `name_of` (unrolled per errno, they cost 0.6 KB of
/// the firmware's flash).
fn codes() -> &'static [(Qstr, Value)] {
    GLOBALS.get(2..).unwrap_or(&[])
}

/// `errno.errorcode`: a dict from number to name, built on first use.
fn getattr(name: Value) -> crate::obj::PyResult<Value> {
    if name.as_qstr() != Some(Q::errorcode) {
        return Err(crate::raise::attribute_error("no such attribute"));
    }
    let d = crate::objs::dict::new_fixed()?;
    if let Some(m) = crate::objs::dict::map_of(d) {
        for &(q, n) in codes() {
            m.insert(n, Value::qstr(q))?;
        }
    }
    Ok(d)
}

/// The symbolic name of an error number.
pub fn name_of(n: isize) -> Option<&'static str> {
    codes()
        .iter()
        .find(|(_, v)| v.as_small_int() == Some(n))
        .map(|(q, _)| q.as_str())
}

errnos!(
    (Q::EPERM, 1),
    (Q::ENOENT, 2),
    (Q::EIO, 5),
    (Q::EBADF, 9),
    (Q::EAGAIN, 11),
    (Q::ENOMEM, 12),
    (Q::EACCES, 13),
    (Q::EEXIST, 17),
    (Q::ENODEV, 19),
    (Q::EISDIR, 21),
    (Q::EINVAL, 22),
    (Q::ENOSPC, 28),
    (Q::EROFS, 30),
    (Q::EOPNOTSUPP, 95),
    (Q::EADDRINUSE, 98),
    (Q::ECONNABORTED, 103),
    (Q::ECONNRESET, 104),
    (Q::ENOBUFS, 105),
    (Q::ENOTCONN, 107),
    (Q::ETIMEDOUT, 110),
    (Q::ECONNREFUSED, 111),
    (Q::EHOSTUNREACH, 113),
    (Q::EALREADY, 114),
    (Q::EINPROGRESS, 115),
);

pub static MODULE: Module = Module::new_static(Q::errno, crate::locals!(GLOBALS));
