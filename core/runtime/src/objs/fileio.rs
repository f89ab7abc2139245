//! File objects: `FileIO` (binary) and `TextIOWrapper` (text) over a handle of the port's
//! file system (MicroPython's extmod/vfs_posix_file.c). Unbuffered: every read and write
//! goes to the [`Hal`](crate::hal::Hal). Allocated with a finaliser, so a file dropped
//! without `close()` is closed when the collector frees it. The stream dispatch, type shape
//! and method table are `modules/vfs/fileobj.rs`'s, shared with every file system.

#[cfg(feature = "vfs_posix")]
use crate::hal::OpenFlags;
use crate::modules::io as sio;
use crate::modules::vfs::fileobj::{self, FileOps};
use crate::obj::{AttrOp, ObjBase, Print, PrintKind, PyResult, Stream, Type};
#[cfg(feature = "vfs_posix")]
use crate::objs::str as pystr;
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::state;
use crate::value::Value;
use core::cell::Cell;

#[repr(C)]
pub struct FileObj {
    base: ObjBase,
    /// The port's handle; -1 once closed. A Cell so the static standard streams can be
    /// closed too.
    handle: Cell<isize>,
}

// SAFETY: the runtime is single-threaded (see state.rs); the Cell is never shared across
// threads.
unsafe impl Sync for FileObj {}

fn get(v: Value) -> Option<&'static FileObj> {
    let ty = v.type_of();
    if core::ptr::eq(ty, &FILEIO_TYPE) || core::ptr::eq(ty, &TEXTIO_TYPE) {
        // SAFETY: both types use the FileObj layout; only shared references are made, as
        // the standard streams are statics.
        Some(unsafe { &*(v.as_ptr::<FileObj>() as *const FileObj) })
    } else {
        None
    }
}

/// The open handle of file `v`, or ValueError for a closed file.
fn handle(v: Value) -> PyResult<isize> {
    match get(v) {
        Some(f) if f.handle.get() >= 0 => Ok(f.handle.get()),
        Some(_) => Err(sio::closed_error()),
        None => Err(raise::type_error("expected file")),
    }
}

fn hal() -> PyResult<&'static dyn crate::hal::Hal> {
    state::get()
        .hal
        .ok_or_else(|| raise::os_error(crate::hal::errno::ENOENT))
}

/// Parse an `open()` mode string the way upstream does: unknown letters are ignored, the
/// last of r/w/a wins, `+` adds the other direction, `b`/`t` pick the type.
#[cfg(feature = "vfs_posix")]
pub fn parse_mode(mode: &str) -> (OpenFlags, bool) {
    let mut fl = OpenFlags {
        read: true,
        ..OpenFlags::default()
    };
    let mut text = true;
    for c in mode.bytes() {
        match c {
            b'r' => {
                fl.read = true;
                fl.write = false;
                fl.create = false;
                fl.truncate = false;
                fl.append = false;
            }
            b'w' => {
                fl.read = false;
                fl.write = true;
                fl.create = true;
                fl.truncate = true;
                fl.append = false;
            }
            b'a' => {
                fl.read = false;
                fl.write = true;
                fl.create = true;
                fl.truncate = false;
                fl.append = true;
            }
            b'+' => {
                fl.read = true;
                fl.write = true;
            }
            b'b' => text = false,
            b't' => text = true,
            _ => {}
        }
    }
    (fl, text)
}

/// `open(file, mode)`: `file` is a path (possibly into a mounted file system) or an
/// already open handle (a small int).
pub fn open(file: Value, mode: Option<Value>) -> PyResult<Value> {
    crate::modules::vfs::open(file, mode.unwrap_or(Value::qstr(Q::r)))
}

/// `open` on the port's own file system (`VfsPosix`).
#[cfg(feature = "vfs_posix")]
pub fn open_native(file: Value, mode: Option<Value>) -> PyResult<Value> {
    let mode_s = match mode {
        None => "r",
        Some(mv) => pystr::as_str(mv).ok_or_else(|| pystr::bad_implicit_conversion(mv))?,
    };
    let (fl, text) = parse_mode(mode_s);
    let ty: &'static Type = if text { &TEXTIO_TYPE } else { &FILEIO_TYPE };
    let h = if let Some(n) = file.as_small_int() {
        n
    } else {
        let path = pystr::as_str(file).ok_or_else(|| pystr::bad_implicit_conversion(file))?;
        hal()?.file_open(path, fl).map_err(raise::os_error)?
    };
    match crate::mem::alloc_finalised(FileObj {
        base: ObjBase::new(ty),
        handle: Cell::new(h),
    }) {
        Ok(p) => Ok(Value::from_ptr(p)),
        Err(e) => {
            if file.as_small_int().is_none() {
                let _ = hal().map(|hl| hl.file_close(h));
            }
            Err(e)
        }
    }
}

// --- slots ---

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let h = get(v).map(|f| f.handle.get()).unwrap_or(-1);
    let mut digits = [0u8; 24];
    out.write_str("<io.")?;
    out.write_str(v.type_of().name.as_str())?;
    out.write_str(" ")?;
    out.write_str(crate::objs::int::format_isize(h, &mut digits))?;
    out.write_str(">")
}

// The standard handles go through the console functions of the Hal, so they work on
// ports without files and keep their order with other console output (as upstream's
// dupterm path does).

/// Console input; other threads run while it waits. It reads into a buffer of its own
/// and copies under the GIL: `buf` may be heap memory, which only the GIL holder may touch.
#[cfg(feature = "thread")]
fn read_stdin(hl: &'static dyn crate::hal::Hal, buf: &mut [u8]) -> usize {
    let mut tmp = [0u8; 256];
    let n = buf.len().min(tmp.len());
    let got = crate::thread::without_gil(|| hl.stdin_read(&mut tmp[..n])).min(n);
    if let (Some(dst), Some(src)) = (buf.get_mut(..got), tmp.get(..got)) {
        dst.copy_from_slice(src);
    }
    got
}

#[cfg(not(feature = "thread"))]
fn read_stdin(hl: &'static dyn crate::hal::Hal, buf: &mut [u8]) -> usize {
    hl.stdin_read(buf)
}

impl FileOps for FileObj {
    fn read(v: Value, buf: &mut [u8]) -> PyResult<usize> {
        let h = handle(v)?;
        let hl = hal()?;
        if h == 0 {
            return Ok(read_stdin(hl, buf));
        }
        hl.file_read(h, buf).map_err(raise::os_error)
    }

    fn write(v: Value, buf: &[u8]) -> PyResult<usize> {
        let h = handle(v)?;
        let hl = hal()?;
        match h {
            // `sys.stdout.buffer` passes bytes through untranslated (boards turn `\n` into
            // `\r\n` only on text output).
            1 if !core::ptr::eq(v.type_of(), &TEXTIO_TYPE) => hl.stdout_write_raw(buf),
            1 => hl.stdout_write(buf),
            2 => hl.stderr_write(buf),
            _ => return hl.file_write(h, buf).map_err(raise::os_error),
        }
        Ok(buf.len())
    }

    fn seek(v: Value, off: i64, whence: usize) -> PyResult<usize> {
        let h = handle(v)?;
        let pos = hal()?
            .file_seek(h, off, whence as u8)
            .map_err(raise::os_error)?;
        Ok(pos as usize)
    }

    fn flush(v: Value) -> PyResult<()> {
        let h = handle(v)?;
        hal()?.file_sync(h).map_err(raise::os_error)
    }

    fn close(v: Value) -> PyResult<()> {
        close_handle(v);
        Ok(())
    }

    fn fileno(v: Value) -> PyResult<usize> {
        Ok(handle(v)? as usize)
    }
}

/// Close the handle once; errors from the port are ignored, as upstream does.
fn close_handle(v: Value) {
    if let Some(f) = get(v) {
        let h = f.handle.replace(-1);
        if h >= 0 {
            if let Some(hl) = state::get().hal {
                let _ = hl.file_close(h);
            }
        }
    }
}

/// Run by the collector for an unreachable file: close it. Must not allocate.
fn finalise(v: Value) {
    close_handle(v);
}

/// `sys.stdin.buffer` and friends: only the standard streams have one.
fn text_attr(v: Value, name: Qstr, op: AttrOp) -> PyResult<Option<Value>> {
    if name != Q::buffer || op != AttrOp::Load {
        return Ok(None);
    }
    let p = v.as_ptr::<FileObj>() as *const FileObj;
    Ok([
        (&STDIN, &STDIN_BUFFER),
        (&STDOUT, &STDOUT_BUFFER),
        (&STDERR, &STDERR_BUFFER),
    ]
    .into_iter()
    .find(|(t, _)| core::ptr::eq(p, *t))
    .map(|(_, b)| Value::from_static(b)))
}

// --- methods ---

fn fileno(v: Value) -> PyResult<Value> {
    Ok(Value::small_int(handle(v)?))
}

static LOCALS: [(Qstr, Value); 14] =
    fileobj::file_locals!(crate::entry!(fileno, crate::fun!(fileno, F1(fileno))));

static FILE_STREAM: Stream = fileobj::stream::<FileObj>(false);

static TEXT_STREAM: Stream = fileobj::stream::<FileObj>(true);

pub static FILEIO_TYPE: Type =
    fileobj::file_type(Q::FileIO, print, &FILE_STREAM, finalise, &LOCALS);

pub static TEXTIO_TYPE: Type = Type {
    attr: Some(text_attr),
    ..fileobj::file_type(Q::TextIOWrapper, print, &TEXT_STREAM, finalise, &LOCALS)
};

const fn std_file(ty: &'static Type, h: isize) -> FileObj {
    FileObj {
        base: ObjBase::new(ty),
        handle: Cell::new(h),
    }
}

/// `sys.stdin`, `sys.stdout`, `sys.stderr` and their `.buffer` binary twins.
pub static STDIN: FileObj = std_file(&TEXTIO_TYPE, 0);
pub static STDOUT: FileObj = std_file(&TEXTIO_TYPE, 1);
pub static STDERR: FileObj = std_file(&TEXTIO_TYPE, 2);
pub static STDIN_BUFFER: FileObj = std_file(&FILEIO_TYPE, 0);
pub static STDOUT_BUFFER: FileObj = std_file(&FILEIO_TYPE, 1);
pub static STDERR_BUFFER: FileObj = std_file(&FILEIO_TYPE, 2);

#[cfg(all(test, feature = "vfs_posix"))]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_like_upstream() {
        let (f, t) = parse_mode("r");
        assert!(f.read && !f.write && !f.create && t);
        let (f, t) = parse_mode("wb");
        assert!(!f.read && f.write && f.create && f.truncate && !t);
        let (f, _) = parse_mode("a");
        assert!(f.write && f.append && f.create && !f.truncate && !f.read);
        let (f, t) = parse_mode("r+b");
        assert!(f.read && f.write && !f.create && !t);
        let (f, _) = parse_mode("w+");
        assert!(f.read && f.write && f.truncate);
        let (f, t) = parse_mode("rq");
        assert!(f.read && !f.write && t);
    }
}
