//! `vfs`: mounting file-system objects into the path space, and `VfsPosix`, a view of the
//! port's own file system under a root directory (upstream's extmod/modvfs.c,
//! extmod/vfs.c and extmod/vfs_posix.c).
//!
//! The port's file system is the implicit root: paths that fall under no mount go straight
//! to the [`Hal`](crate::hal::Hal). `vfs.mount(fs, "/mnt")` routes `/mnt/...` (and
//! relative paths while the current directory is inside `/mnt`) to the methods of `fs`
//! (`open`, `stat`, `ilistdir`, `mkdir`, ...), which may be a `VfsPosix` or any Python
//! object with those methods. Import does not look into mounts.
//!
//! The mount table (a list of `(point, fs)` tuples, newest first) and the mount holding
//! the current directory live in two of the state's module-private roots.

use crate::hal::FileKind;
use crate::obj::{ObjBase, PyResult, Type};
use crate::objs::{list, module::Module, str as pystr, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::state;
use crate::value::Value;
use alloc::string::String;
use alloc::vec::Vec;

const EPERM: i32 = 1;
const EINVAL: i32 = 22;
const EROFS: i32 = 30;

/// Root slots: the mount list and the current mount (a `(point, fs)` tuple or NULL).
const MOUNTS_SLOT: usize = 15;
const CUR_SLOT: usize = 14;

fn mounts() -> &'static [Value] {
    let l = state::get().roots.modules_private[MOUNTS_SLOT];
    match list::get(l) {
        Some(l) => l.items(),
        None => &[],
    }
}

/// Where a path leads: the port's own file system, or a mounted object with the path
/// inside it.
pub enum Target {
    Native,
    Mounted { fs: Value, path: Value },
}

fn point_of(entry: Value) -> (&'static str, Value) {
    let items = tuple::items(entry).map(|t| &*t).unwrap_or(&[]);
    let point = items.first().and_then(|p| pystr::as_str(*p)).unwrap_or("");
    let fs = items.get(1).copied().unwrap_or(Value::NONE);
    (point, fs)
}

/// Resolve `path` (str or bytes) against the mount table and the current mount.
pub fn resolve(path: &str) -> PyResult<Target> {
    if mounts().is_empty() {
        return Ok(Target::Native);
    }
    if path.starts_with('/') {
        for m in mounts() {
            let (point, fs) = point_of(*m);
            if let Some(rest) = path.strip_prefix(point) {
                if rest.is_empty() || rest.starts_with('/') {
                    let sub = if rest.is_empty() { "/" } else { rest };
                    return Ok(Target::Mounted {
                        fs,
                        path: pystr::new(sub)?,
                    });
                }
            }
        }
        return Ok(Target::Native);
    }
    let cur = state::get().roots.modules_private[CUR_SLOT];
    if cur.is_null() {
        return Ok(Target::Native);
    }
    let (_, fs) = point_of(cur);
    Ok(Target::Mounted {
        fs,
        path: pystr::new(path)?,
    })
}

/// Call method `name` of a mounted file system.
pub fn call_fs(fs: Value, name: Qstr, args: &[Value]) -> PyResult<Value> {
    let (f, this) = runtime::load_method(fs, name)?;
    runtime::call_method(f, this, args, &[])
}

/// `os.chdir` across mounts.
pub fn chdir(path: &str) -> PyResult<bool> {
    if mounts().is_empty() {
        return Ok(false);
    }
    if path.starts_with('/') {
        for m in mounts() {
            let (point, fs) = point_of(*m);
            if let Some(rest) = path.strip_prefix(point) {
                if rest.is_empty() || rest.starts_with('/') {
                    let sub = if rest.is_empty() { "/" } else { rest };
                    call_fs(fs, Q::chdir, &[pystr::new(sub)?])?;
                    state::get().roots.modules_private[CUR_SLOT] = *m;
                    return Ok(true);
                }
            }
        }
        state::get().roots.modules_private[CUR_SLOT] = Value::NULL;
        return Ok(false);
    }
    let cur = state::get().roots.modules_private[CUR_SLOT];
    if cur.is_null() {
        return Ok(false);
    }
    let (_, fs) = point_of(cur);
    call_fs(fs, Q::chdir, &[pystr::new(path)?])?;
    Ok(true)
}

/// `os.getcwd` inside a mount: the mount point joined with the file system's own cwd.
pub fn getcwd() -> PyResult<Option<Value>> {
    let cur = state::get().roots.modules_private[CUR_SLOT];
    if cur.is_null() {
        return Ok(None);
    }
    let (point, fs) = point_of(cur);
    let inner = call_fs(fs, Q::getcwd, &[])?;
    let inner = pystr::as_str(inner).unwrap_or("");
    let mut s = String::from(point);
    if inner != "/" {
        if !inner.is_empty() && !inner.starts_with('/') {
            s.push('/');
        }
        s.push_str(inner);
    }
    Ok(Some(pystr::new(&s)?))
}

// --- reading files for import ---

/// The import machinery's view of the file system: the port's, with mounts overlaid.
/// Mirrors the two [`Hal`](crate::hal::Hal) methods import uses.
pub struct ImportFs(pub &'static dyn crate::hal::Hal);

impl ImportFs {
    pub fn stat(&self, path: &str) -> Option<FileKind> {
        match resolve(path) {
            Ok(Target::Native) => self.0.stat(path),
            Ok(Target::Mounted { fs, path }) => {
                let st = call_fs(fs, Q::stat, &[path]).ok()?;
                let mode = runtime::subscr(st, Value::small_int(0)).ok()?;
                match crate::objs::int::get_isize(mode).ok()? & 0xf000 {
                    0x4000 => Some(FileKind::Dir),
                    0x8000 => Some(FileKind::File),
                    _ => None,
                }
            }
            Err(_) => None,
        }
    }

    /// Read a whole file; Err carries an errno (EIO for errors that are not OSErrors).
    pub fn read_file(&self, path: &str, out: &mut Vec<u8>) -> Result<(), i32> {
        match resolve(path) {
            Ok(Target::Native) => self.0.read_file(path, out),
            Ok(Target::Mounted { fs, path }) => read_mounted(fs, path, out).map_err(errno_of),
            Err(e) => Err(errno_of(e)),
        }
    }
}

fn errno_of(e: crate::obj::PyErr) -> i32 {
    if runtime::is_instance(e.0, &crate::objs::exception::OS_ERROR) {
        if let Some(n) = crate::objs::exception::args(e.0)
            .first()
            .and_then(|v| v.as_small_int())
        {
            return n as i32;
        }
    }
    5
}

/// Read a file of a mounted file system: through the stream slot for built-in files, else
/// through the Python object's `ioctl` (buffer size, close) and `readinto`, as upstream's
/// reader does with an `io.IOBase` object.
fn read_mounted(fs: Value, path: Value, out: &mut Vec<u8>) -> PyResult<()> {
    out.clear();
    let f = call_fs(fs, Q::open, &[path, Value::qstr(Q::rb)])?;
    if let Ok((obj, s)) = crate::modules::io::stream_of(f) {
        let mut chunk = [0u8; 256];
        loop {
            let n = (s.read)(obj, &mut chunk)?;
            if n == 0 {
                break;
            }
            out.extend_from_slice(&chunk[..n]);
        }
        (s.ioctl)(obj, crate::modules::io::STREAM_CLOSE, 0)?;
        return Ok(());
    }
    let ioctl = runtime::load_attr_opt(f, Q::ioctl)?;
    let mut size = 256;
    if let Some(io) = ioctl {
        let r = runtime::call(io, &[Value::small_int(11), Value::small_int(0)], &[])?;
        if let Some(n) = r.as_small_int() {
            if n > 0 {
                size = (n as usize).min(4096);
            }
        }
    }
    let buf = crate::objs::bytearray::new(&alloc::vec![0u8; size])?;
    let readinto = runtime::load_attr(f, Q::readinto)?;
    loop {
        let r = runtime::call(readinto, &[buf], &[])?;
        let n = r.as_small_int().unwrap_or(0);
        if n <= 0 {
            break;
        }
        let data = crate::objs::bytearray::bytes(buf);
        out.extend_from_slice(&data[..(n as usize).min(data.len())]);
    }
    if let Some(io) = ioctl {
        runtime::call(io, &[Value::small_int(4), Value::small_int(0)], &[])?;
    }
    Ok(())
}

fn kw_get(kw: &[Value], name: Qstr) -> Option<Value> {
    kw.chunks_exact(2)
        .find(|p| p[0].as_qstr() == Some(name) || pystr::as_str(p[0]) == Some(name.as_str()))
        .map(|p| p[1])
}

/// `vfs.mount(fs, mount_point, *, readonly=False, mkfs=False)`.
fn mount(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let [fs, point] = args else {
        return Err(raise::type_error(
            "mount needs a file system and a mount point",
        ));
    };
    let readonly = kw_get(kw, Q::readonly).unwrap_or(Value::FALSE);
    let mkfs = kw_get(kw, Q::mkfs).unwrap_or(Value::FALSE);
    let p = pystr::as_str(*point).ok_or_else(|| pystr::bad_implicit_conversion(*point))?;
    let p = p.strip_suffix('/').unwrap_or(p);
    if mounts().iter().any(|m| point_of(*m).0 == p) || p.is_empty() {
        return Err(raise::os_error(EPERM));
    }
    call_fs(*fs, Q::mount, &[readonly, mkfs])?;
    let entry = tuple::new(&[pystr::new(p)?, *fs])?;
    let st = state::get();
    if st.roots.modules_private[MOUNTS_SLOT].is_null() {
        st.roots.modules_private[MOUNTS_SLOT] = list::new(&[])?;
    }
    let l = state::get().roots.modules_private[MOUNTS_SLOT];
    if let Some(lst) = list::get(l) {
        // Newest first, so a mount inside a mount wins.
        lst.reserve(1)?;
        let items_len = lst.items().len();
        list::append(l, entry)?;
        let items = lst.items();
        items.copy_within(0..items_len, 1);
        items[0] = entry;
    }
    Ok(Value::NONE)
}

/// `vfs.umount(mount_point_or_fs)`.
fn umount(target: Value) -> PyResult<Value> {
    let l = state::get().roots.modules_private[MOUNTS_SLOT];
    let Some(lst) = list::get(l) else {
        return Err(raise::os_error(EINVAL));
    };
    let want = pystr::as_str(target).map(|s| s.strip_suffix('/').unwrap_or(s));
    let items = lst.items();
    let Some(i) = items.iter().position(|m| {
        let (p, fs) = point_of(*m);
        match want {
            Some(w) => p == w,
            None => fs == target,
        }
    }) else {
        return Err(raise::os_error(EINVAL));
    };
    let entry = items[i];
    items.copy_within(i + 1.., i);
    lst.len -= 1;
    let st = state::get();
    if st.roots.modules_private[CUR_SLOT] == entry {
        st.roots.modules_private[CUR_SLOT] = Value::NULL;
    }
    call_fs(point_of(entry).1, Q::umount, &[])?;
    Ok(Value::NONE)
}

// --- VfsPosix ---

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

fn posix_new(ty: &'static Type, args: &[Value], _kw: &[Value]) -> PyResult<Value> {
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
    if fs.readonly && m.contains(['w', 'a', '+']) {
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
    crate::modules::os::ilistdir_native(&p, pystr::is_bytes(path))
}

fn posix_mkdir(s: Value, path: Value) -> PyResult<Value> {
    let fs = this(s)?;
    writable(fs)?;
    hal()?
        .mkdir(&native_path(fs, path)?)
        .map_err(raise::os_error)?;
    Ok(Value::NONE)
}

fn posix_remove(s: Value, path: Value) -> PyResult<Value> {
    let fs = this(s)?;
    writable(fs)?;
    hal()?
        .remove(&native_path(fs, path)?)
        .map_err(raise::os_error)?;
    Ok(Value::NONE)
}

fn posix_rmdir(s: Value, path: Value) -> PyResult<Value> {
    let fs = this(s)?;
    writable(fs)?;
    hal()?
        .rmdir(&native_path(fs, path)?)
        .map_err(raise::os_error)?;
    Ok(Value::NONE)
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
    crate::modules::os::stat_native(&p)
}

static POSIX_LOCALS: [(Qstr, Value); 12] = [
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
    crate::entry!(unlink, crate::fun!(unlink, F2(posix_remove))),
];

pub static VFS_POSIX_TYPE: Type = Type {
    name: Q::VfsPosix,
    make_new: Some(posix_new),
    locals: &POSIX_LOCALS,
    ..Type::EMPTY
};

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::vfs)),
    crate::entry!(mount, crate::fun!(mount, Kw { min: 2, f: mount })),
    crate::entry!(umount, crate::fun!(umount, F1(umount))),
    (Q::VfsPosix, Value::from_static(&VFS_POSIX_TYPE)),
];

pub static MODULE: Module = Module::new_static(Q::vfs, GLOBALS);
