//! `vfs.VfsPosix`: a view of the port's own file system (its [`Hal`](crate::hal::Hal)
//! calls) under a root directory (upstream's extmod/vfs_posix.c), with its `stat` and
//! `ilistdir` tuples. The unix port mounts one
//! over the whole tree at `/`; a board whose files all live on mounted file systems builds
//! without it (cargo feature `vfs_posix`), as upstream's boards do.

use crate::obj::{ObjBase, PyResult, Type};
use crate::objs::{int, list, str as pystr, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::state;
use crate::value::Value;
use alloc::string::String;
use alloc::vec::Vec;

use super::{EPERM, EROFS};
#[repr(C)]
pub struct VfsPosix {
    base: ObjBase,
    /// Absolute root ending in '/', or the empty str for the whole file system.
    root: Value,
    readonly: bool,
}

fn this(v: Value) -> PyResult<&'static mut VfsPosix> {
    v.downcast(&VFS_POSIX_TYPE)
        .ok_or_else(|| raise::type_error("expected VfsPosix"))
}

fn root_str(fs: &VfsPosix) -> &'static str {
    pystr::as_str(fs.root).unwrap_or("")
}

/// An absolute path inside the file system mapped under its root; relative paths are the
/// process's own (upstream's rule).
fn native_path(fs: &VfsPosix, p: Value) -> PyResult<String> {
    let s = if pystr::is_bytes(p) {
        pystr::as_bytes(p)
            .and_then(|b| core::str::from_utf8(b).ok())
            .ok_or_else(|| pystr::bad_implicit_conversion(p))?
    } else {
        pystr::as_str(p).ok_or_else(|| pystr::bad_implicit_conversion(p))?
    };
    let root = root_str(fs);
    if root.is_empty() || !s.starts_with('/') {
        return Ok(String::from(s));
    }
    let mut out = String::from(&root[..root.len() - 1]);
    out.push_str(s);
    Ok(out)
}

/// The port path behind `path` of `fs` if `fs` is a `VfsPosix` (import reads those
/// through the [`Hal`](crate::hal::Hal) directly).
pub(super) fn native_of(fs: Value, path: Value) -> Option<String> {
    native_path(fs.downcast(&VFS_POSIX_TYPE)?, path).ok()
}

fn hal() -> PyResult<&'static dyn crate::hal::Hal> {
    state::get()
        .hal
        .ok_or_else(|| raise::os_error(crate::hal::errno::EOPNOTSUPP))
}

fn writable(fs: &VfsPosix) -> PyResult<()> {
    if fs.readonly {
        Err(raise::os_error(EROFS))
    } else {
        Ok(())
    }
}

pub(super) fn posix_new(ty: &'static Type, args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    let root = match args {
        [] => Value::qstr(Q::_empty_),
        [r] => {
            let r = pystr::as_str(*r).ok_or_else(|| pystr::bad_implicit_conversion(*r))?;
            let mut s = String::new();
            if !r.is_empty() && !r.starts_with('/') {
                let mut cwd = alloc::vec::Vec::new();
                hal()?.getcwd(&mut cwd).map_err(raise::os_error)?;
                s.push_str(core::str::from_utf8(&cwd).unwrap_or(""));
                s.push('/');
            }
            s.push_str(r);
            s.push('/');
            pystr::new(&s)?
        }
        _ => return Err(raise::type_error("function takes at most 1 argument")),
    };
    let p = crate::mem::alloc(VfsPosix {
        base: ObjBase::new(ty),
        root,
        readonly: false,
    })?;
    Ok(Value::from_ptr(p))
}

fn posix_mount(s: Value, readonly: Value, mkfs: Value) -> PyResult<Value> {
    let fs = this(s)?;
    if runtime::is_true(readonly)? {
        fs.readonly = true;
    }
    if runtime::is_true(mkfs)? {
        return Err(raise::os_error(EPERM));
    }
    Ok(Value::NONE)
}

fn posix_umount(_s: Value) -> PyResult<Value> {
    Ok(Value::NONE)
}

fn posix_open(s: Value, path: Value, mode: Value) -> PyResult<Value> {
    let fs = this(s)?;
    let m = pystr::as_str(mode).ok_or_else(|| pystr::bad_implicit_conversion(mode))?;
    if fs.readonly && m.bytes().any(|b| matches!(b, b'w' | b'a' | b'+')) {
        return Err(raise::os_error(EROFS));
    }
    let file = if path.is_small_int() {
        path
    } else {
        pystr::new(&native_path(fs, path)?)?
    };
    crate::objs::fileio::open_native(file, Some(mode))
}

fn posix_chdir(s: Value, path: Value) -> PyResult<Value> {
    let p = native_path(this(s)?, path)?;
    hal()?.chdir(&p).map_err(raise::os_error)?;
    Ok(Value::NONE)
}

fn posix_getcwd(s: Value) -> PyResult<Value> {
    let fs = this(s)?;
    let mut cwd = alloc::vec::Vec::new();
    hal()?.getcwd(&mut cwd).map_err(raise::os_error)?;
    let cwd = core::str::from_utf8(&cwd).unwrap_or("");
    let root = root_str(fs);
    let skip = root.len().saturating_sub(1);
    pystr::new(cwd.get(skip..).unwrap_or(""))
}

fn posix_ilistdir(s: Value, path: Value) -> PyResult<Value> {
    let p = native_path(this(s)?, path)?;
    ilistdir_native(&p, pystr::is_bytes(path))
}

/// A writing operation of the port's file system on one path.
fn posix_path_op(
    s: Value,
    path: Value,
    op: fn(&dyn crate::hal::Hal, &str) -> Result<(), i32>,
) -> PyResult<Value> {
    let fs = this(s)?;
    writable(fs)?;
    op(hal()?, &native_path(fs, path)?).map_err(raise::os_error)?;
    Ok(Value::NONE)
}

fn posix_mkdir(s: Value, path: Value) -> PyResult<Value> {
    posix_path_op(s, path, |h, p| h.mkdir(p))
}

fn posix_remove(s: Value, path: Value) -> PyResult<Value> {
    posix_path_op(s, path, |h, p| h.remove(p))
}

fn posix_rmdir(s: Value, path: Value) -> PyResult<Value> {
    posix_path_op(s, path, |h, p| h.rmdir(p))
}

fn posix_rename(s: Value, a: Value, b: Value) -> PyResult<Value> {
    let fs = this(s)?;
    writable(fs)?;
    hal()?
        .rename(&native_path(fs, a)?, &native_path(fs, b)?)
        .map_err(raise::os_error)?;
    Ok(Value::NONE)
}

fn posix_stat(s: Value, path: Value) -> PyResult<Value> {
    let p = native_path(this(s)?, path)?;
    stat_native(&p)
}

fn posix_statvfs(s: Value, path: Value) -> PyResult<Value> {
    let p = native_path(this(s)?, path)?;
    let v = hal()?.statvfs(&p).map_err(raise::os_error)?;
    let mut items = [Value::NONE; 10];
    for (slot, x) in items.iter_mut().zip(v.iter()) {
        *slot = crate::objs::int::from_u64(*x)?;
    }
    tuple::new(&items)
}

// --- the port's directories and stat, as tuples ---

/// `os.stat` of a path on the port's file system.
fn stat_native(path: &str) -> PyResult<Value> {
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
fn ilistdir_native(path: &str, as_bytes: bool) -> PyResult<Value> {
    let l = entries(path, as_bytes)?;
    let p = crate::mem::alloc(DirIter {
        base: ObjBase::new(&DIR_ITER_TYPE),
        list: l,
        index: 0,
    })?;
    Ok(Value::from_ptr(p))
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

static POSIX_LOCALS: [(Qstr, Value); 13] = [
    crate::entry!(mount, crate::fun!(mount, F3(posix_mount))),
    crate::entry!(umount, crate::fun!(umount, F1(posix_umount))),
    crate::entry!(open, crate::fun!(open, F3(posix_open))),
    crate::entry!(chdir, crate::fun!(chdir, F2(posix_chdir))),
    crate::entry!(getcwd, crate::fun!(getcwd, F1(posix_getcwd))),
    crate::entry!(ilistdir, crate::fun!(ilistdir, F2(posix_ilistdir))),
    crate::entry!(mkdir, crate::fun!(mkdir, F2(posix_mkdir))),
    crate::entry!(remove, crate::fun!(remove, F2(posix_remove))),
    crate::entry!(rename, crate::fun!(rename, F3(posix_rename))),
    crate::entry!(rmdir, crate::fun!(rmdir, F2(posix_rmdir))),
    crate::entry!(stat, crate::fun!(stat, F2(posix_stat))),
    crate::entry!(statvfs, crate::fun!(statvfs, F2(posix_statvfs))),
    crate::entry!(unlink, crate::fun!(unlink, F2(posix_remove))),
];

pub static VFS_POSIX_TYPE: Type = Type {
    name: Q::VfsPosix,
    make_new: Some(posix_new),
    locals: &POSIX_LOCALS,
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::with_vm;

    #[test]
    fn posix_root_maps_absolute_paths_only() {
        with_vm(|| {
            let fs = posix_new(&VFS_POSIX_TYPE, &[pystr::new("/base").unwrap()], &[]).unwrap();
            let v = this(fs).unwrap();
            assert_eq!(
                native_path(v, pystr::new("/x/y").unwrap()).unwrap(),
                "/base/x/y"
            );
            assert_eq!(native_path(v, pystr::new("rel").unwrap()).unwrap(), "rel");
            let whole = posix_new(&VFS_POSIX_TYPE, &[], &[]).unwrap();
            let w = this(whole).unwrap();
            assert_eq!(native_path(w, pystr::new("/x").unwrap()).unwrap(), "/x");
        });
    }
}
