//! The built-in modules, one file each, and the registry `import` consults. A module is a
//! static [`Module`](crate::objs::module::Module) with a static globals table: no RAM and
//! no start-up work. Adding a module: one file and one line in `BUILTIN` (or `EXTENSIBLE`
//! if files on sys.path may shadow it, as MicroPython's `MP_REGISTER_EXTENSIBLE_MODULE`).

pub mod array;
#[cfg(feature = "asyncio")]
pub mod asyncio;
pub mod binascii;
pub mod builtins;
pub mod cmath;
pub mod collections;
#[cfg(feature = "cryptolib")]
pub mod cryptolib;
#[cfg(feature = "deflate")]
pub mod deflate;
pub mod errno;
#[cfg(feature = "framebuf")]
pub mod framebuf;
pub mod gc;
#[cfg(feature = "hashlib")]
pub mod hashlib;
pub mod heapq;
pub mod io;
pub mod json;
#[cfg(feature = "machine")]
pub mod machine;
#[cfg(feature = "marshal")]
pub mod marshal;
pub mod math;
pub mod micropython;
pub mod os;
pub mod platform;
pub mod random;
pub mod re;
#[cfg(feature = "select")]
pub mod select;
pub mod struct_;
pub mod sys;
#[cfg(feature = "thread")]
pub mod thread;
pub mod time;
#[cfg(feature = "uctypes")]
pub mod uctypes;
pub mod vfs;
#[cfg(feature = "vfs_fat")]
pub mod vfs_fat;
#[cfg(feature = "vfs_lfs")]
pub mod vfs_lfs;
#[cfg(feature = "websocket")]
pub mod websocket;

use crate::qstr::{Qstr, Q};
use crate::value::Value;

/// Modules found before sys.path is searched.
static BUILTIN: &[(Qstr, &crate::objs::module::Module)] = &[
    #[cfg(feature = "asyncio")]
    (Q::_asyncio, &asyncio::MODULE),
    (Q::builtins, &builtins::MODULE),
    (Q::cmath, &cmath::MODULE),
    #[cfg(feature = "deflate")]
    (Q::deflate, &deflate::MODULE),
    #[cfg(feature = "framebuf")]
    (Q::framebuf, &framebuf::MODULE),
    (Q::gc, &gc::MODULE),
    #[cfg(feature = "marshal")]
    (Q::marshal, &marshal::MODULE),
    (Q::math, &math::MODULE),
    (Q::micropython, &micropython::MODULE),
    (Q::sys, &sys::MODULE),
    #[cfg(feature = "uctypes")]
    (Q::uctypes, &uctypes::MODULE),
    #[cfg(feature = "thread")]
    (Q::_thread, &thread::MODULE),
    (Q::vfs, &vfs::MODULE),
    #[cfg(feature = "websocket")]
    (Q::websocket, &websocket::MODULE),
];

/// Modules found only when no file of that name is on sys.path.
static EXTENSIBLE: &[(Qstr, &crate::objs::module::Module)] = &[
    (Q::array, &array::MODULE),
    (Q::binascii, &binascii::MODULE),
    (Q::collections, &collections::MODULE),
    #[cfg(feature = "cryptolib")]
    (Q::cryptolib, &cryptolib::MODULE),
    (Q::errno, &errno::MODULE),
    #[cfg(feature = "hashlib")]
    (Q::hashlib, &hashlib::MODULE),
    (Q::heapq, &heapq::MODULE),
    (Q::io, &io::MODULE),
    (Q::json, &json::MODULE),
    #[cfg(feature = "machine")]
    (Q::machine, &machine::MODULE),
    (Q::os, &os::MODULE),
    (Q::platform, &platform::MODULE),
    (Q::random, &random::MODULE),
    (Q::re, &re::MODULE),
    #[cfg(feature = "select")]
    (Q::select, &select::MODULE),
    (Q::r#struct, &struct_::MODULE),
    (Q::time, &time::MODULE),
];

pub fn find_builtin(name: Qstr) -> Option<Value> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, m)| Value::from_static(*m))
}

/// The port's own modules (see `Hal::modules`).
fn port_modules() -> &'static [(Qstr, &'static crate::objs::module::Module)] {
    crate::state::get().hal.map_or(&[], |h| h.modules())
}

pub fn find_builtin_extensible(name: Qstr) -> Option<Value> {
    let base = name.as_str().strip_prefix('u').and_then(Qstr::find);
    port_modules()
        .iter()
        .chain(EXTENSIBLE.iter())
        .find(|(n, _)| *n == name || Some(*n) == base)
        .map(|(_, m)| Value::from_static(*m))
}

/// Names of every built-in module (for `help('modules')`).
pub fn names() -> impl Iterator<Item = Qstr> {
    BUILTIN
        .iter()
        .chain(EXTENSIBLE.iter())
        .chain(port_modules().iter())
        .map(|(n, _)| *n)
}
