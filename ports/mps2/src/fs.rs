//! The board's file system until the core's VfsFat is available: a small RAM file system
//! (a flat table of directories and files keyed by absolute path) that the core reaches
//! through the `Hal` file calls, so it appears as `VfsPosix` mounted at `/`. It lives in
//! Rust's allocator arena, not the GC heap, so files survive a soft reset. The table can be
//! saved to and loaded from a host file through semihosting (an image, see [`save`]).

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use upy_runtime::hal::{errno, DirVisitor, FileKind, OpenFlags, Stat};

const EEXIST: i32 = 17;
const ENOTDIR: i32 = 20;
const EISDIR: i32 = 21;
const ENOTEMPTY: i32 = 39;
const EMFILE: i32 = 24;
const ENOSPC: i32 = 28;

const MAX_OPEN: usize = 16;
/// Handles 0-2 are the console streams to the core (as POSIX fds), so files start at 3.
const FIRST_HANDLE: isize = 3;
/// Total bytes of file data the file system may hold.
pub const CAPACITY: usize = 1024 * 1024;
const BLOCK: usize = 512;
const IMAGE_MAGIC: &[u8; 8] = b"UPYRAMFS";

struct Node {
    path: String,
    dir: bool,
    data: Vec<u8>,
}

#[derive(Clone, Copy)]
struct Open {
    node: usize,
    pos: usize,
    flags: OpenFlags,
}

struct Fs {
    nodes: Vec<Node>,
    open: [Option<Open>; MAX_OPEN],
    cwd: String,
}

struct Cell(UnsafeCell<Option<Fs>>);
// SAFETY: the firmware is single-threaded; interrupt handlers never touch the file system.
unsafe impl Sync for Cell {}
static FS: Cell = Cell(UnsafeCell::new(None));

fn fs() -> &'static mut Fs {
    // SAFETY: single-threaded (see `Cell`); callers never hold two references at once.
    let slot = unsafe { &mut *FS.0.get() };
    slot.get_or_insert_with(|| Fs {
        nodes: Vec::new(),
        open: [None; MAX_OPEN],
        cwd: String::from("/"),
    })
}

/// Create `/flash` (and `/flash/lib`) if missing: the first boot's "format".
pub fn format_if_empty() -> bool {
    let f = fs();
    if f.nodes.iter().any(|n| n.path == "/flash") {
        return false;
    }
    for p in ["/flash", "/flash/lib"] {
        f.nodes.push(Node {
            path: String::from(p),
            dir: true,
            data: Vec::new(),
        });
    }
    true
}

/// Close every open file (soft reset).
pub fn close_all() {
    fs().open = [None; MAX_OPEN];
}

/// `path` made absolute against the current directory, with `.`/`..` resolved.
fn absolute(path: &str) -> String {
    let f = fs();
    let mut parts: Vec<&str> = Vec::new();
    let start = if path.starts_with('/') {
        ""
    } else {
        f.cwd.as_str()
    };
    for p in start.split('/').chain(path.split('/')) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = String::new();
    for p in parts {
        out.push('/');
        out.push_str(p);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

fn find(path: &str) -> Option<usize> {
    fs().nodes.iter().position(|n| n.path == path)
}

fn is_dir(path: &str) -> bool {
    path == "/" || find(path).is_some_and(|i| fs().nodes[i].dir)
}

fn used_bytes() -> usize {
    fs().nodes
        .iter()
        .map(|n| n.data.len().div_ceil(BLOCK) * BLOCK + BLOCK)
        .sum()
}

pub fn stat(path: &str) -> Option<FileKind> {
    let p = absolute(path);
    if p == "/" {
        return Some(FileKind::Dir);
    }
    let n = &fs().nodes[find(&p)?];
    Some(if n.dir { FileKind::Dir } else { FileKind::File })
}

pub fn stat_full(path: &str) -> Result<Stat, i32> {
    let p = absolute(path);
    if p == "/" {
        return Ok(Stat {
            mode: 0x4000,
            ..Stat::default()
        });
    }
    let i = find(&p).ok_or(errno::ENOENT)?;
    let n = &fs().nodes[i];
    Ok(Stat {
        mode: if n.dir { 0x4000 } else { 0x8000 },
        ino: i as u64 + 1,
        nlink: 1,
        size: n.data.len() as u64,
        ..Stat::default()
    })
}

pub fn read_file(path: &str, out: &mut Vec<u8>) -> Result<(), i32> {
    let i = find(&absolute(path)).ok_or(errno::ENOENT)?;
    let n = &fs().nodes[i];
    if n.dir {
        return Err(EISDIR);
    }
    out.clear();
    out.extend_from_slice(&n.data);
    Ok(())
}

pub fn open(path: &str, flags: OpenFlags) -> Result<isize, i32> {
    let p = absolute(path);
    let node = match find(&p) {
        Some(i) if fs().nodes[i].dir => return Err(EISDIR),
        Some(i) => {
            if flags.truncate {
                fs().nodes[i].data.clear();
            }
            i
        }
        None if flags.create => {
            if !is_dir(parent(&p)) {
                return Err(errno::ENOENT);
            }
            fs().nodes.push(Node {
                path: p,
                dir: false,
                data: Vec::new(),
            });
            fs().nodes.len() - 1
        }
        None => return Err(errno::ENOENT),
    };
    let f = fs();
    let slot = f.open.iter().position(|o| o.is_none()).ok_or(EMFILE)?;
    f.open[slot] = Some(Open {
        node,
        pos: 0,
        flags,
    });
    Ok(slot as isize + FIRST_HANDLE)
}

fn handle(h: isize) -> Result<&'static mut Open, i32> {
    fs().open
        .get_mut(usize::try_from(h - FIRST_HANDLE).map_err(|_| errno::EBADF)?)
        .and_then(|o| o.as_mut())
        .ok_or(errno::EBADF)
}

pub fn read(h: isize, buf: &mut [u8]) -> Result<usize, i32> {
    let o = handle(h)?;
    if !o.flags.read {
        return Err(errno::EBADF);
    }
    let data = &fs().nodes[o.node].data;
    let avail = data.get(o.pos..).unwrap_or(&[]);
    let n = avail.len().min(buf.len());
    buf[..n].copy_from_slice(&avail[..n]);
    o.pos += n;
    Ok(n)
}

pub fn write(h: isize, buf: &[u8]) -> Result<usize, i32> {
    let o = handle(h)?;
    if !o.flags.write {
        return Err(errno::EBADF);
    }
    if used_bytes() + buf.len() > CAPACITY {
        return Err(ENOSPC);
    }
    let data = &mut fs().nodes[o.node].data;
    if o.flags.append {
        o.pos = data.len();
    }
    if data.len() < o.pos {
        data.resize(o.pos, 0);
    }
    let overlap = (data.len() - o.pos).min(buf.len());
    data[o.pos..o.pos + overlap].copy_from_slice(&buf[..overlap]);
    data.extend_from_slice(&buf[overlap..]);
    o.pos += buf.len();
    Ok(buf.len())
}

pub fn seek(h: isize, offset: i64, whence: u8) -> Result<u64, i32> {
    let o = handle(h)?;
    let base = match whence {
        0 => 0,
        1 => o.pos as i64,
        2 => fs().nodes[o.node].data.len() as i64,
        _ => return Err(errno::EINVAL),
    };
    let pos = base
        .checked_add(offset)
        .filter(|p| *p >= 0)
        .ok_or(errno::EINVAL)?;
    o.pos = pos as usize;
    Ok(pos as u64)
}

pub fn close(h: isize) -> Result<(), i32> {
    handle(h)?;
    if let Some(slot) = fs().open.get_mut((h - FIRST_HANDLE) as usize) {
        *slot = None;
    }
    Ok(())
}

pub fn list_dir(path: &str, visit: DirVisitor) -> Result<(), i32> {
    let p = absolute(path);
    if !is_dir(&p) {
        return Err(if find(&p).is_some() {
            ENOTDIR
        } else {
            errno::ENOENT
        });
    }
    for (i, n) in fs().nodes.iter().enumerate() {
        if n.path != p && parent(&n.path) == p {
            let name = n.path.rsplit('/').next().unwrap_or("");
            visit(
                name.as_bytes(),
                if n.dir { 0x4000 } else { 0x8000 },
                i as u64 + 1,
            );
        }
    }
    Ok(())
}

pub fn getcwd(out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(fs().cwd.as_bytes());
}

pub fn chdir(path: &str) -> Result<(), i32> {
    let p = absolute(path);
    if !is_dir(&p) {
        return Err(if find(&p).is_some() {
            ENOTDIR
        } else {
            errno::ENOENT
        });
    }
    fs().cwd = p;
    Ok(())
}

pub fn mkdir(path: &str) -> Result<(), i32> {
    let p = absolute(path);
    if p == "/" || find(&p).is_some() {
        return Err(EEXIST);
    }
    if !is_dir(parent(&p)) {
        return Err(errno::ENOENT);
    }
    fs().nodes.push(Node {
        path: p,
        dir: true,
        data: Vec::new(),
    });
    Ok(())
}

fn remove_node(i: usize) {
    let f = fs();
    f.nodes.remove(i);
    // Open handles keep pointing at the same nodes.
    for o in f.open.iter_mut() {
        match o {
            Some(h) if h.node == i => *o = None,
            Some(h) if h.node > i => h.node -= 1,
            _ => {}
        }
    }
}

pub fn rmdir(path: &str) -> Result<(), i32> {
    let p = absolute(path);
    let i = find(&p).ok_or(errno::ENOENT)?;
    if !fs().nodes[i].dir {
        return Err(ENOTDIR);
    }
    if fs()
        .nodes
        .iter()
        .any(|n| n.path != p && parent(&n.path) == p)
    {
        return Err(ENOTEMPTY);
    }
    remove_node(i);
    Ok(())
}

pub fn remove(path: &str) -> Result<(), i32> {
    let p = absolute(path);
    let i = find(&p).ok_or(errno::ENOENT)?;
    if fs().nodes[i].dir {
        return Err(EISDIR);
    }
    remove_node(i);
    Ok(())
}

pub fn rename(from: &str, to: &str) -> Result<(), i32> {
    let (a, b) = (absolute(from), absolute(to));
    let i = find(&a).ok_or(errno::ENOENT)?;
    if !is_dir(parent(&b)) {
        return Err(errno::ENOENT);
    }
    if let Some(j) = find(&b) {
        if fs().nodes[j].dir {
            return Err(EEXIST);
        }
        remove_node(j);
    }
    let i = find(&a).unwrap_or(i);
    let prefix = alloc::format!("{a}/");
    for n in fs().nodes.iter_mut() {
        if n.path == a {
            n.path = b.clone();
        } else if let Some(rest) = n.path.strip_prefix(&prefix) {
            n.path = alloc::format!("{b}/{rest}");
        }
    }
    let _ = i;
    Ok(())
}

pub fn statvfs() -> [u64; 10] {
    let total = (CAPACITY / BLOCK) as u64;
    let free = total.saturating_sub((used_bytes() / BLOCK) as u64);
    [
        BLOCK as u64,
        BLOCK as u64,
        total,
        free,
        free,
        0,
        0,
        0,
        0,
        255,
    ]
}

/// The table as an image: magic, then per node `dir u8, path len u16 LE, path, data len
/// u32 LE, data`.
pub fn image() -> Vec<u8> {
    let mut out = Vec::from(&IMAGE_MAGIC[..]);
    for n in &fs().nodes {
        out.push(n.dir as u8);
        out.extend_from_slice(&(n.path.len() as u16).to_le_bytes());
        out.extend_from_slice(n.path.as_bytes());
        out.extend_from_slice(&(n.data.len() as u32).to_le_bytes());
        out.extend_from_slice(&n.data);
    }
    out
}

/// Replace the table with the one in `img`; false (and nothing changed) if malformed.
pub fn load_image(img: &[u8]) -> bool {
    let Some(mut rest) = img.strip_prefix(&IMAGE_MAGIC[..]) else {
        return false;
    };
    let mut nodes = Vec::new();
    while let [dir, a, b, tail @ ..] = rest {
        let plen = u16::from_le_bytes([*a, *b]) as usize;
        let Some((path, tail)) = tail.split_at_checked(plen) else {
            return false;
        };
        let Some((len, tail)) = tail.split_first_chunk::<4>() else {
            return false;
        };
        let Some((data, tail)) = tail.split_at_checked(u32::from_le_bytes(*len) as usize) else {
            return false;
        };
        let Ok(path) = core::str::from_utf8(path) else {
            return false;
        };
        nodes.push(Node {
            path: String::from(path),
            dir: *dir != 0,
            data: Vec::from(data),
        });
        rest = tail;
    }
    if !rest.is_empty() {
        return false;
    }
    let f = fs();
    f.nodes = nodes;
    f.open = [None; MAX_OPEN];
    true
}
