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
        /// `errno.errorcode`: a dict from number to name, built on first use.
        fn getattr(name: Value) -> crate::obj::PyResult<Value> {
            if name.as_qstr() != Some(Q::errorcode) {
                return Err(crate::raise::attribute_error("no such attribute"));
            }
            let d = crate::objs::dict::new_fixed()?;
            if let Some(m) = crate::objs::dict::map_of(d) {
                $(m.insert(Value::small_int($n), Value::qstr($name))?;)*
            }
            Ok(d)
        }
        /// The symbolic name of an error number.
        pub fn name_of(n: isize) -> Option<&'static str> {
            match n {
                $($n => Some($name.as_str()),)*
                _ => None,
            }
        }
    };
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

pub static MODULE: Module = Module::new_static(Q::errno, GLOBALS);
