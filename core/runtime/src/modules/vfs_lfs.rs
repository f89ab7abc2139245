//! `vfs.VfsLfs2` and `vfs.VfsLfs1`: littlefs v2 and v1 on a block device written in Python (upstream's
//! extmod/vfs_lfs.c, vfs_lfsx.c and vfs_lfsx_file.c). The format is in `vfs_lfs/`; this
//! file binds it: the device adapter (`readblocks(block, buf, off)`, `writeblocks`,
//! `ioctl` 3/4/5/6), the VfsLfs2 object with its current directory, its part of the file
//! objects (the objects themselves are `vfs/blockfs.rs`'s, shared with VfsFat) and the
//! `ilistdir` iterator. Block buffers are bytearrays in the heap; open files are kept in a
//! list on the file system object so their unwritten blocks are never handed out twice.

pub mod file;
pub mod lfs;
pub mod v1;

use crate::modules::vfs::blockfs::{self, path_str, BlockDev, BlockFile, BlockFs, DevSession};
use crate::modules::vfs::blockfs::{
    IOCTL_BLOCK_COUNT, IOCTL_BLOCK_ERASE, IOCTL_BLOCK_SIZE, IOCTL_SYNC,
};
use crate::obj::{ObjBase, PyResult, Type};
use crate::objs::{bytearray, int, list, str as pystr};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::state;
use crate::value::Value;
use alloc::string::String;
use lfs::{Ctx, DirStep, Error, FileState, Flash, Lfs, NAME_MAX, TYPE_DIR};

const EINVAL: i32 = 22;
const EBUSY: i32 = 16;
/// Open files whose pending lists are traversed at once (more are refused).
const MAX_PENDING: usize = 16;

#[repr(C)]
pub struct VfsLfs {
    base: ObjBase,
    /// The device, with an I/O buffer of one block.
    dev: BlockDev,
    rcache: Value,
    img: Value,
    state: Value,
    look: Value,
    /// Current directory: "/" or "/a/b/" (with the trailing slash, as upstream).
    cwd: Value,
    /// Open file objects.
    files: Value,
    mtime: bool,
    busy: bool,
    lfs: Lfs,
}

fn this(v: Value) -> PyResult<&'static mut VfsLfs> {
    v.downcast(&VFS_LFS2_TYPE)
        .or_else(|| v.downcast(&VFS_LFS1_TYPE))
        .ok_or_else(|| raise::type_error("expected VfsLfs2"))
}

/// A device status as littlefs takes it: a positive one is no error code (upstream:
/// EINVAL).
fn lfs_status(status: Option<isize>) -> lfs::Res<()> {
    match status {
        Some(0) => Ok(()),
        Some(n) if n > 0 => Err(Error::Inval),
        _ => Err(Error::Io),
    }
}

impl DevSession {
    fn ioctl(&mut self, op: isize, arg: u32) -> lfs::Res<Value> {
        let a = int::from_u64(u64::from(arg));
        let r = a.and_then(|a| {
            let (f, t) = runtime::load_method(self.dev.bdev, Q::ioctl)?;
            runtime::call_method(f, t, &[Value::small_int(op), a], &[])
        });
        r.map_err(|e| {
            self.keep(e);
            Error::Io
        })
    }
}

/// The Python block device as the format code sees it.
impl Flash for DevSession {
    fn read(&mut self, block: u32, buf: &mut [u8]) -> lfs::Res<()> {
        lfs_status(self.call(Q::readblocks, block, true))?;
        buf.copy_from_slice(self.buf(buf.len()).ok_or(Error::Io)?);
        Ok(())
    }

    fn prog(&mut self, block: u32, buf: &[u8]) -> lfs::Res<()> {
        if !self.dev.has_write {
            return Err(Error::ReadOnly);
        }
        self.buf(buf.len()).ok_or(Error::Io)?.copy_from_slice(buf);
        lfs_status(self.call(Q::writeblocks, block, true))
    }

    fn erase(&mut self, block: u32) -> lfs::Res<()> {
        let r = self.ioctl(IOCTL_BLOCK_ERASE, block)?;
        lfs_status(self.status(Ok(r)))
    }

    fn sync(&mut self) -> lfs::Res<()> {
        self.ioctl(IOCTL_SYNC, 0).map(|_| ())
    }
}

fn now_ns() -> u64 {
    state::get().hal.map(|h| h.time_ns()).unwrap_or(0)
}

/// Run `f` with a context on the file system `v`. Write sessions of open files other
/// than `except` are ended first, and the lists of uncommitted files are handed in.
fn run<T>(v: Value, except: Value, f: impl FnOnce(&mut Ctx) -> lfs::Res<T>) -> PyResult<T> {
    let fs = this(v)?;
    if fs.busy {
        return Err(raise::os_error(EBUSY));
    }
    let mut dev = fs.dev.session();
    fs.busy = true;
    fs.lfs.readonly = !fs.dev.has_write;
    let mut pending = [(0u32, 0u32); MAX_PENDING];
    let r = (|| -> lfs::Res<T> {
        let files = list::get(fs.files).map(|l| &*l.items()).unwrap_or(&[]);
        let mut ctx = Ctx {
            fs: &mut fs.lfs,
            rcache: bytearray::bytes(fs.rcache),
            img: bytearray::bytes(fs.img),
            state: bytearray::bytes(fs.state),
            look: bytearray::bytes(fs.look),
            dev: &mut dev,
            pending: &[],
            mtime: if fs.mtime { Some(now_ns()) } else { None },
        };
        if !ctx.fs.mounted {
            ctx.mount()?;
        }
        let mut n = 0;
        for fv in files.iter() {
            let Ok(file) = LfsFile::of(*fv) else { continue };
            let d = &mut file.data;
            if *fv != except && d.st.writing {
                let wbuf = bytearray::bytes(d.wbuf);
                ctx.file_flush(&mut d.st, wbuf)?;
            }
            if !d.st.inline && d.st.head != lfs::NULL && (d.st.dirty || d.st.writing) {
                if n == MAX_PENDING {
                    return Err(Error::NoSpc);
                }
                pending[n] = (d.st.orig_head_or_head(), d.st.orig_size_or_size());
                n += 1;
            }
        }
        let ctx = Ctx {
            pending: &pending[..n],
            ..ctx
        };
        let mut ctx = ctx;
        f(&mut ctx)
    })();
    fs.busy = false;
    r.map_err(|e| dev.error(e.errno()))
}

impl FileState {
    fn orig_head_or_head(&self) -> u32 {
        if self.writing {
            self.orig_head
        } else {
            self.head
        }
    }
    fn orig_size_or_size(&self) -> u32 {
        if self.writing {
            self.orig_size
        } else {
            self.size
        }
    }
}

/// The absolute, normalised form of a path (relative ones start at the current
/// directory; `.` and `..` are resolved by name, `..` stopping at the root).
fn make_path(v: Value, p: Value) -> PyResult<String> {
    let fs = this(v)?;
    let p = path_str(p)?;
    let mut joined = String::new();
    if !p.starts_with('/') {
        joined.push_str(pystr::as_str(fs.cwd).unwrap_or("/"));
    }
    joined.push_str(p);
    let mut out = String::from("/");
    for c in joined.split('/').filter(|c| !c.is_empty()) {
        match c {
            "." => {}
            ".." => {
                let cut = out.rfind('/').unwrap_or(0);
                out.truncate(cut.max(1));
            }
            _ => {
                if !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(c);
            }
        }
    }
    Ok(out)
}

use crate::modules::builtins::kw_get;

/// Build the object (not mounted) from `bdev` and the keyword settings.
fn build(ty: &'static Type, bdev: Value, kw: &[Value], args: &[Value]) -> PyResult<Value> {
    let arg = |i: usize, name: Qstr, default: isize| -> PyResult<isize> {
        match args.get(i).copied().or_else(|| kw_get(kw, name)) {
            Some(v) => int::get_isize(v),
            None => Ok(default),
        }
    };
    let _readsize = arg(1, Q::readsize, 32)?;
    let progsize = arg(2, Q::progsize, 32)?;
    let lookahead = arg(3, Q::lookahead, 32)?;
    let v1 = core::ptr::eq(ty, &VFS_LFS1_TYPE);
    let mtime = match args.get(4).copied().or_else(|| kw_get(kw, Q::mtime)) {
        Some(v) => runtime::is_true(v)? && !v1,
        None => !v1,
    };
    runtime::load_method(bdev, Q::readblocks)?;
    let has_write = runtime::load_method(bdev, Q::writeblocks).is_ok();
    let ioctl = |op: isize| -> PyResult<isize> {
        let (f, t) = runtime::load_method(bdev, Q::ioctl)?;
        let r = runtime::call_method(f, t, &[Value::small_int(op), Value::small_int(0)], &[])?;
        int::get_isize(r)
    };
    let bs = ioctl(IOCTL_BLOCK_SIZE)?;
    let bc = ioctl(IOCTL_BLOCK_COUNT)?;
    // (`u32::MAX as isize` is -1 on 32-bit targets: compare in u64.)
    if !(64..=65536).contains(&bs) || bc < 2 || bc as u64 > u64::from(u32::MAX / 2) {
        return Err(raise::os_error(EINVAL));
    }
    let (io, io_view) = blockfs::io_buffer(bs as usize)?;
    let rcache = blockfs::zeroed(bs as usize)?;
    let img = blockfs::zeroed(bs as usize)?;
    // Twice a block: a pair's entries may outgrow one block before it is split.
    let st = blockfs::zeroed(2 * bs as usize)?;
    let look_len = (lookahead.clamp(8, 4096) as usize).div_ceil(8).max(1);
    let look = blockfs::zeroed(look_len.min(bs as usize))?;
    let p = crate::mem::alloc(VfsLfs {
        base: ObjBase::new(ty),
        dev: BlockDev {
            bdev,
            io,
            io_view,
            has_write,
            has_ioctl: true,
        },
        rcache,
        img,
        state: st,
        look,
        cwd: Value::qstr(Q::_slash_),
        files: list::new(&[])?,
        mtime,
        busy: false,
        lfs: Lfs::new(bs as u32, bc as u32, progsize.clamp(1, bs) as u32),
    })?;
    // The object was just made: set the format version.
    if let Some(o) = Value::from_ptr(p).downcast::<VfsLfs>(ty) {
        o.lfs.v1 = v1;
    }
    Ok(Value::from_ptr(p))
}

fn lfs_new(ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let Some(&bdev) = args.first() else {
        return Err(raise::type_error(
            "function missing 1 required positional arguments",
        ));
    };
    let v = build(ty, bdev, kw, args)?;
    run(v, Value::NONE, |_| Ok(()))?;
    Ok(v)
}

fn lfs_mkfs(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    mkfs_as(&VFS_LFS2_TYPE, args, kw)
}

fn lfs1_mkfs(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    mkfs_as(&VFS_LFS1_TYPE, args, kw)
}

fn mkfs_as(ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let Some(&bdev) = args.first() else {
        return Err(raise::type_error(
            "function missing 1 required positional arguments",
        ));
    };
    let v = build(ty, bdev, kw, args)?;
    let fs = this(v)?;
    fs.lfs.mounted = true; // skip mounting: there is nothing to mount yet
    run(v, Value::NONE, |c| c.format())?;
    Ok(Value::NONE)
}

/// The file system object for a bare block device holding littlefs v2, if it does
/// (upstream's autodetection: "littlefs" at offset 8 of block 0 or 1).
pub fn autodetect(bdev: Value) -> PyResult<Option<Value>> {
    if let Some(v) = detect_as(&VFS_LFS2_TYPE, bdev)? {
        return Ok(Some(v));
    }
    detect_as(&VFS_LFS1_TYPE, bdev)
}

fn detect_as(ty: &'static Type, bdev: Value) -> PyResult<Option<Value>> {
    let Ok(v) = build(ty, bdev, &[], &[bdev]) else {
        return Ok(None);
    };
    let fs = this(v)?;
    fs.lfs.mounted = true;
    let found = run(v, Value::NONE, |c| Ok(c.mount().is_ok())).unwrap_or(false);
    let fs = this(v)?;
    fs.lfs.mounted = false;
    if !found {
        return Ok(None);
    }
    run(v, Value::NONE, |_| Ok(()))?;
    Ok(Some(v))
}

fn lfs_mount(v: Value, readonly: Value, _mkfs: Value) -> PyResult<Value> {
    let fs = this(v)?;
    if runtime::is_true(readonly)? {
        fs.dev.has_write = false;
    }
    Ok(Value::NONE)
}

fn lfs_open(v: Value, path: Value, mode: Value) -> PyResult<Value> {
    let p = make_path(v, path)?;
    let (m, text) = blockfs::open_mode(mode)?;
    let fs = this(v)?;
    let wbuf = blockfs::zeroed(fs.lfs.bs as usize)?;
    let data = LfsOpen {
        path: pystr::new(&p)?,
        wbuf,
        st: FileState::default(),
    };
    let f = LfsFile::alloc(text, v, data)?;
    let fv = f.value();
    let wb = bytearray::bytes(wbuf);
    f.data.st = run(v, fv, |c| c.file_open(&p, m, wb))?;
    f.open = true;
    list::append(this(v)?.files, fv)?;
    Ok(fv)
}

fn lfs_ilistdir(args: &[Value]) -> PyResult<Value> {
    let v = args[0];
    let (path, as_bytes) = match args.get(1) {
        Some(p) => (make_path(v, *p)?, pystr::is_bytes(*p)),
        None => (make_path(v, this(v)?.cwd)?, false),
    };
    let pair = run(v, Value::NONE, |c| c.open_dir(&path))?;
    let p = crate::mem::alloc(DirIter {
        base: ObjBase::new(&DIR_ITER_TYPE),
        vfs: v,
        pair,
        id: 0,
        done: false,
        as_bytes,
    })?;
    Ok(Value::from_ptr(p))
}

fn lfs_mkdir(v: Value, path: Value) -> PyResult<Value> {
    let p = make_path(v, path)?;
    run(v, Value::NONE, |c| c.mkdir(&p))?;
    Ok(Value::NONE)
}

fn lfs_remove(v: Value, path: Value) -> PyResult<Value> {
    let p = make_path(v, path)?;
    run(v, Value::NONE, |c| c.remove(&p))?;
    Ok(Value::NONE)
}

fn lfs_rename(v: Value, a: Value, b: Value) -> PyResult<Value> {
    let pa = make_path(v, a)?;
    let pb = make_path(v, b)?;
    run(v, Value::NONE, |c| c.rename(&pa, &pb))?;
    Ok(Value::NONE)
}

fn lfs_chdir(v: Value, path: Value) -> PyResult<Value> {
    let p = make_path(v, path)?;
    if p != "/" {
        let r = run(v, Value::NONE, |c| c.stat(&p));
        match r {
            Ok((t, _, _)) if t == TYPE_DIR => {}
            _ => return Err(raise::os_error(2)),
        }
    }
    let mut s = p;
    if s != "/" {
        s.push('/');
    }
    this(v)?.cwd = pystr::new(&s)?;
    Ok(Value::NONE)
}

fn lfs_getcwd(v: Value) -> PyResult<Value> {
    let c = pystr::as_str(this(v)?.cwd).unwrap_or("/");
    if c.len() <= 1 {
        return Ok(Value::qstr(Q::_slash_));
    }
    pystr::new(&c[..c.len() - 1])
}

fn lfs_stat(v: Value, path: Value) -> PyResult<Value> {
    let p = make_path(v, path)?;
    let (ty, size, mt) = run(v, Value::NONE, |c| c.stat(&p))?;
    let mode = if ty == TYPE_DIR {
        blockfs::MODE_DIR
    } else {
        blockfs::MODE_FILE
    };
    let secs = mt.map(|ns| (ns / 1_000_000_000) as i64).unwrap_or(0);
    blockfs::stat_tuple(mode, size, secs)
}

fn lfs_statvfs(v: Value, _path: Value) -> PyResult<Value> {
    let (bs, bc, used) = run(v, Value::NONE, |c| {
        let used = c.used_blocks()?;
        Ok((c.fs.bs, c.fs.bc, used))
    })?;
    blockfs::statvfs_tuple(bs, bc, bc.saturating_sub(used), NAME_MAX)
}

static MKFS: crate::objs::fun::MethodWrapper = crate::objs::fun::MethodWrapper {
    base: ObjBase::new(&crate::objs::fun::STATICMETHOD_TYPE),
    fun: crate::fun!(
        mkfs,
        Kw {
            min: 1,
            f: lfs_mkfs
        }
    ),
};

/// The methods of both littlefs versions: only `mkfs` differs.
macro_rules! lfs_locals {
    ($mkfs:expr) => {
        blockfs::fs_locals! {
            mkfs: $mkfs,
            open: lfs_open,
            ilistdir: lfs_ilistdir,
            mkdir: lfs_mkdir,
            rmdir: lfs_remove,
            chdir: lfs_chdir,
            getcwd: lfs_getcwd,
            remove: lfs_remove,
            rename: lfs_rename,
            stat: lfs_stat,
            statvfs: lfs_statvfs,
            mount: lfs_mount,
            umount: blockfs::umount,
        }
    };
}

static LFS_LOCALS: [(Qstr, Value); 14] = lfs_locals!(&MKFS);

static MKFS1: crate::objs::fun::MethodWrapper = crate::objs::fun::MethodWrapper {
    base: ObjBase::new(&crate::objs::fun::STATICMETHOD_TYPE),
    fun: crate::fun!(
        mkfs,
        Kw {
            min: 1,
            f: lfs1_mkfs
        }
    ),
};

static LFS1_LOCALS: [(Qstr, Value); 14] = lfs_locals!(&MKFS1);

pub static VFS_LFS1_TYPE: Type = Type {
    name: Q::VfsLfs1,
    make_new: Some(lfs_new),
    locals: crate::locals!(&LFS1_LOCALS),
    ..Type::EMPTY
};

pub static VFS_LFS2_TYPE: Type = Type {
    name: Q::VfsLfs2,
    make_new: Some(lfs_new),
    locals: crate::locals!(&LFS_LOCALS),
    ..Type::EMPTY
};

// --- ilistdir ---

#[repr(C)]
struct DirIter {
    base: ObjBase,
    vfs: Value,
    pair: [u32; 2],
    id: u32,
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
    let mut name = [0u8; NAME_MAX];
    let (mut pair, mut id) = (it.pair, it.id);
    let step = run(it.vfs, Value::NONE, |c| loop {
        match c.dir_entry(pair, id, &mut name)? {
            DirStep::Next(p) => {
                pair = p;
                id = 0;
            }
            s => return Ok(s),
        }
    });
    let step = match step {
        Ok(s) => s,
        Err(e) => {
            it.done = true;
            return Err(e);
        }
    };
    let DirStep::Entry {
        id: eid,
        ty,
        size,
        name_len,
    } = step
    else {
        it.done = true;
        return Ok(None);
    };
    it.pair = pair;
    it.id = eid + 1;
    let n = name.get(..name_len).unwrap_or(&[]);
    Ok(Some(blockfs::dir_entry(
        n,
        it.as_bytes,
        ty == TYPE_DIR,
        size,
    )?))
}

static DIR_ITER_TYPE: Type = blockfs::dir_iter_type(dir_iter_next);

// --- files ---

/// VfsLfs1/2's part of its file objects.
pub enum LfsFs {}

type LfsFile = BlockFile<LfsFs>;

/// What a littlefs file object keeps.
pub struct LfsOpen {
    /// Absolute path, to find the entry again when committing.
    path: Value,
    /// bytearray(block size): inline data or the block being written.
    wbuf: Value,
    st: FileState,
}

/// Commit the file's data and entry.
fn sync_file(f: &mut LfsFile, v: Value) -> PyResult<()> {
    let mut st = f.data.st;
    let wb = bytearray::bytes(f.data.wbuf);
    let path = pystr::as_str(f.data.path).unwrap_or("");
    let r = run(f.vfs, v, |c| c.file_sync(path, &mut st, wb));
    f.data.st = st;
    r
}

impl BlockFs for LfsFs {
    type State = LfsOpen;
    const PRINT_ADDRESS: bool = false;
    const TYPES: [&'static Type; 2] = [&LFS_FILEIO_TYPE, &LFS_TEXTIO_TYPE];

    fn read(f: &mut LfsFile, v: Value, buf: &mut [u8]) -> PyResult<usize> {
        let mut st = f.data.st;
        let wb = bytearray::bytes(f.data.wbuf);
        let r = run(f.vfs, v, |c| c.file_read(&mut st, wb, buf));
        f.data.st = st;
        r
    }

    fn write(f: &mut LfsFile, v: Value, buf: &[u8]) -> PyResult<usize> {
        let mut st = f.data.st;
        let wb = bytearray::bytes(f.data.wbuf);
        let r = run(f.vfs, v, |c| c.file_write(&mut st, wb, buf));
        f.data.st = st;
        r
    }

    fn pos(d: &LfsOpen) -> u32 {
        d.st.pos
    }

    fn end(d: &LfsOpen) -> u32 {
        if d.st.writing {
            d.st.pos.max(d.st.orig_size)
        } else {
            d.st.size
        }
    }

    fn seek(f: &mut LfsFile, v: Value, target: i64) -> PyResult<usize> {
        // littlefs's limit on file positions.
        if !(0..=0x7fff_ffff).contains(&target) {
            return Err(raise::os_error(EINVAL));
        }
        let mut st = f.data.st;
        let wb = bytearray::bytes(f.data.wbuf);
        let r = run(f.vfs, v, |c| c.file_seek(&mut st, wb, target as u32));
        f.data.st = st;
        Ok(r? as usize)
    }

    fn flush(f: &mut LfsFile, v: Value) -> PyResult<()> {
        sync_file(f, v)
    }

    /// Commit, then leave the file system's list of open files.
    fn close(f: &mut LfsFile, v: Value) -> PyResult<()> {
        let r = sync_file(f, v);
        if let Ok(fs) = this(f.vfs) {
            if let Some(l) = list::get(fs.files) {
                let items = l.items();
                if let Some(i) = items.iter().position(|x| *x == v) {
                    items.copy_within(i + 1.., i);
                    l.len -= 1;
                }
            }
        }
        r
    }

    fn busy(vfs: Value) -> bool {
        this(vfs).is_ok_and(|fs| fs.busy)
    }
}

blockfs::file_types!(LfsFs, LFS_FILEIO_TYPE, LFS_TEXTIO_TYPE);

#[cfg(test)]
mod tests {
    use crate::modules::vfs::OpenMode;

    #[test]
    fn modes_parse() {
        let (m, t) = OpenMode::parse("ab");
        assert!(m.append && m.write && !t);
    }
}
