//! `os`: the file system (through the mount table of `modules/vfs.rs`, whose `/` is the
//! port's own file system), `urandom`, and the process environment `getenv`/`putenv`/
//! `unsetenv`/`system` (upstream's extmod/modos.c, extmod/vfs.c and ports/unix/modos.c).
//! Failures raise `OSError(errno)` with the port's error numbers. Also the directory
//! listing and stat of the port's file system that `VfsPosix` uses.

use crate::hal::Hal;
use crate::modules::vfs;
use crate::obj::{ObjBase, PyResult, Type};
use crate::objs::{int, list, module::Module, str as pystr, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::state;
use crate::value::Value;
use alloc::vec::Vec;

fn hal() -> PyResult<&'static dyn Hal> {
    state::get()
        .hal
        .ok_or_else(|| raise::os_error(crate::hal::errno::EOPNOTSUPP))
}

fn str_arg(v: Value) -> PyResult<&'static str> {
    pystr::as_str(v).ok_or_else(|| pystr::bad_implicit_conversion(v))
}

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

/// `os.stat` of a path on the port's file system.
pub fn stat_native(path: &str) -> PyResult<Value> {
    let s = hal()?.stat_path(path).map_err(raise::os_error)?;
    let mut items = [Value::small_int(s.mode as isize); 10];
    let counts = [s.ino, s.dev, s.nlink, s.uid as u64, s.gid as u64, s.size];
    for (slot, n) in items[1..7].iter_mut().zip(counts) {
        *slot = int::from_u64(n)?;
    }
    for (slot, t) in items[7..].iter_mut().zip([s.atime, s.mtime, s.ctime]) {
        *slot = int::from_i64(t)?;
    }
    tuple::new(&items)
}

fn stat(p: Value) -> PyResult<Value> {
    vfs::stat(p)
}

/// The entries of a native directory: (name, type, inode) tuples, names as bytes if asked.
fn entries(path: &str, as_bytes: bool) -> PyResult<Value> {
    // Gather the raw names first: the visitor cannot raise, and allocation may.
    let mut names: Vec<(Vec<u8>, u32, u64)> = Vec::new();
    hal()?
        .list_dir(path, &mut |name, kind, ino| {
            names.push((name.to_vec(), kind, ino))
        })
        .map_err(raise::os_error)?;
    let out = list::with_capacity(names.len())?;
    for (name, kind, ino) in names.iter() {
        let n = if as_bytes {
            pystr::new_bytes(name)?
        } else {
            match core::str::from_utf8(name) {
                Ok(s) => pystr::new(s)?,
                Err(_) => pystr::new_bytes(name)?,
            }
        };
        let t = tuple::new(&[n, Value::small_int(*kind as isize), int::from_u64(*ino)?])?;
        list::append(out, t)?;
    }
    Ok(out)
}

/// `ilistdir` of a native directory.
pub fn ilistdir_native(path: &str, as_bytes: bool) -> PyResult<Value> {
    let l = entries(path, as_bytes)?;
    let p = crate::mem::alloc(DirIter {
        base: ObjBase::new(&DIR_ITER_TYPE),
        list: l,
        index: 0,
    })?;
    Ok(Value::from_ptr(p))
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

/// The iterator `ilistdir` returns (upstream prints it as `<iterator>`).
#[repr(C)]
struct DirIter {
    base: ObjBase,
    list: Value,
    index: usize,
}

fn dir_iter_next(v: Value) -> PyResult<Option<Value>> {
    let Some(it) = v.downcast::<DirIter>(&DIR_ITER_TYPE) else {
        return Ok(None);
    };
    let items = list::get(it.list).map(|l| &*l.items()).unwrap_or(&[]);
    match items.get(it.index) {
        Some(x) => {
            it.index += 1;
            Ok(Some(*x))
        }
        None => Ok(None),
    }
}

fn dir_iter_print(
    out: &mut dyn crate::obj::Print,
    _v: Value,
    _k: crate::obj::PrintKind,
) -> PyResult<()> {
    out.write_str("<iterator>")
}

static DIR_ITER_TYPE: Type = Type {
    name: Q::iterator,
    flags: crate::obj::flags::ITER_IS_ITERNEXT,
    print: Some(dir_iter_print),
    iternext: Some(dir_iter_next),
    ..Type::EMPTY
};

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

fn putenv(k: Value, v: Value) -> PyResult<Value> {
    check(hal()?.putenv(str_arg(k)?, str_arg(v)?))
}

fn unsetenv(k: Value) -> PyResult<Value> {
    check(hal()?.unsetenv(str_arg(k)?))
}

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
    crate::entry!(putenv, crate::fun!(putenv, F2(putenv))),
    crate::entry!(rename, crate::fun!(rename, F2(rename))),
    crate::entry!(rmdir, crate::fun!(rmdir, F1(rmdir))),
    crate::entry!(stat, crate::fun!(stat, F1(stat))),
    crate::entry!(statvfs, crate::fun!(statvfs, F1(statvfs))),
    crate::entry!(system, crate::fun!(system, F1(system))),
    (Q::umount, vfs::UMOUNT),
    crate::entry!(unlink, crate::fun!(unlink, F1(remove))),
    crate::entry!(unsetenv, crate::fun!(unsetenv, F1(unsetenv))),
    crate::entry!(urandom, crate::fun!(urandom, F1(urandom))),
    (Q::VfsPosix, Value::from_static(&vfs::VFS_POSIX_TYPE)),
];

pub static MODULE: Module = Module::new_static(Q::os, crate::locals!(GLOBALS));
