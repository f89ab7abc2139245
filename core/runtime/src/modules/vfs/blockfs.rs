//! What the bindings of the block-device file systems (VfsFat in `vfs_fat.rs`, VfsLfs1/2
//! in `vfs_lfs.rs`) share, whatever the format: their file objects ([`BlockFile`]: the
//! open/closed checks, `SEEK_CUR`/`SEEK_END`, printing, closing once, the collector's
//! finaliser) over a small [`BlockFs`] trait each format implements with its own reads,
//! writes and syncs; calling the Python block device; and the tuples `stat`, `statvfs`
//! and `ilistdir` return.

use super::fileobj::{self, FileOps};
use super::OpenMode;
use crate::modules::io as sio;
use crate::obj::{flags, IterNextFn, ObjBase, Print, PrintKind, PyErr, PyResult, Stream, Type};
use crate::objs::{bytearray, int, memoryview, str as pystr, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;

const EINVAL: i32 = 22;

/// The block device's ioctl operations (upstream's `MP_BLOCKDEV_IOCTL_*`).
pub const IOCTL_INIT: isize = 1;
pub const IOCTL_SYNC: isize = 3;
pub const IOCTL_BLOCK_COUNT: isize = 4;
pub const IOCTL_BLOCK_SIZE: isize = 5;
pub const IOCTL_BLOCK_ERASE: isize = 6;

/// `stat` and `ilistdir` modes.
pub const MODE_DIR: isize = 0x4000;
pub const MODE_FILE: isize = 0x8000;

/// One format's part of its open files.
pub trait BlockFs: Sized + 'static {
    /// What the format keeps per open file: position, size, where the data lies. The file
    /// object is scanned like every heap object, so it may hold values.
    type State;
    /// Whether `repr()` shows the object's address (upstream's FAT files do, its littlefs
    /// files do not).
    const PRINT_ADDRESS: bool;
    /// The binary and the text file type of the format, both made by [`file_type`].
    const TYPES: [&'static Type; 2];

    fn read(f: &mut BlockFile<Self>, v: Value, buf: &mut [u8]) -> PyResult<usize>;
    fn write(f: &mut BlockFile<Self>, v: Value, buf: &[u8]) -> PyResult<usize>;
    /// The position `SEEK_CUR` counts from.
    fn pos(st: &Self::State) -> u32;
    /// The size `SEEK_END` counts from.
    fn end(st: &Self::State) -> u32;
    /// Move to `target` (which may be out of range for the format); the new position.
    fn seek(f: &mut BlockFile<Self>, v: Value, target: i64) -> PyResult<usize>;
    /// Write the file's data and entry out.
    fn flush(f: &mut BlockFile<Self>, v: Value) -> PyResult<()>;
    /// Write the file out for good; the file is marked closed afterwards, whatever this
    /// returns.
    fn close(f: &mut BlockFile<Self>, v: Value) -> PyResult<()>;
    /// Whether the file system object `vfs` is in the middle of an operation (Python code
    /// of the block device is running): a finaliser must not re-enter it then.
    fn busy(vfs: Value) -> bool;
}

/// A file of a block-device file system, binary or text by its type.
#[repr(C)]
pub struct BlockFile<F: BlockFs> {
    base: ObjBase,
    /// The file system object the file lives on.
    pub vfs: Value,
    pub open: bool,
    /// The format's part.
    pub data: F::State,
}

impl<F: BlockFs> BlockFile<F> {
    /// A closed file object with a finaliser: allocated before the file is opened on the
    /// device, so a full heap fails before anything changes on disk.
    pub fn alloc(text: bool, vfs: Value, data: F::State) -> PyResult<&'static mut BlockFile<F>> {
        let ty = F::TYPES[usize::from(text)];
        let p = crate::mem::alloc_finalised(BlockFile::<F> {
            base: ObjBase::new(ty),
            vfs,
            open: false,
            data,
        })?;
        // SAFETY: just allocated; the caller keeps it alive through the returned value.
        Ok(unsafe { &mut *p })
    }

    /// The file object as a value.
    pub fn value(&self) -> Value {
        Value::from_ptr(self as *const BlockFile<F>)
    }

    /// The file behind `v`, open or not.
    pub fn of(v: Value) -> PyResult<&'static mut BlockFile<F>> {
        let [bin, text] = F::TYPES;
        v.downcast(bin)
            .or_else(|| v.downcast(text))
            .ok_or_else(|| raise::type_error("expected file"))
    }

    fn open_of(v: Value) -> PyResult<&'static mut BlockFile<F>> {
        let f = Self::of(v)?;
        if !f.open {
            // Upstream's drivers report a closed file as an invalid argument.
            return Err(raise::os_error(EINVAL));
        }
        Ok(f)
    }
}

impl<F: BlockFs> FileOps for BlockFile<F> {
    fn read(v: Value, buf: &mut [u8]) -> PyResult<usize> {
        F::read(Self::open_of(v)?, v, buf)
    }

    fn write(v: Value, buf: &[u8]) -> PyResult<usize> {
        F::write(Self::open_of(v)?, v, buf)
    }

    fn seek(v: Value, off: i64, whence: usize) -> PyResult<usize> {
        let f = Self::open_of(v)?;
        let base = match whence {
            sio::SEEK_SET => 0,
            sio::SEEK_CUR => F::pos(&f.data),
            _ => F::end(&f.data),
        };
        F::seek(f, v, i64::from(base) + off)
    }

    fn flush(v: Value) -> PyResult<()> {
        F::flush(Self::open_of(v)?, v)
    }

    fn close(v: Value) -> PyResult<()> {
        let f = Self::of(v)?;
        if !f.open {
            return Ok(());
        }
        let r = F::close(f, v);
        f.open = false;
        r
    }
}

fn print<F: BlockFs>(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    out.write_str("<io.")?;
    out.write_str(v.type_of().name.as_str())?;
    if F::PRINT_ADDRESS {
        crate::modules::sys::print_nums(out, " 0x{x}", &[v.bits() as isize])?;
    }
    out.write_str(">")
}

/// Run by the collector for an unreachable open file: write it out, unless its file
/// system is in the middle of an operation (then unwritten data is lost, as on a power
/// cut). Errors have nowhere to go.
fn finalise<F: BlockFs>(v: Value) {
    let Ok(f) = BlockFile::<F>::of(v) else {
        return;
    };
    if !f.open {
        return;
    }
    if F::busy(f.vfs) {
        f.open = false;
        return;
    }
    let _ = <BlockFile<F> as FileOps>::close(v);
}

static FILE_LOCALS: [(Qstr, Value); 13] = fileobj::file_locals!();

/// The binary and the text stream slot of format `F`'s files.
pub const fn streams<F: BlockFs>() -> [Stream; 2] {
    [
        fileobj::stream::<BlockFile<F>>(false),
        fileobj::stream::<BlockFile<F>>(true),
    ]
}

/// The binary and the text file type's slots past [`Type`]'s own, over [`streams`].
pub const fn exts<F: BlockFs>(streams: &'static [Stream; 2]) -> [crate::obj::TypeExt; 2] {
    [
        fileobj::file_ext(&streams[0], finalise::<F>),
        fileobj::file_ext(&streams[1], finalise::<F>),
    ]
}

/// A file type of format `F`: `FileIO` or `TextIOWrapper` by `name`, with the matching
/// one of [`exts`].
pub const fn file_type<F: BlockFs>(name: Qstr, ext: &'static crate::obj::TypeExt) -> Type {
    fileobj::file_type(name, print::<F>, ext, crate::locals!(&FILE_LOCALS))
}

/// Defines format `$fs`'s two file types, `$bin` (`FileIO`) and `$text` (`TextIOWrapper`).
macro_rules! file_types {
    ($fs:ty, $bin:ident, $text:ident) => {
        static STREAMS: [$crate::obj::Stream; 2] = $crate::modules::vfs::blockfs::streams::<$fs>();
        static EXTS: [$crate::obj::TypeExt; 2] =
            $crate::modules::vfs::blockfs::exts::<$fs>(&STREAMS);
        pub static $bin: $crate::obj::Type =
            $crate::modules::vfs::blockfs::file_type::<$fs>($crate::qstr::Q::FileIO, &EXTS[0]);
        pub static $text: $crate::obj::Type = $crate::modules::vfs::blockfs::file_type::<$fs>(
            $crate::qstr::Q::TextIOWrapper,
            &EXTS[1],
        );
    };
}
pub(crate) use file_types;

// --- what the file system objects share ---

/// The method table of a block-device file system class: the same names in the same order
/// for every format, `mkfs` a static method and `unlink` the same function as `remove`.
macro_rules! fs_locals {
    (
        mkfs: $mkfs:expr,
        open: $open:expr,
        ilistdir: $ilistdir:expr,
        mkdir: $mkdir:expr,
        rmdir: $rmdir:expr,
        chdir: $chdir:expr,
        getcwd: $getcwd:expr,
        remove: $remove:expr,
        rename: $rename:expr,
        stat: $stat:expr,
        statvfs: $statvfs:expr,
        mount: $mount:expr,
        umount: $umount:expr $(,)?
    ) => {
        [
            (
                $crate::qstr::Q::mkfs,
                $crate::value::Value::from_static($mkfs),
            ),
            $crate::entry!(open, $crate::fun!(open, F3($open))),
            $crate::entry!(
                ilistdir,
                $crate::fun!(
                    ilistdir,
                    Var {
                        min: 1,
                        max: 2,
                        f: $ilistdir
                    }
                )
            ),
            $crate::entry!(mkdir, $crate::fun!(mkdir, F2($mkdir))),
            $crate::entry!(rmdir, $crate::fun!(rmdir, F2($rmdir))),
            $crate::entry!(chdir, $crate::fun!(chdir, F2($chdir))),
            $crate::entry!(getcwd, $crate::fun!(getcwd, F1($getcwd))),
            $crate::entry!(remove, $crate::fun!(remove, F2($remove))),
            $crate::entry!(rename, $crate::fun!(rename, F3($rename))),
            $crate::entry!(stat, $crate::fun!(stat, F2($stat))),
            $crate::entry!(statvfs, $crate::fun!(statvfs, F2($statvfs))),
            $crate::entry!(mount, $crate::fun!(mount, F3($mount))),
            $crate::entry!(umount, $crate::fun!(umount, F1($umount))),
            $crate::entry!(unlink, $crate::fun!(unlink, F2($remove))),
        ]
    };
}
pub(crate) use fs_locals;

/// `umount()`: nothing to do, every operation writes through.
pub fn umount(_v: Value) -> PyResult<Value> {
    Ok(Value::NONE)
}

/// The Python block device a file system object is built on.
#[derive(Clone, Copy)]
pub struct BlockDev {
    pub bdev: Value,
    /// The buffer lent to `readblocks`/`writeblocks` (see [`io_buffer`])...
    pub io: Value,
    /// ...as the memoryview they get.
    pub io_view: Value,
    /// It has `writeblocks` and the file system is not mounted read-only.
    pub has_write: bool,
    /// It has `ioctl` (else the old `count`/`sync` protocol).
    pub has_ioctl: bool,
}

impl BlockDev {
    /// The device for one operation of the format code.
    pub fn session(self) -> DevSession {
        DevSession {
            dev: self,
            err: None,
        }
    }
}

/// The device during one operation of the format code, which sees only I/O errors: the
/// first Python exception the device raises is kept, to be raised once the format code
/// has unwound.
pub struct DevSession {
    pub dev: BlockDev,
    err: Option<PyErr>,
}

impl DevSession {
    /// Keep `e` unless an earlier exception is kept already.
    pub fn keep(&mut self, e: PyErr) {
        if self.err.is_none() {
            self.err = Some(e);
        }
    }

    /// A device method's result as a status (None is 0); None if it raised (kept).
    pub fn status(&mut self, r: PyResult<Value>) -> Option<isize> {
        match r.and_then(|v| {
            if v.is_none() {
                Ok(0)
            } else {
                int::get_isize(v)
            }
        }) {
            Ok(n) => Some(n),
            Err(e) => {
                self.keep(e);
                None
            }
        }
    }

    /// `bdev.<name>(block, io_view)` (with an offset argument 0 if `offset`): its status.
    pub fn call(&mut self, name: Qstr, block: u32, offset: bool) -> Option<isize> {
        let n = match int::from_u64(u64::from(block)) {
            Ok(n) => n,
            Err(e) => {
                self.keep(e);
                return None;
            }
        };
        let args = [n, self.dev.io_view, Value::small_int(0)];
        let args = &args[..if offset { 3 } else { 2 }];
        let r = super::call_fs(self.dev.bdev, name, args);
        self.status(r)
    }

    /// The first `len` bytes of the I/O buffer, if it has them.
    pub fn buf(&self, len: usize) -> Option<&'static mut [u8]> {
        bytearray::bytes(self.dev.io).get_mut(..len)
    }

    /// The exception for a failed operation: the device's own, else OSError(`errno`).
    pub fn error(&mut self, errno: i32) -> PyErr {
        self.err.take().unwrap_or_else(|| raise::os_error(errno))
    }
}

/// `open()`'s mode argument: the flags, and whether the file is text.
pub fn open_mode(mode: Value) -> PyResult<(OpenMode, bool)> {
    let ms = pystr::as_str(mode).ok_or_else(|| pystr::bad_implicit_conversion(mode))?;
    Ok(OpenMode::parse(ms))
}

/// A path argument: str, or bytes holding UTF-8.
pub fn path_str(p: Value) -> PyResult<&'static str> {
    if let Some(s) = pystr::as_str(p) {
        return Ok(s);
    }
    pystr::as_bytes(p)
        .and_then(|b| core::str::from_utf8(b).ok())
        .ok_or_else(|| pystr::bad_implicit_conversion(p))
}

/// A bytearray of `len` zero bytes.
pub fn zeroed(len: usize) -> PyResult<Value> {
    bytearray::new(&alloc::vec![0u8; len])
}

/// The buffer lent to the device's `readblocks`/`writeblocks`: a zeroed bytearray of
/// `len` bytes and a memoryview of it, so the device cannot resize it.
pub fn io_buffer(len: usize) -> PyResult<(Value, Value)> {
    let io = zeroed(len)?;
    let data = bytearray::get(io)
        .map(|b| b.data)
        .unwrap_or(core::ptr::null_mut());
    let view = Value::from_ptr(crate::mem::alloc(memoryview::MemoryView {
        base: ObjBase::new(&memoryview::TYPE),
        obj: io,
        ptr: data,
        len,
        typecode: b'B',
        writable: true,
    })?);
    Ok((io, view))
}

/// `stat()`'s 10-tuple: mode, size and one time for all three times.
pub fn stat_tuple(mode: isize, size: u32, secs: i64) -> PyResult<Value> {
    let secs = int::from_i64(secs)?;
    let zero = Value::small_int(0);
    tuple::new(&[
        Value::small_int(mode),
        zero,
        zero,
        zero,
        zero,
        zero,
        int::from_u64(u64::from(size))?,
        secs,
        secs,
        secs,
    ])
}

/// `statvfs()`'s 10-tuple, in blocks of `bsize` bytes.
pub fn statvfs_tuple(bsize: u32, blocks: u32, free: u32, name_max: usize) -> PyResult<Value> {
    let bsize = int::from_u64(u64::from(bsize))?;
    let free = int::from_u64(u64::from(free))?;
    let zero = Value::small_int(0);
    tuple::new(&[
        bsize,
        bsize,
        int::from_u64(u64::from(blocks))?,
        free,
        free,
        zero,
        zero,
        zero,
        zero,
        Value::small_int(name_max as isize),
    ])
}

/// An `ilistdir()` entry: `(name, mode, 0, size)`, the name as bytes if `as_bytes` or if
/// it is not UTF-8.
pub fn dir_entry(name: &[u8], as_bytes: bool, dir: bool, size: u32) -> PyResult<Value> {
    let name = match core::str::from_utf8(name) {
        Ok(s) if !as_bytes => pystr::new(s)?,
        _ => pystr::new_bytes(name)?,
    };
    tuple::new(&[
        name,
        Value::small_int(if dir { MODE_DIR } else { MODE_FILE }),
        Value::small_int(0),
        int::from_u64(u64::from(size))?,
    ])
}

fn dir_iter_print(out: &mut dyn Print, _v: Value, _k: PrintKind) -> PyResult<()> {
    out.write_str("<iterator>")
}

/// The type of an `ilistdir()` iterator stepping with `next`.
pub const fn dir_iter_type(next: IterNextFn) -> Type {
    Type {
        name: Q::iterator,
        flags: flags::ITER_IS_ITERNEXT,
        print: Some(dir_iter_print),
        iternext: Some(next),
        ..Type::EMPTY
    }
}
