//! `os`: the file system (through the mount table of `modules/vfs.rs`, whose `/` is the
//! port's own file system), `urandom`, and the process environment `getenv`/`putenv`/
//! `unsetenv`/`system` (upstream's extmod/modos.c, extmod/vfs.c and ports/unix/modos.c).
//! Failures raise `OSError(errno)` with the port's error numbers.

#[cfg(feature = "os_unix")]
use crate::hal::Hal;
use crate::modules::vfs;
use crate::obj::PyResult;
use crate::objs::{list, module::Module};
#[cfg(feature = "os_unix")]
use crate::objs::{int, str as pystr};
use crate::qstr::{Qstr, Q};
#[cfg(feature = "os_unix")]
use crate::raise;
#[cfg(feature = "os_unix")]
use crate::state;
use crate::value::Value;
#[cfg(feature = "os_unix")]
use alloc::vec::Vec;

#[cfg(feature = "os_unix")]
fn hal() -> PyResult<&'static dyn Hal> {
    state::get()
        .hal
        .ok_or_else(|| raise::os_error(crate::hal::errno::EOPNOTSUPP))
}

#[cfg(feature = "os_unix")]
fn str_arg(v: Value) -> PyResult<&'static str> {
    pystr::as_str(v).ok_or_else(|| pystr::bad_implicit_conversion(v))
}

#[cfg(feature = "os_unix")]
fn check(r: Result<(), i32>) -> PyResult<Value> {
    r.map_err(raise::os_error)?;
    Ok(Value::NONE)
}

fn getcwd() -> PyResult<Value> {
    vfs::getcwd()
}

fn chdir(p: Value) -> PyResult<Value> {
    vfs::chdir(p)?;
    Ok(Value::NONE)
}

fn mkdir(p: Value) -> PyResult<Value> {
    vfs::mkdir(p)?;
    Ok(Value::NONE)
}

fn rmdir(p: Value) -> PyResult<Value> {
    vfs::path_call(p, Q::rmdir)?;
    Ok(Value::NONE)
}

fn remove(p: Value) -> PyResult<Value> {
    vfs::path_call(p, Q::remove)?;
    Ok(Value::NONE)
}

fn rename(a: Value, b: Value) -> PyResult<Value> {
    vfs::rename(a, b)?;
    Ok(Value::NONE)
}

fn statvfs(p: Value) -> PyResult<Value> {
    vfs::statvfs(p)
}

fn stat(p: Value) -> PyResult<Value> {
    vfs::stat(p)
}

fn ilistdir(args: &[Value]) -> PyResult<Value> {
    vfs::ilistdir(args.first().copied().unwrap_or(Value::qstr(Q::_empty_)))
}

fn listdir(args: &[Value]) -> PyResult<Value> {
    let it = ilistdir(args)?;
    let out = list::new(&[])?;
    let it = crate::runtime::get_iter(it)?;
    while let Some(entry) = crate::runtime::iter_next(it)? {
        let name = crate::runtime::subscr(entry, Value::small_int(0))?;
        list::append(out, name)?;
    }
    Ok(out)
}

#[cfg(feature = "os_unix")]
fn urandom(n: Value) -> PyResult<Value> {
    let n = int::get_isize(n)?;
    if n < 0 {
        return Err(raise::value_error("negative count"));
    }
    let mut buf = crate::vstr::VStr::with_capacity(n as usize)?;
    let mut chunk = [0u8; 64];
    let mut left = n as usize;
    let h = hal()?;
    while left > 0 {
        let k = left.min(chunk.len());
        h.random(&mut chunk[..k]);
        buf.push_bytes(&chunk[..k])?;
        left -= k;
    }
    pystr::new_bytes(buf.as_bytes())
}

#[cfg(feature = "os_unix")]
fn getenv(args: &[Value]) -> PyResult<Value> {
    let name = str_arg(args[0])?;
    let mut out = Vec::new();
    if hal()?.getenv(name, &mut out) {
        match core::str::from_utf8(&out) {
            Ok(s) => pystr::new(s),
            Err(_) => pystr::new_bytes(&out),
        }
    } else {
        Ok(args.get(1).copied().unwrap_or(Value::NONE))
    }
}

#[cfg(feature = "os_unix")]
fn putenv(k: Value, v: Value) -> PyResult<Value> {
    check(hal()?.putenv(str_arg(k)?, str_arg(v)?))
}

#[cfg(feature = "os_unix")]
fn unsetenv(k: Value) -> PyResult<Value> {
    check(hal()?.unsetenv(str_arg(k)?))
}

#[cfg(feature = "os_unix")]
fn system(cmd: Value) -> PyResult<Value> {
    let r = hal()?.system(str_arg(cmd)?).map_err(raise::os_error)?;
    Ok(Value::small_int(r as isize))
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::os)),
    crate::entry!(remove, crate::fun!(remove, F1(remove))),
    (Q::sep, Value::qstr(Q::_slash_)),
    crate::entry!(chdir, crate::fun!(chdir, F1(chdir))),
    crate::entry!(getcwd, crate::fun!(getcwd, F0(getcwd))),
    #[cfg(feature = "os_unix")]
    crate::entry!(
        getenv,
        crate::fun!(
            getenv,
            Var {
                min: 1,
                max: 2,
                f: getenv
            }
        )
    ),
    crate::entry!(
        ilistdir,
        crate::fun!(
            ilistdir,
            Var {
                min: 0,
                max: 1,
                f: ilistdir
            }
        )
    ),
    crate::entry!(
        listdir,
        crate::fun!(
            listdir,
            Var {
                min: 0,
                max: 1,
                f: listdir
            }
        )
    ),
    crate::entry!(mkdir, crate::fun!(mkdir, F1(mkdir))),
    (Q::mount, vfs::MOUNT),
    #[cfg(feature = "os_unix")]
    crate::entry!(putenv, crate::fun!(putenv, F2(putenv))),
    crate::entry!(rename, crate::fun!(rename, F2(rename))),
    crate::entry!(rmdir, crate::fun!(rmdir, F1(rmdir))),
    crate::entry!(stat, crate::fun!(stat, F1(stat))),
    crate::entry!(statvfs, crate::fun!(statvfs, F1(statvfs))),
    #[cfg(feature = "os_unix")]
    crate::entry!(system, crate::fun!(system, F1(system))),
    (Q::umount, vfs::UMOUNT),
    crate::entry!(unlink, crate::fun!(unlink, F1(remove))),
    #[cfg(feature = "os_unix")]
    crate::entry!(unsetenv, crate::fun!(unsetenv, F1(unsetenv))),
    #[cfg(feature = "os_unix")]
    crate::entry!(urandom, crate::fun!(urandom, F1(urandom))),
    #[cfg(feature = "vfs_posix")]
    (Q::VfsPosix, Value::from_static(&vfs::VFS_POSIX_TYPE)),
];

pub static MODULE: Module = Module::new_static(Q::os, GLOBALS);
