//! The board's flash: a block device over 1 MiB of the extra RAM (at 0x21800000,
//! `_flashfs` in link.x), seen from Python as `pyb.Flash()` / `machine.Flash()` with the
//! block protocol `vfs.VfsFat` uses (`readblocks`, `writeblocks`, `ioctl`). At every boot a FAT
//! volume on it is mounted at `/flash` (formatted first if there is none). RAM keeps its
//! contents across a soft reset, so files survive it; across QEMU runs the raw image goes
//! to and from the host file named by `flash=PATH` through semihosting.

use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use upy_runtime::modules::{vfs, vfs_fat};
use upy_runtime::obj::{BufferAccess, ObjBase, PyResult, Type};
use upy_runtime::objs::{int, str as pystr};
use upy_runtime::qstr::{Qstr, Q};
use upy_runtime::raise;
use upy_runtime::value::Value;

use crate::board::host_file;

const BLOCK: usize = 512;
/// Bytes of RAM set aside for the device.
const SIZE: usize = 1024 * 1024;
const EIO: isize = 5;

extern "C" {
    /// Start of the device's RAM (link.x): no section of the ELF covers it, so QEMU's
    /// `-device loader` may fill it and nothing zeroes it at reset (QEMU starts it zeroed,
    /// which reads as "no file system").
    static _flashfs: u8;
}

/// Blocks in use: all of them, or the size of a smaller image loaded from the host.
static BLOCKS: AtomicUsize = AtomicUsize::new(SIZE / BLOCK);
/// Written since the last save to the host.
static DIRTY: AtomicBool = AtomicBool::new(false);
/// The host file is ours to write (absent, or loaded whole).
static HOST_OK: AtomicBool = AtomicBool::new(true);

fn bytes() -> &'static mut [u8] {
    let n = BLOCKS.load(Ordering::Relaxed) * BLOCK;
    // SAFETY: link.x reserves SIZE bytes of RAM at `_flashfs` for this device alone; n <=
    // SIZE; single-threaded, and callers hold the slice only for one copy.
    unsafe { core::slice::from_raw_parts_mut(core::ptr::addr_of!(_flashfs) as *mut u8, n) }
}

#[repr(C)]
pub struct Flash {
    base: ObjBase,
}

// SAFETY: immutable static data.
unsafe impl Sync for Flash {}

static FLASH: Flash = Flash {
    base: ObjBase::new(&FLASH_TYPE),
};

/// The one device: `Flash()` always returns it.
fn make_new(_ty: &'static Type, _args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    Ok(Value::from_static(&FLASH))
}

/// Copy between block `args[1]` (plus byte offset `args[3]`) and the buffer `args[2]`.
/// Returns 0, or -EIO past the end of the device (the extended protocol's errno result).
fn transfer(args: &[Value], write: bool) -> PyResult<Value> {
    let block = int::get_isize(args[1])?;
    let off = match args.get(3) {
        Some(v) => int::get_isize(*v)?,
        None => 0,
    };
    let access = if write {
        BufferAccess::Read
    } else {
        BufferAccess::Write
    };
    let buf = pystr::get_buffer(args[2], access)
        .ok_or_else(|| raise::type_error("object with buffer protocol required"))?;
    let mem = bytes();
    let range = usize::try_from(block)
        .ok()
        .zip(usize::try_from(off).ok())
        .and_then(|(b, o)| b.checked_mul(BLOCK)?.checked_add(o))
        .and_then(|start| mem.get_mut(start..start.checked_add(buf.len)?));
    let Some(dst) = range else {
        return Ok(Value::small_int(-EIO));
    };
    if buf.len > 0 {
        // SAFETY: the buffer slot gave `len` valid bytes, kept alive by `args`; it cannot
        // overlap the device's RAM, which no Python object owns.
        let b = unsafe { core::slice::from_raw_parts_mut(buf.ptr, buf.len) };
        if write {
            dst.copy_from_slice(b);
            DIRTY.store(true, Ordering::Relaxed);
        } else {
            b.copy_from_slice(dst);
        }
    }
    Ok(Value::small_int(0))
}

fn readblocks(args: &[Value]) -> PyResult<Value> {
    transfer(args, false)
}

fn writeblocks(args: &[Value]) -> PyResult<Value> {
    transfer(args, true)
}

/// `ioctl(op, arg)`: 1 init, 2 deinit, 3 sync (saves the image on the host), 4 block
/// count, 5 block size, 6 erase (nothing to do in RAM).
fn ioctl(_this: Value, op: Value, _arg: Value) -> PyResult<Value> {
    Ok(match int::get_isize(op)? {
        1 | 2 | 6 => Value::small_int(0),
        3 => {
            save();
            Value::small_int(0)
        }
        4 => Value::small_int(BLOCKS.load(Ordering::Relaxed) as isize),
        5 => Value::small_int(BLOCK as isize),
        _ => Value::NONE,
    })
}

static LOCALS: [(Qstr, Value); 3] = [
    upy_runtime::entry!(
        readblocks,
        upy_runtime::fun!(
            readblocks,
            Var {
                min: 3,
                max: 4,
                f: readblocks
            }
        )
    ),
    upy_runtime::entry!(
        writeblocks,
        upy_runtime::fun!(
            writeblocks,
            Var {
                min: 3,
                max: 4,
                f: writeblocks
            }
        )
    ),
    upy_runtime::entry!(ioctl, upy_runtime::fun!(ioctl, F3(ioctl))),
];

pub static FLASH_TYPE: Type = Type {
    name: Q::Flash,
    make_new: Some(make_new),
    locals: upy_runtime::locals!(&LOCALS),
    ..Type::EMPTY
};

/// Mount the FAT volume at `/flash` (the core, built without `VfsPosix`, starts with
/// nothing mounted), and make it the current directory. A device without a readable volume is formatted, and gets
/// `/flash/lib` (the first boot).
pub fn mount() -> PyResult<()> {
    let dev = Value::from_static(&FLASH);
    let no = Value::FALSE;
    let found =
        vfs_fat::autodetect(dev).and_then(|fs| vfs::call_fs(fs, Q::mount, &[no, no]).map(|_| fs));
    let (fs, fresh) = match found {
        Ok(fs) => (fs, false),
        Err(_) => {
            vfs_fat::fat_mkfs(dev)?;
            (vfs_fat::autodetect(dev)?, true)
        }
    };
    let point = pystr::new("/flash")?;
    vfs::mount(&[fs, point], &[])?;
    vfs::chdir(point)?;
    if fresh {
        vfs::mkdir(pystr::new("/flash/lib")?)?;
    }
    Ok(())
}

// --- the image on the host ---

/// The host file named by `flash=PATH` on the command line, NUL-terminated.
fn host_path() -> Option<alloc::vec::Vec<u8>> {
    let mut p = alloc::vec::Vec::new();
    if !crate::machine::cmdline_word(b"flash=", &mut p) || p.is_empty() {
        return None;
    }
    p.push(0);
    Some(p)
}

/// Power-on: fill the device from the host file, if one is named and exists. An image
/// smaller than the device makes the device that small; a bigger one is left alone (and
/// never overwritten).
pub fn load() {
    let Some(path) = host_path() else { return };
    let Some(h) = host_file::open(&path, 1) else {
        return;
    };
    match host_file::len(h) {
        Some(len) if len <= SIZE && len >= 64 * BLOCK => {
            BLOCKS.store(len / BLOCK, Ordering::Relaxed);
            if host_file::read(h, bytes()) != len / BLOCK * BLOCK {
                HOST_OK.store(false, Ordering::Relaxed);
            }
        }
        Some(0) => {}
        _ => {
            HOST_OK.store(false, Ordering::Relaxed);
            crate::hal::write_cooked(b"MPY: flash image unusable (64 KiB to 1 MiB), not used\n");
        }
    }
    host_file::close(h);
}

/// Write the device to the host file if it changed since the last save; false if there
/// is no host file or writing failed.
pub fn save() -> bool {
    if !DIRTY.load(Ordering::Relaxed) || !HOST_OK.load(Ordering::Relaxed) {
        return false;
    }
    let Some(path) = host_path() else {
        return false;
    };
    let Some(h) = host_file::open(&path, 5) else {
        return false;
    };
    let ok = host_file::write(h, bytes());
    host_file::close(h);
    if ok {
        DIRTY.store(false, Ordering::Relaxed);
    }
    ok
}
