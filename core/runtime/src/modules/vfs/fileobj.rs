//! What the file objects of every file system share: the stream protocol's ioctl requests
//! turned into calls of a small [`FileOps`] trait, the `FileIO`/`TextIOWrapper` type
//! shape and their method table. `objs/fileio.rs` (the port's files) implements the trait
//! directly; the block-device file systems (VfsFat, VfsLfs1/2) do so through one generic
//! file object in `blockfs.rs`. Each file system keeps only its own read, write, seek,
//! flush and close.

use crate::modules::io as sio;
use crate::obj::{flags, LocalsRef, PrintFn, PyResult, Stream, Type, TypeExt};
use crate::qstr::Qstr;
use crate::raise;
use crate::value::Value;

/// The operations a file object's stream slot needs. Each receives the file object itself.
pub trait FileOps {
    /// Read up to `buf.len()` bytes; `Ok(0)` at end of file.
    fn read(v: Value, buf: &mut [u8]) -> PyResult<usize>;
    fn write(v: Value, buf: &[u8]) -> PyResult<usize>;
    /// Move to `off` bytes from `whence` (`SEEK_SET`/`SEEK_CUR`/`SEEK_END`); the new
    /// position.
    fn seek(v: Value, off: i64, whence: usize) -> PyResult<usize>;
    fn flush(v: Value) -> PyResult<()>;
    /// Close the file; closing a closed file does nothing.
    fn close(v: Value) -> PyResult<()>;
    /// `STREAM_GET_FILENO`: only files behind an OS handle have a number.
    fn fileno(_v: Value) -> PyResult<usize> {
        Err(raise::os_error(sio::EINVAL))
    }
}

fn ioctl<F: FileOps>(v: Value, request: usize, arg: usize) -> PyResult<usize> {
    ioctl_with(v, request, arg, &[F::flush, F::close], F::seek, F::fileno)
}

/// [`ioctl`]'s body, once for every file type.
#[inline(never)]
fn ioctl_with(
    v: Value,
    request: usize,
    arg: usize,
    [flush, close]: &[fn(Value) -> PyResult<()>; 2],
    seek: fn(Value, i64, usize) -> PyResult<usize>,
    fileno: fn(Value) -> PyResult<usize>,
) -> PyResult<usize> {
    match sio::split_request(request) {
        // The offset travels as a two's complement word.
        (sio::STREAM_SEEK, whence) => seek(v, arg as isize as i64, whence),
        (sio::STREAM_FLUSH, _) => flush(v).map(|()| 0),
        (sio::STREAM_CLOSE, _) => close(v).map(|()| 0),
        (sio::STREAM_GET_FILENO, _) => fileno(v),
        _ => Err(raise::os_error(sio::EINVAL)),
    }
}

/// The stream slot of files implementing `F`, binary or text.
pub const fn stream<F: FileOps>(is_text: bool) -> Stream {
    Stream {
        read: F::read,
        write: F::write,
        ioctl: ioctl::<F>,
        is_text,
    }
}

/// The slots of a file type past [`Type`]'s own: its stream and the collector's `finalise`.
pub const fn file_ext(stream: &'static Stream, finalise: fn(Value)) -> TypeExt {
    TypeExt {
        stream: Some(stream),
        finalise: Some(finalise),
        ..TypeExt::NONE
    }
}

/// A file type: iterable by lines, closed by the collector's `finalise` (in `ext`, made by
/// [`file_ext`]) when dropped open.
pub const fn file_type(
    name: Qstr,
    print: PrintFn,
    ext: &'static TypeExt,
    locals: LocalsRef,
) -> Type {
    Type {
        name,
        flags: flags::ITER_IS_ITERNEXT,
        print: Some(print),
        iternext: Some(sio::iternext),
        ext,
        locals,
        ..Type::EMPTY
    }
}

/// The method table of a file type. `$extra` entries (e.g. `fileno`) go after `__del__`:
/// the table's order is the order `dir()` lists, kept as it was.
macro_rules! file_locals {
    ($($extra:expr),*) => {{
        use $crate::modules::io::methods as m;
        use $crate::qstr::Q;
        [
            (Q::__enter__, m::ENTER),
            (Q::__exit__, m::EXIT),
            (Q::__next__, m::NEXT),
            (Q::close, m::CLOSE),
            (Q::read, m::READ),
            (Q::readinto, m::READINTO),
            (Q::readline, m::READLINE),
            (Q::write, m::WRITE),
            (Q::__del__, m::DEL),
            $($extra,)*
            (Q::flush, m::FLUSH),
            (Q::readlines, m::READLINES),
            (Q::seek, m::SEEK),
            (Q::tell, m::TELL),
        ]
    }};
}
pub(crate) use file_locals;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qstr::Q;

    struct Null;

    impl FileOps for Null {
        fn read(_v: Value, _buf: &mut [u8]) -> PyResult<usize> {
            Ok(0)
        }
        fn write(_v: Value, buf: &[u8]) -> PyResult<usize> {
            Ok(buf.len())
        }
        fn seek(_v: Value, off: i64, whence: usize) -> PyResult<usize> {
            Ok(off as usize * 10 + whence)
        }
        fn flush(_v: Value) -> PyResult<()> {
            Ok(())
        }
        fn close(_v: Value) -> PyResult<()> {
            Ok(())
        }
    }

    #[test]
    fn ioctl_passes_offset_and_whence_to_seek() {
        let s = stream::<Null>(true);
        assert!(s.is_text);
        assert_eq!(
            (s.ioctl)(Value::NONE, sio::seek_request(sio::SEEK_END), 7).ok(),
            Some(72)
        );
        assert_eq!((s.ioctl)(Value::NONE, sio::STREAM_FLUSH, 0).ok(), Some(0));
        assert_eq!((s.ioctl)(Value::NONE, sio::STREAM_CLOSE, 0).ok(), Some(0));
        assert_eq!((s.write)(Value::NONE, b"abc").ok(), Some(3));
    }

    #[test]
    fn extra_methods_go_after_del() {
        let plain: [(Qstr, Value); 13] = file_locals!();
        let more: [(Qstr, Value); 14] = file_locals!((Q::fileno, Value::NONE));
        assert_eq!(plain[8].0, Q::__del__);
        assert_eq!(more[9].0, Q::fileno);
        assert_eq!(more[10].0, plain[9].0);
    }
}
