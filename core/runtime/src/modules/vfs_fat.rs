//! `vfs.VfsFat`: a FAT12/16/32 file system (with long names) on a block device written in
//! Python (upstream's extmod/vfs_fat.c, vfs_fat_file.c, vfs_fat_diskio.c and
//! vfs_blockdev.c). The on-disk format is in `vfs_fat/` (plain Rust over a
//! [`BlockDevice`]); this file binds it to the interpreter: the device adapter calling
//! `readblocks`/`writeblocks`/`ioctl` (or the old `count`/`sync` protocol), the VfsFat
//! object, its part of the file objects (the objects themselves are `vfs/blockfs.rs`'s,
//! shared with VfsLfs) and the `ilistdir` iterator.
//!
//! The volume's bookkeeping lives inside the VfsFat heap object; the window and the
//! buffer handed to the device are bytearrays in the heap. Python code run by the device
//! may collect garbage, whose file finalisers would re-enter the volume: a busy flag makes
//! them skip instead.

pub mod dir;
pub mod file;
pub mod mkfs;
pub mod volume;

use crate::modules::vfs::blockfs::{self, path_str, BlockDev, BlockFile, BlockFs, DevSession};
use crate::modules::vfs::blockfs::{IOCTL_BLOCK_COUNT, IOCTL_BLOCK_SIZE, IOCTL_INIT, IOCTL_SYNC};
use crate::obj::{ObjBase, PyResult, Type};
use crate::objs::{bytearray, int, str as pystr};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::state;
use crate::value::Value;
use alloc::vec::Vec;
use dir::{DirPos, Entry, Want, MAX_LFN};
use file::FileState;
use volume::{BlockDevice, Error, Fat, Volume};

const EBUSY: i32 = 16;
const EINVAL: i32 = 22;

#[repr(C)]
pub struct VfsFat {
    base: ObjBase,
    /// The device, with an I/O buffer of one sector.
    dev: BlockDev,
    /// bytearray(sector size): the volume's window.
    win: Value,
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

/// The Python block device as the format code sees it.
impl BlockDevice for DevSession {
    fn read(&mut self, sector: u32, buf: &mut [u8]) -> Result<(), Error> {
        if self.call(Q::readblocks, sector, false) != Some(0) {
            return Err(Error::Io);
        }
        buf.copy_from_slice(self.buf(buf.len()).ok_or(Error::Io)?);
        Ok(())
    }

    fn write(&mut self, sector: u32, buf: &[u8]) -> Result<(), Error> {
        if !self.dev.has_write {
            return Err(Error::ReadOnly);
        }
        self.buf(buf.len()).ok_or(Error::Io)?.copy_from_slice(buf);
        if self.call(Q::writeblocks, sector, false) != Some(0) {
            return Err(Error::Io);
        }
        Ok(())
    }

    fn sync(&mut self) -> Result<(), Error> {
        match dev_ioctl(self.dev.bdev, self.dev.has_ioctl, IOCTL_SYNC) {
            Ok(_) => Ok(()),
            Err(e) => {
                self.keep(e);
                Err(Error::Io)
            }
        }
    }
}

/// `ioctl(op, 0)`, or the old protocol's `count()`/`sync()`.
fn dev_ioctl(bdev: Value, has_ioctl: bool, op: isize) -> PyResult<Value> {
    if has_ioctl {
        return call_fs(bdev, Q::ioctl, &[Value::small_int(op), Value::small_int(0)]);
    }
    match op {
        IOCTL_BLOCK_COUNT => call_fs(bdev, Q::count, &[]),
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

/// A FAT time stamp for times it cannot hold (before 1980 or after 2107): 1980-01-01.
const STAMP_NONE: u32 = 0x0021_0000;
/// Days in each month of a common year.
const MONTH_DAYS: [u8; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// The current local time as a FAT time stamp (date in the high half).
fn fat_now() -> u32 {
    let Some(h) = state::get().hal else {
        return STAMP_NONE;
    };
    let Some(t) = whole_seconds(h.time()) else {
        return STAMP_NONE;
    };
    fat_stamp(t + h.local_offset(t).0)
}

/// `x` truncated, for 1 <= x < 2^33 only: every other time (negative, NaN, or 2242 on)
/// is outside the FAT's range whatever the zone's offset. From the double's bits: a general
/// conversion costs flash that 32-bit boards feel.
fn whole_seconds(x: f64) -> Option<i64> {
    let bits = x.to_bits();
    let exp = (bits >> 52) as u32;
    if !(1023..1023 + 33).contains(&exp) {
        return None;
    }
    Some((((bits & ((1 << 52) - 1)) | (1 << 52)) >> (1075 - exp)) as i64)
}

/// The FAT time stamp of `t` seconds since 1970. In 32-bit arithmetic (seconds since
/// 1980 fit 32 bits past 2107): the 64-bit calendar of `time` costs far more flash on
/// 32-bit boards, which have no 64-bit division.
fn fat_stamp(t: i64) -> u32 {
    let Some(s) = t
        .checked_sub(315_532_800)
        .and_then(|s| u32::try_from(s).ok())
    else {
        return STAMP_NONE;
    };
    let mut days = s / 86_400;
    let secs = s % 86_400;
    let mut year = 0;
    // Years from 1980 on are leap every fourth one, but for 2100 (year 120).
    let leap = loop {
        let leap = year % 4 == 0 && year != 120;
        let len = 365 + u32::from(leap);
        if days < len {
            break leap;
        }
        days -= len;
        year += 1;
    };
    if year > 127 {
        return STAMP_NONE;
    }
    let mut month = 1;
    for (i, len) in MONTH_DAYS.iter().enumerate() {
        let len = u32::from(*len) + u32::from(leap && i == 1);
        if days < len {
            break;
        }
        days -= len;
        month += 1;
    }
    (year << 25)
        | (month << 21)
        | ((days + 1) << 16)
        | ((secs / 3600) << 11)
        | ((secs / 60 % 60) << 5)
        | (secs % 60 / 2)
}

/// Seconds since 1970 of a FAT time stamp (read as UTC, as upstream does): `time`'s
/// days-from-civil formula in 32 bits (the year, 1979 to 2107 after the March shift, keeps
/// every step positive), so odd months (0, 13 to 15) count as there too.
fn fat_seconds(ts: u32) -> i64 {
    let date = ts >> 16;
    let time = ts & 0xFFFF;
    let m = (date >> 5) & 0x0F;
    let y = 1980 + ((date >> 9) & 0x7F) - u32::from(m <= 2);
    let yoe = y % 400;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + (153 * ((m + 9) % 12) + 2) / 5;
    let days = (y / 400) * 146_097 + doe + (date & 0x1F) - 719_469;
    i64::from(days) * 86_400
        + i64::from(((time >> 11) & 0x1F) * 3600 + ((time >> 5) & 0x3F) * 60 + 2 * (time & 0x1F))
}

// --- running the format code ---

/// Run `f` on the volume of VfsFat `v`, mounting it first if needed. Not generic, and
/// the callers' closures hand results out through their captures: a generic `run::<T, F>`
/// per operation cost about a KB of the firmware's flash.
#[inline(never)]
fn run(v: Value, f: &mut dyn FnMut(&mut Fat) -> Result<(), Error>) -> PyResult<()> {
    let fs = this(v)?;
    if fs.busy {
        return Err(raise::os_error(EBUSY));
    }
    let win = bytearray::bytes(fs.win);
    let mut dev = fs.dev.session();
    fs.busy = true;
    fs.vol.now = fat_now();
    fs.vol.readonly = !fs.dev.has_write;
    let mut fat = Fat::new(fs.vol, win, &mut dev);
    let m = if fat.vol.mounted() {
        Ok(())
    } else {
        fat.mount()
    };
    let r = m.and_then(|_| f(&mut fat));
    fs.vol = fat.vol;
    fs.busy = false;
    r.map_err(|e| dev.error(e.errno()))
}

use crate::modules::vfs::{call_fs, errno_value};

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
    let (io, io_view) = blockfs::io_buffer(ss as usize)?;
    let win = blockfs::zeroed(ss as usize)?;
    let p = crate::mem::alloc(VfsFat {
        base: ObjBase::new(ty),
        dev: BlockDev {
            bdev,
            io,
            io_view,
            has_write,
            has_ioctl,
        },
        win,
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
    // Only "no file system" is tolerated (mount(mkfs=True) may make one); the volume is
    // never left mounted by a failed mount.
    match run(v, &mut |_| Ok(())) {
        Err(e) if errno_value(e) != Some(19) => Err(e),
        r => {
            this(v)?.no_fs = r.is_err();
            Ok(v)
        }
    }
}

/// The file system object for a bare block device given to `vfs.mount` (upstream's
/// autodetection; only FAT is known here).
pub fn autodetect(bdev: Value) -> PyResult<Value> {
    fat_new(&VFS_FAT_TYPE, &[bdev], &[])
}

/// `VfsFat.mkfs(bdev)`: format the block device.
pub fn fat_mkfs(bdev: Value) -> PyResult<Value> {
    let v = fat_new(&VFS_FAT_TYPE, &[bdev], &[])?;
    do_mkfs(v)?;
    Ok(Value::NONE)
}

fn do_mkfs(v: Value) -> PyResult<()> {
    let fs = this(v)?;
    let total = dev_ioctl(fs.dev.bdev, fs.dev.has_ioctl, IOCTL_BLOCK_COUNT)?;
    let total = u32::try_from(int::get_isize(total)?.max(0)).unwrap_or(u32::MAX);
    let mut dev = fs.dev.session();
    let win = bytearray::bytes(fs.win);
    fs.vol.fat_type = 0;
    let r = mkfs::mkfs(&mut dev, win, total, fat_now());
    // Unmounted: the next operation mounts afresh, and mounting sets up all the rest.
    fs.vol.fat_type = 0;
    fs.no_fs = false;
    r.map_err(|e| {
        dev.error(match e {
            Error::ReadOnly => 30,
            e => e.errno(),
        })
    })
}

fn fat_mount(v: Value, readonly: Value, mkfs_: Value) -> PyResult<Value> {
    let fs = this(v)?;
    if runtime::is_true(readonly)? {
        fs.dev.has_write = false;
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

fn fat_open(v: Value, path: Value, mode: Value) -> PyResult<Value> {
    let p = path_str(path)?;
    let (m, text) = blockfs::open_mode(mode)?;
    let f = FatFile::alloc(text, v, FileState::default())?;
    run(v, &mut |fat| {
        f.data = fat.open(p, m)?;
        Ok(())
    })?;
    f.open = true;
    Ok(f.value())
}

fn fat_ilistdir(args: &[Value]) -> PyResult<Value> {
    let v = args[0];
    let (path, as_bytes) = match args.get(1) {
        Some(p) => (path_str(*p)?, pystr::is_bytes(*p)),
        None => ("", false),
    };
    let mut pos = DirPos::default();
    run(v, &mut |fat| {
        let c = fat.open_dir(path)?;
        pos = fat.dir_start(c);
        Ok(())
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
    run(v, &mut |fat| fat.mkdir(p))?;
    Ok(Value::NONE)
}

/// Remove a file (`want_dir` false) or a directory, refusing the other kind as upstream.
fn remove_kind(v: Value, path: Value, want_dir: bool) -> PyResult<Value> {
    let p = path_str(path)?;
    run(v, &mut |fat| fat.unlink(p, want_dir))?;
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
    match run(v, &mut |fat| fat.rename(pa, pb)) {
        Ok(()) => {}
        Err(e) if errno_value(e) == Some(17) => {
            // POSIX semantics: an existing file is replaced.
            remove_kind(v, b, false)?;
            run(v, &mut |fat| fat.rename(pa, pb))?;
        }
        Err(e) => return Err(e),
    }
    Ok(Value::NONE)
}

fn fat_chdir(v: Value, path: Value) -> PyResult<Value> {
    let p = path_str(path)?;
    run(v, &mut |fat| fat.chdir(p))?;
    Ok(Value::NONE)
}

fn fat_getcwd(v: Value) -> PyResult<Value> {
    let mut out = Vec::new();
    run(v, &mut |fat| fat.getcwd(&mut out))?;
    match core::str::from_utf8(&out) {
        Ok(s) => pystr::new(s),
        Err(_) => pystr::new_bytes(&out),
    }
}

fn fat_stat(v: Value, path: Value) -> PyResult<Value> {
    let p = path_str(path)?;
    // The root (no entry of its own) is a directory stamped 2000-01-01.
    let mut st = (blockfs::MODE_DIR, 0, 0x2821_0000);
    if !(p.is_empty() || p == "/") {
        run(v, &mut |fat| {
            let mut e = Entry::empty();
            if fat.stat(p, &mut e)? {
                let mode = if e.is_dir() {
                    blockfs::MODE_DIR
                } else {
                    blockfs::MODE_FILE
                };
                st = (mode, e.size, e.wtime);
            }
            Ok(())
        })?;
    }
    let (mode, size, ts) = st;
    blockfs::stat_tuple(mode, size, fat_seconds(ts))
}

fn fat_statvfs(v: Value, _path: Value) -> PyResult<Value> {
    let (mut bsize, mut blocks, mut free) = (0, 0, 0);
    run(v, &mut |fat| {
        free = fat.free_clusters()?;
        (bsize, blocks) = (fat.vol.cluster_bytes(), fat.vol.n_fatent - 2);
        Ok(())
    })?;
    blockfs::statvfs_tuple(bsize, blocks, free, MAX_LFN)
}

static MKFS: crate::objs::fun::MethodWrapper = crate::objs::fun::MethodWrapper {
    base: ObjBase::new(&crate::objs::fun::STATICMETHOD_TYPE),
    fun: crate::fun!(mkfs, F1(fat_mkfs)),
};

static FAT_LOCALS: [(Qstr, Value); 14] = blockfs::fs_locals! {
    mkfs: &MKFS,
    open: fat_open,
    ilistdir: fat_ilistdir,
    mkdir: fat_mkdir,
    rmdir: fat_rmdir,
    chdir: fat_chdir,
    getcwd: fat_getcwd,
    remove: fat_remove,
    rename: fat_rename,
    stat: fat_stat,
    statvfs: fat_statvfs,
    mount: fat_mount,
    umount: blockfs::umount,
};

pub static VFS_FAT_TYPE: Type = Type {
    name: Q::VfsFat,
    make_new: Some(fat_new),
    locals: crate::locals!(&FAT_LOCALS),
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
    let mut e = Entry::empty();
    let mut found = false;
    let mut more = false;
    let pos = &mut it.pos;
    let r = run(it.vfs, &mut |fat| {
        found = fat.dir_scan(pos, Want::NotDot, &mut e)?;
        more = found && fat.dir_next(pos, false)?;
        Ok(())
    });
    // Done unless the scan found an entry with more after it (an error ends it too).
    it.done = !more;
    r?;
    if !found {
        return Ok(None);
    }
    let mut buf = [0u8; MAX_LFN * 3];
    let n = e.name_utf8(&mut buf);
    let name = buf.get(..n).unwrap_or(&[]);
    let size = if e.is_dir() { 0 } else { e.size };
    Ok(Some(blockfs::dir_entry(
        name,
        it.as_bytes,
        e.is_dir(),
        size,
    )?))
}

static DIR_ITER_TYPE: Type = blockfs::dir_iter_type(dir_iter_next);

// --- files ---

/// VfsFat's part of its file objects; the file state is the format's `FileState`.
pub enum FatFs {}

type FatFile = BlockFile<FatFs>;

/// Write the file's data and directory entry out.
fn sync_file(f: &mut FatFile) -> PyResult<()> {
    let st = &mut f.data;
    run(f.vfs, &mut |fat| fat.sync_file(st))
}

impl BlockFs for FatFs {
    type State = FileState;
    const PRINT_ADDRESS: bool = true;
    const TYPES: [&'static Type; 2] = [&FAT_FILEIO_TYPE, &FAT_TEXTIO_TYPE];

    fn read(f: &mut FatFile, _v: Value, buf: &mut [u8]) -> PyResult<usize> {
        let st = &mut f.data;
        let mut n = 0;
        let r = run(f.vfs, &mut |fat| {
            n = fat.read(st, buf)?;
            Ok(())
        });
        r.map(|_| n).map_err(|e| {
            if errno_value(e) == Some(13) {
                raise::os_error(EINVAL)
            } else {
                e
            }
        })
    }

    fn write(f: &mut FatFile, _v: Value, buf: &[u8]) -> PyResult<usize> {
        let st = &mut f.data;
        let mut out = (0, None);
        run(f.vfs, &mut |fat| {
            out = fat.write(st, buf);
            Ok(())
        })?;
        match out {
            (n, None) => Ok(n),
            (_, Some(Error::Full)) => Err(raise::os_error(28)),
            (_, Some(Error::Denied)) => Err(raise::os_error(EINVAL)),
            (_, Some(e)) => Err(raise::os_error(e.errno())),
        }
    }

    fn pos(st: &FileState) -> u32 {
        st.pos
    }

    fn end(st: &FileState) -> u32 {
        st.size
    }

    fn seek(f: &mut FatFile, _v: Value, target: i64) -> PyResult<usize> {
        // Upstream hands FatFs the sum as an unsigned size: negatives wrap high.
        let target = target as u64 & 0xFFFF_FFFF;
        let st = &mut f.data;
        let mut p = 0;
        run(f.vfs, &mut |fat| {
            p = fat.seek(st, target);
            Ok(())
        })?;
        Ok(p as usize)
    }

    fn flush(f: &mut FatFile, _v: Value) -> PyResult<()> {
        sync_file(f)
    }

    fn close(f: &mut FatFile, _v: Value) -> PyResult<()> {
        sync_file(f)
    }

    fn busy(vfs: Value) -> bool {
        this(vfs).is_ok_and(|fs| fs.busy)
    }
}

blockfs::file_types!(FatFs, FAT_FILEIO_TYPE, FAT_TEXTIO_TYPE);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::time;
    use crate::modules::vfs::OpenMode;

    #[test]
    fn fat_time_stamps_read_as_utc() {
        assert_eq!(fat_seconds(0x2821_0000), 946_684_800);
        // 2024-02-29 13:45:58.
        let ts = (44 << 25) | (2 << 21) | (29 << 16) | (13 << 11) | (45 << 5) | 29;
        assert_eq!(fat_seconds(ts), 1_709_214_358);
    }

    #[test]
    fn clock_readings_truncate() {
        for x in [
            1.0,
            1.5,
            315_532_800.75,
            1.7e9,
            4_354_819_199.9,
            8_589_934_591.5,
        ] {
            assert_eq!(whole_seconds(x), Some(x as i64));
        }
        for x in [
            0.0,
            0.99,
            -1.0,
            -3e9,
            8_589_934_592.0,
            1e300,
            f64::NAN,
            f64::INFINITY,
        ] {
            assert_eq!(whole_seconds(x), None);
        }
    }

    #[test]
    fn time_stamps_match_the_calendar() {
        // Against `time`'s 64-bit calendar, across the FAT's range and its edges.
        let mut t: i64 = 315_532_800 - 3 * 86_400;
        while t < 4_354_819_200 + 3 * 86_400 {
            for dt in [0, 1, 59, 3599, 86_399] {
                let [y, mo, d, hh, mm, ss, ..] = time::broken_down(t + dt);
                let want = if (1980..=2107).contains(&y) {
                    (((y - 1980) as u32) << 25)
                        | ((mo as u32) << 21)
                        | ((d as u32) << 16)
                        | ((hh as u32) << 11)
                        | ((mm as u32) << 5)
                        | ((ss / 2) as u32)
                } else {
                    STAMP_NONE
                };
                assert_eq!(fat_stamp(t + dt), want, "{}", t + dt);
            }
            t += 86_400 * 3 + 7;
        }
        assert_eq!(fat_stamp(i64::MIN), STAMP_NONE);
        assert_eq!(fat_stamp(i64::MAX), STAMP_NONE);
        assert_eq!(fat_stamp(-1), STAMP_NONE);
        // Every date field value, odd months and days included, reads as `time` does.
        for y in 0..128u32 {
            for m in 0..16u32 {
                for d in [0u32, 1, 28, 31] {
                    let ts = (y << 25) | (m << 21) | (d << 16) | (23 << 11) | (59 << 5) | 29;
                    let want =
                        time::days_from_civil(1980 + i64::from(y), i64::from(m), i64::from(d))
                            * 86_400
                            + 23 * 3600
                            + 59 * 60
                            + 58;
                    assert_eq!(fat_seconds(ts), want);
                }
            }
        }
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
