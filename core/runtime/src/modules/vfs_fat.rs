//! `vfs.VfsFat`: a FAT12/16/32 file system (with long names) on a block device written in
//! Python (upstream's extmod/vfs_fat.c, vfs_fat_file.c, vfs_fat_diskio.c and
//! vfs_blockdev.c). The on-disk format is in `vfs_fat/` (plain Rust over a
//! [`BlockDevice`]); this file binds it to the interpreter: the device adapter calling
//! `readblocks`/`writeblocks`/`ioctl` (or the old `count`/`sync` protocol), the VfsFat
//! object, its file objects and the `ilistdir` iterator.
//!
//! The volume's bookkeeping lives inside the VfsFat heap object; the window and the
//! buffer handed to the device are bytearrays in the heap. Python code run by the device
//! may collect garbage, whose file finalisers would re-enter the volume: a busy flag makes
//! them skip instead.

pub mod dir;
pub mod file;
pub mod mkfs;
pub mod volume;

use crate::modules::io::{self as sio, methods as m};
use crate::obj::{flags, ObjBase, Print, PrintKind, PyErr, PyResult, Stream, Type};
use crate::objs::{bytearray, int, str as pystr, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::state;
use crate::value::Value;
use alloc::vec::Vec;
use dir::{DirPos, Entry, ATTR_DIR, MAX_LFN};
use file::{FileState, OpenMode};
use volume::{BlockDevice, Error, Fat, Volume};

const EBUSY: i32 = 16;
const EISDIR: i32 = 21;
const ENOTDIR: i32 = 20;
const EINVAL: i32 = 22;

/// Block device ioctl numbers (upstream's MP_BLOCKDEV_IOCTL_*).
const IOCTL_INIT: isize = 1;
const IOCTL_SYNC: isize = 3;
const IOCTL_BLOCK_COUNT: isize = 4;
const IOCTL_BLOCK_SIZE: isize = 5;

#[repr(C)]
pub struct VfsFat {
    base: ObjBase,
    bdev: Value,
    /// bytearray(sector size) lent to readblocks/writeblocks...
    io: Value,
    /// ...as a memoryview, so the device cannot resize it.
    io_view: Value,
    /// bytearray(sector size): the volume's window.
    win: Value,
    has_ioctl: bool,
    has_write: bool,
    /// No FAT volume was found when constructed.
    no_fs: bool,
    busy: bool,
    vol: Volume,
}

fn this(v: Value) -> PyResult<&'static mut VfsFat> {
    v.downcast(&VFS_FAT_TYPE)
        .ok_or_else(|| raise::type_error("expected VfsFat"))
}

// --- the device adapter ---

/// The Python block device, seen as a [`BlockDevice`]. A Python exception raised by the
/// device is kept and re-raised once the format code has unwound.
struct PyDev {
    bdev: Value,
    io: Value,
    io_view: Value,
    has_ioctl: bool,
    has_write: bool,
    err: Option<PyErr>,
}

impl PyDev {
    fn keep(&mut self, e: PyErr) -> Error {
        if self.err.is_none() {
            self.err = Some(e);
        }
        Error::Io
    }

    /// Result of readblocks/writeblocks: None or 0 is success.
    fn check(&mut self, r: PyResult<Value>) -> Result<(), Error> {
        match r {
            Ok(v) if v.is_none() => Ok(()),
            Ok(v) => match int::get_isize(v) {
                Ok(0) => Ok(()),
                Ok(_) => Err(Error::Io),
                Err(e) => Err(self.keep(e)),
            },
            Err(e) => Err(self.keep(e)),
        }
    }

    fn io_buf(&self, len: usize) -> Result<&'static mut [u8], Error> {
        let b = bytearray::bytes(self.io);
        b.get_mut(..len).ok_or(Error::Io)
    }

    fn call(&mut self, name: Qstr, sector: u32) -> Result<(), Error> {
        let n = int::from_u64(u64::from(sector)).map_err(|e| self.keep(e))?;
        let r = runtime::load_method(self.bdev, name)
            .and_then(|(f, t)| runtime::call_method(f, t, &[n, self.io_view], &[]));
        self.check(r)
    }
}

impl BlockDevice for PyDev {
    fn read(&mut self, sector: u32, buf: &mut [u8]) -> Result<(), Error> {
        self.call(Q::readblocks, sector)?;
        buf.copy_from_slice(self.io_buf(buf.len())?);
        Ok(())
    }

    fn write(&mut self, sector: u32, buf: &[u8]) -> Result<(), Error> {
        if !self.has_write {
            return Err(Error::ReadOnly);
        }
        self.io_buf(buf.len())?.copy_from_slice(buf);
        self.call(Q::writeblocks, sector)
    }

    fn sync(&mut self) -> Result<(), Error> {
        match dev_ioctl(self.bdev, self.has_ioctl, IOCTL_SYNC) {
            Ok(_) => Ok(()),
            Err(e) => Err(self.keep(e)),
        }
    }
}

/// `ioctl(op, 0)`, or the old protocol's `count()`/`sync()`.
fn dev_ioctl(bdev: Value, has_ioctl: bool, op: isize) -> PyResult<Value> {
    if has_ioctl {
        let (f, t) = runtime::load_method(bdev, Q::ioctl)?;
        return runtime::call_method(f, t, &[Value::small_int(op), Value::small_int(0)], &[]);
    }
    match op {
        IOCTL_BLOCK_COUNT => {
            let (f, t) = runtime::load_method(bdev, Q::count)?;
            runtime::call_method(f, t, &[], &[])
        }
        IOCTL_SYNC => match runtime::load_method(bdev, Q::sync) {
            Ok((f, t)) => runtime::call_method(f, t, &[], &[]),
            Err(_) => Ok(Value::NONE),
        },
        _ => Ok(Value::NONE),
    }
}

fn has_method(obj: Value, name: Qstr) -> bool {
    runtime::load_method(obj, name).is_ok()
}

// --- time stamps ---

/// Days since 1970-01-01 of a civil date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The current local time as a FAT time stamp (date in the high half).
fn fat_now() -> u32 {
    let Some(h) = state::get().hal else {
        return 0x0021_0000;
    };
    let t = h.time() as i64;
    let t = t + h.local_offset(t).0;
    let (y, mo, d) = civil_from_days(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    if !(1980..=2107).contains(&y) {
        return 0x0021_0000;
    }
    (((y - 1980) as u32) << 25)
        | ((mo as u32) << 21)
        | ((d as u32) << 16)
        | (((s / 3600) as u32) << 11)
        | ((((s / 60) % 60) as u32) << 5)
        | (((s % 60) / 2) as u32)
}

/// Seconds since 1970 of a FAT time stamp (read as UTC, as upstream does).
fn fat_seconds(ts: u32) -> i64 {
    let date = ts >> 16;
    let time = ts & 0xFFFF;
    let days = days_from_civil(
        1980 + i64::from((date >> 9) & 0x7F),
        i64::from((date >> 5) & 0x0F),
        i64::from(date & 0x1F),
    );
    days * 86_400
        + i64::from((time >> 11) & 0x1F) * 3600
        + i64::from((time >> 5) & 0x3F) * 60
        + 2 * i64::from(time & 0x1F)
}

// --- running the format code ---

/// Run `f` on the volume of VfsFat `v`, mounting it first if needed.
fn run<T>(v: Value, f: impl FnOnce(&mut Fat) -> Result<T, Error>) -> PyResult<T> {
    let fs = this(v)?;
    if fs.busy {
        return Err(raise::os_error(EBUSY));
    }
    let win = bytearray::bytes(fs.win);
    let mut dev = PyDev {
        bdev: fs.bdev,
        io: fs.io,
        io_view: fs.io_view,
        has_ioctl: fs.has_ioctl,
        has_write: fs.has_write,
        err: None,
    };
    fs.busy = true;
    fs.vol.now = fat_now();
    fs.vol.readonly = !fs.has_write;
    let r = {
        let mut fat = Fat::new(&mut fs.vol, win, &mut dev);
        let m = if fat.vol.mounted() {
            Ok(())
        } else {
            fat.mount()
        };
        m.and_then(|_| f(&mut fat))
    };
    fs.busy = false;
    r.map_err(|e| dev.err.take().unwrap_or_else(|| raise::os_error(e.errno())))
}

/// The errno of an OSError.
fn errno_value(e: PyErr) -> Option<i32> {
    if !runtime::is_instance(e.0, &crate::objs::exception::OS_ERROR) {
        return None;
    }
    crate::objs::exception::args(e.0)
        .first()
        .and_then(|v| v.as_small_int())
        .map(|n| n as i32)
}

fn path_str(p: Value) -> PyResult<&'static str> {
    if let Some(s) = pystr::as_str(p) {
        return Ok(s);
    }
    pystr::as_bytes(p)
        .and_then(|b| core::str::from_utf8(b).ok())
        .ok_or_else(|| pystr::bad_implicit_conversion(p))
}

// --- VfsFat ---

fn fat_new(ty: &'static Type, args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    let [bdev] = args else {
        return Err(raise::type_error("function takes 1 positional arguments"));
    };
    let bdev = *bdev;
    // readblocks is required (AttributeError otherwise), the rest optional.
    runtime::load_method(bdev, Q::readblocks)?;
    let has_write = has_method(bdev, Q::writeblocks);
    let has_ioctl = has_method(bdev, Q::ioctl);
    if !has_ioctl {
        runtime::load_method(bdev, Q::count)?;
    }
    let ss = match dev_ioctl(bdev, has_ioctl, IOCTL_BLOCK_SIZE)? {
        v if v.is_none() => 512,
        v => int::get_isize(v)?,
    };
    if !(512..=4096).contains(&ss) || (ss & (ss - 1)) != 0 {
        return Err(raise::os_error(5));
    }
    let zeros = [0u8; 4096];
    let io = bytearray::new(&zeros[..ss as usize])?;
    let win = bytearray::new(&zeros[..ss as usize])?;
    let io_data = bytearray::get(io)
        .map(|b| b.data)
        .unwrap_or(core::ptr::null_mut());
    let io_view = Value::from_ptr(crate::mem::alloc(crate::objs::memoryview::MemoryView {
        base: ObjBase::new(&crate::objs::memoryview::TYPE),
        obj: io,
        ptr: io_data,
        len: ss as usize,
        typecode: b'B',
        writable: true,
    })?);
    let p = crate::mem::alloc(VfsFat {
        base: ObjBase::new(ty),
        bdev,
        io,
        io_view,
        win,
        has_ioctl,
        has_write,
        no_fs: false,
        busy: false,
        vol: Volume::new(ss as u32),
    })?;
    let v = Value::from_ptr(p);
    if has_ioctl {
        let r = dev_ioctl(bdev, true, IOCTL_INIT)?;
        if !r.is_none() && int::get_isize(r)? != 0 {
            return Err(raise::os_error(EBUSY));
        }
    }
    match run(v, |_| Ok(())) {
        Ok(()) => {}
        Err(e) => {
            let fs = this(v)?;
            if fs.vol.mounted() {
                return Err(e);
            }
            // Only "no file system" is tolerated: mount(mkfs=True) may make one.
            if errno_value(e) == Some(19) {
                fs.no_fs = true;
            } else {
                return Err(e);
            }
        }
    }
    Ok(v)
}

/// The file system object for a bare block device given to `vfs.mount` (upstream's
/// autodetection; only FAT is known here).
pub fn autodetect(bdev: Value) -> PyResult<Value> {
    fat_new(&VFS_FAT_TYPE, &[bdev], &[])
}

fn fat_mkfs(bdev: Value) -> PyResult<Value> {
    let v = fat_new(&VFS_FAT_TYPE, &[bdev], &[])?;
    do_mkfs(v)?;
    Ok(Value::NONE)
}

fn do_mkfs(v: Value) -> PyResult<()> {
    let fs = this(v)?;
    let total = dev_ioctl(fs.bdev, fs.has_ioctl, IOCTL_BLOCK_COUNT)?;
    let total = u32::try_from(int::get_isize(total)?.max(0)).unwrap_or(u32::MAX);
    let mut dev = PyDev {
        bdev: fs.bdev,
        io: fs.io,
        io_view: fs.io_view,
        has_ioctl: fs.has_ioctl,
        has_write: fs.has_write,
        err: None,
    };
    let win = bytearray::bytes(fs.win);
    fs.vol.fat_type = 0;
    let r = mkfs::mkfs(&mut dev, win, total, fat_now());
    fs.vol = Volume::new(fs.vol.ss);
    fs.no_fs = false;
    r.map_err(|e| {
        dev.err.take().unwrap_or_else(|| {
            raise::os_error(match e {
                Error::ReadOnly => 30,
                e => e.errno(),
            })
        })
    })
}

fn fat_mount(v: Value, readonly: Value, mkfs_: Value) -> PyResult<Value> {
    let fs = this(v)?;
    if runtime::is_true(readonly)? {
        fs.has_write = false;
    }
    if fs.no_fs {
        if runtime::is_true(mkfs_)? {
            do_mkfs(v)?;
        } else {
            return Err(raise::os_error(19));
        }
    }
    Ok(Value::NONE)
}

fn fat_umount(_v: Value) -> PyResult<Value> {
    Ok(Value::NONE)
}

fn fat_open(v: Value, path: Value, mode: Value) -> PyResult<Value> {
    let p = path_str(path)?;
    let ms = pystr::as_str(mode).ok_or_else(|| pystr::bad_implicit_conversion(mode))?;
    let (m, text) = OpenMode::parse(ms);
    let ty: &'static Type = if text {
        &FAT_TEXTIO_TYPE
    } else {
        &FAT_FILEIO_TYPE
    };
    // Allocate first, so a full heap fails before anything changes on disk.
    let fp = crate::mem::alloc_finalised(FatFile {
        base: ObjBase::new(ty),
        vfs: v,
        st: FileState::default(),
        open: false,
    })?;
    let st = run(v, |fat| fat.open(p, m))?;
    // SAFETY: fp was just allocated and is kept alive by this frame.
    let f = unsafe { &mut *fp };
    f.st = st;
    f.open = true;
    Ok(Value::from_ptr(fp))
}

fn fat_ilistdir(args: &[Value]) -> PyResult<Value> {
    let v = args[0];
    let (path, as_bytes) = match args.get(1) {
        Some(p) => (path_str(*p)?, pystr::is_bytes(*p)),
        None => ("", false),
    };
    let pos = run(v, |fat| {
        let c = fat.open_dir(path)?;
        Ok(fat.dir_start(c))
    })?;
    let p = crate::mem::alloc(DirIter {
        base: ObjBase::new(&DIR_ITER_TYPE),
        vfs: v,
        pos,
        done: false,
        as_bytes,
    })?;
    Ok(Value::from_ptr(p))
}

fn fat_mkdir(v: Value, path: Value) -> PyResult<Value> {
    let p = path_str(path)?;
    run(v, |fat| fat.mkdir(p))?;
    Ok(Value::NONE)
}

/// Remove a file (`want_dir` false) or a directory, refusing the other kind as upstream.
fn remove_kind(v: Value, path: Value, want_dir: bool) -> PyResult<Value> {
    let p = path_str(path)?;
    let e = run(v, |fat| match fat.stat(p)? {
        None => Err(Error::InvalidName),
        Some(e) => Ok(e.is_dir()),
    })?;
    if e != want_dir {
        return Err(raise::os_error(if want_dir { ENOTDIR } else { EISDIR }));
    }
    run(v, |fat| fat.unlink(p))?;
    Ok(Value::NONE)
}

fn fat_remove(v: Value, path: Value) -> PyResult<Value> {
    remove_kind(v, path, false)
}

fn fat_rmdir(v: Value, path: Value) -> PyResult<Value> {
    remove_kind(v, path, true)
}

fn fat_rename(v: Value, a: Value, b: Value) -> PyResult<Value> {
    let pa = path_str(a)?;
    let pb = path_str(b)?;
    match run(v, |fat| fat.rename(pa, pb)) {
        Ok(()) => {}
        Err(e) if errno_value(e) == Some(17) => {
            // POSIX semantics: an existing file is replaced.
            remove_kind(v, b, false)?;
            run(v, |fat| fat.rename(pa, pb))?;
        }
        Err(e) => return Err(e),
    }
    Ok(Value::NONE)
}

fn fat_chdir(v: Value, path: Value) -> PyResult<Value> {
    let p = path_str(path)?;
    run(v, |fat| fat.chdir(p))?;
    Ok(Value::NONE)
}

fn fat_getcwd(v: Value) -> PyResult<Value> {
    let mut out = Vec::new();
    run(v, |fat| fat.getcwd(&mut out))?;
    match core::str::from_utf8(&out) {
        Ok(s) => pystr::new(s),
        Err(_) => pystr::new_bytes(&out),
    }
}

fn fat_stat(v: Value, path: Value) -> PyResult<Value> {
    let p = path_str(path)?;
    let (mode, size, ts) = if p.is_empty() || p == "/" {
        (0x4000, 0, 0x2821_0000)
    } else {
        match run(v, |fat| fat.stat(p))? {
            None => (0x4000, 0, 0x2821_0000),
            Some(e) => (if e.is_dir() { 0x4000 } else { 0x8000 }, e.size, e.wtime),
        }
    };
    let secs = int::from_i64(fat_seconds(ts))?;
    tuple::new(&[
        Value::small_int(mode),
        Value::small_int(0),
        Value::small_int(0),
        Value::small_int(0),
        Value::small_int(0),
        Value::small_int(0),
        int::from_u64(u64::from(size))?,
        secs,
        secs,
        secs,
    ])
}

fn fat_statvfs(v: Value, _path: Value) -> PyResult<Value> {
    let (bsize, blocks, free) = run(v, |fat| {
        let free = fat.free_clusters()?;
        Ok((fat.vol.cluster_bytes(), fat.vol.n_fatent - 2, free))
    })?;
    let bsize = int::from_u64(u64::from(bsize))?;
    let free = int::from_u64(u64::from(free))?;
    tuple::new(&[
        bsize,
        bsize,
        int::from_u64(u64::from(blocks))?,
        free,
        free,
        Value::small_int(0),
        Value::small_int(0),
        Value::small_int(0),
        Value::small_int(0),
        Value::small_int(MAX_LFN as isize),
    ])
}

static MKFS: crate::objs::fun::MethodWrapper = crate::objs::fun::MethodWrapper {
    base: ObjBase::new(&crate::objs::fun::STATICMETHOD_TYPE),
    fun: crate::fun!(mkfs, F1(fat_mkfs)),
};

static FAT_LOCALS: [(Qstr, Value); 14] = [
    (Q::mkfs, Value::from_static(&MKFS)),
    crate::entry!(open, crate::fun!(open, F3(fat_open))),
    crate::entry!(
        ilistdir,
        crate::fun!(
            ilistdir,
            Var {
                min: 1,
                max: 2,
                f: fat_ilistdir
            }
        )
    ),
    crate::entry!(mkdir, crate::fun!(mkdir, F2(fat_mkdir))),
    crate::entry!(rmdir, crate::fun!(rmdir, F2(fat_rmdir))),
    crate::entry!(chdir, crate::fun!(chdir, F2(fat_chdir))),
    crate::entry!(getcwd, crate::fun!(getcwd, F1(fat_getcwd))),
    crate::entry!(remove, crate::fun!(remove, F2(fat_remove))),
    crate::entry!(rename, crate::fun!(rename, F3(fat_rename))),
    crate::entry!(stat, crate::fun!(stat, F2(fat_stat))),
    crate::entry!(statvfs, crate::fun!(statvfs, F2(fat_statvfs))),
    crate::entry!(mount, crate::fun!(mount, F3(fat_mount))),
    crate::entry!(umount, crate::fun!(umount, F1(fat_umount))),
    crate::entry!(unlink, crate::fun!(unlink, F2(fat_remove))),
];

pub static VFS_FAT_TYPE: Type = Type {
    name: Q::VfsFat,
    make_new: Some(fat_new),
    locals: &FAT_LOCALS,
    ..Type::EMPTY
};

// --- ilistdir ---

#[repr(C)]
struct DirIter {
    base: ObjBase,
    vfs: Value,
    pos: DirPos,
    done: bool,
    as_bytes: bool,
}

fn dir_iter_next(v: Value) -> PyResult<Option<Value>> {
    let Some(it) = v.downcast::<DirIter>(&DIR_ITER_TYPE) else {
        return Ok(None);
    };
    if it.done {
        return Ok(None);
    }
    let mut pos = it.pos;
    let r = run(it.vfs, |fat| -> Result<(Option<Entry>, bool), Error> {
        loop {
            let e = fat.dir_read(&mut pos)?;
            let more = fat.dir_next(&mut pos, false)?;
            match e {
                Some(e) if e.is_dot() => {
                    if !more {
                        return Ok((None, false));
                    }
                }
                e => return Ok((e, more)),
            }
        }
    });
    let (e, more) = match r {
        Ok(x) => x,
        Err(e) => {
            it.done = true;
            return Err(e);
        }
    };
    it.pos = pos;
    it.done = !more;
    let Some(e) = e else {
        it.done = true;
        return Ok(None);
    };
    let mut buf = [0u8; MAX_LFN * 3];
    let n = e.name_utf8(&mut buf);
    let name = if it.as_bytes {
        pystr::new_bytes(&buf[..n])?
    } else {
        pystr::new(core::str::from_utf8(&buf[..n]).unwrap_or("?"))?
    };
    let kind = if e.attr & ATTR_DIR != 0 {
        0x4000
    } else {
        0x8000
    };
    let size = if e.is_dir() { 0 } else { e.size };
    Ok(Some(tuple::new(&[
        name,
        Value::small_int(kind),
        Value::small_int(0),
        int::from_u64(u64::from(size))?,
    ])?))
}

fn dir_iter_print(out: &mut dyn Print, _v: Value, _k: PrintKind) -> PyResult<()> {
    out.write_str("<iterator>")
}

static DIR_ITER_TYPE: Type = Type {
    name: Q::iterator,
    flags: flags::ITER_IS_ITERNEXT,
    print: Some(dir_iter_print),
    iternext: Some(dir_iter_next),
    ..Type::EMPTY
};

// --- files ---

#[repr(C)]
struct FatFile {
    base: ObjBase,
    vfs: Value,
    st: FileState,
    open: bool,
}

fn file_of(v: Value) -> PyResult<&'static mut FatFile> {
    v.downcast(&FAT_FILEIO_TYPE)
        .or_else(|| v.downcast(&FAT_TEXTIO_TYPE))
        .ok_or_else(|| raise::type_error("expected file"))
}

fn open_file(v: Value) -> PyResult<&'static mut FatFile> {
    let f = file_of(v)?;
    if !f.open {
        // Upstream's FatFs reports a closed file as an invalid object.
        return Err(raise::os_error(EINVAL));
    }
    Ok(f)
}

fn file_print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let mut s = crate::vstr::VStr::new();
    let _ = core::fmt::write(
        &mut s,
        format_args!("<io.{} 0x{:x}>", v.type_of().name.as_str(), v.bits()),
    );
    out.write_str(core::str::from_utf8(s.as_bytes()).unwrap_or(""))
}

fn file_read(v: Value, buf: &mut [u8]) -> PyResult<usize> {
    let f = open_file(v)?;
    let mut st = f.st;
    let r = run(f.vfs, |fat| fat.read(&mut st, buf));
    f.st = st;
    r.map_err(|e| {
        if errno_value(e) == Some(13) {
            raise::os_error(EINVAL)
        } else {
            e
        }
    })
}

fn file_write(v: Value, buf: &[u8]) -> PyResult<usize> {
    let f = open_file(v)?;
    let mut st = f.st;
    let r = run(f.vfs, |fat| Ok(fat.write(&mut st, buf)));
    f.st = st;
    match r? {
        (n, None) => Ok(n),
        (_, Some(Error::Full)) => Err(raise::os_error(28)),
        (_, Some(Error::Denied)) => Err(raise::os_error(EINVAL)),
        (_, Some(e)) => Err(raise::os_error(e.errno())),
    }
}

fn file_ioctl(v: Value, request: usize, arg: usize) -> PyResult<usize> {
    match sio::split_request(request) {
        (sio::STREAM_SEEK, whence) => {
            let f = open_file(v)?;
            let off = arg as isize as i64;
            let base = match whence {
                sio::SEEK_SET => 0,
                sio::SEEK_CUR => i64::from(f.st.pos),
                _ => i64::from(f.st.size),
            };
            // Upstream hands FatFs the sum as an unsigned size: negatives wrap high.
            let target = (base + off) as u64 & 0xFFFF_FFFF;
            let mut st = f.st;
            let p = run(f.vfs, |fat| Ok(fat.seek(&mut st, target)))?;
            f.st = st;
            Ok(p as usize)
        }
        (sio::STREAM_FLUSH, _) => {
            let f = open_file(v)?;
            let mut st = f.st;
            let r = run(f.vfs, |fat| fat.sync_file(&mut st));
            f.st = st;
            r.map(|_| 0)
        }
        (sio::STREAM_CLOSE, _) => {
            let f = file_of(v)?;
            if !f.open {
                return Ok(0);
            }
            let mut st = f.st;
            let r = run(f.vfs, |fat| fat.sync_file(&mut st));
            f.st = st;
            f.open = false;
            r.map(|_| 0)
        }
        _ => Err(raise::os_error(EINVAL)),
    }
}

/// Run by the collector for an unreachable file: write it out, unless the volume is in
/// the middle of an operation (then the data of an unclosed file is lost, as it would be
/// on a power cut).
fn file_finalise(v: Value) {
    let Ok(f) = file_of(v) else {
        return;
    };
    if !f.open {
        return;
    }
    f.open = false;
    if let Ok(fs) = this(f.vfs) {
        if fs.busy {
            return;
        }
    }
    let mut st = f.st;
    let _ = run(f.vfs, |fat| fat.sync_file(&mut st));
}

static FILE_LOCALS: [(Qstr, Value); 13] = [
    (Q::__enter__, m::ENTER),
    (Q::__exit__, m::EXIT),
    (Q::__next__, m::NEXT),
    (Q::close, m::CLOSE),
    (Q::read, m::READ),
    (Q::readinto, m::READINTO),
    (Q::readline, m::READLINE),
    (Q::write, m::WRITE),
    (Q::__del__, m::DEL),
    (Q::flush, m::FLUSH),
    (Q::readlines, m::READLINES),
    (Q::seek, m::SEEK),
    (Q::tell, m::TELL),
];

static FILE_STREAM: Stream = Stream {
    read: file_read,
    write: file_write,
    ioctl: file_ioctl,
    is_text: false,
};

static TEXT_STREAM: Stream = Stream {
    read: file_read,
    write: file_write,
    ioctl: file_ioctl,
    is_text: true,
};

pub static FAT_FILEIO_TYPE: Type = Type {
    name: Q::FileIO,
    flags: flags::ITER_IS_ITERNEXT,
    print: Some(file_print),
    iternext: Some(sio::iternext),
    stream: Some(&FILE_STREAM),
    finalise: Some(file_finalise),
    locals: &FILE_LOCALS,
    ..Type::EMPTY
};

pub static FAT_TEXTIO_TYPE: Type = Type {
    name: Q::TextIOWrapper,
    flags: flags::ITER_IS_ITERNEXT,
    print: Some(file_print),
    iternext: Some(sio::iternext),
    stream: Some(&TEXT_STREAM),
    finalise: Some(file_finalise),
    locals: &FILE_LOCALS,
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 1, 1), 10_957);
        assert_eq!(civil_from_days(10_957), (2000, 1, 1));
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(fat_seconds(0x2821_0000), 946_684_800);
    }

    #[test]
    fn open_modes_parse_like_upstream() {
        let (m, t) = OpenMode::parse("r");
        assert!(m.read && !m.write && t);
        let (m, t) = OpenMode::parse("wb");
        assert!(m.write && m.truncate && m.create && !m.read && !t);
        let (m, _) = OpenMode::parse("a+");
        assert!(m.write && m.append && m.read);
        let (m, _) = OpenMode::parse("x");
        assert!(m.excl && m.create);
    }
}
