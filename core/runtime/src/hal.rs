//! The port boundary: what the core needs from the machine it runs on. A port implements
//! [`Hal`] and passes it to `init`. Everything else (terminals, files, sockets, pins) lives
//! in the port.

/// File metadata as the import machinery and `os.stat` need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    File,
    Dir,
}

/// How to open a file (the parsed `open()` mode string).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenFlags {
    pub read: bool,
    pub write: bool,
    /// Create the file if it does not exist.
    pub create: bool,
    /// Cut an existing file to length 0.
    pub truncate: bool,
    /// Every write goes to the end of the file.
    pub append: bool,
}

/// What `os.stat` reports (POSIX `struct stat` fields, in upstream's tuple order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stat {
    pub mode: u32,
    pub ino: u64,
    pub dev: u64,
    pub nlink: u64,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    pub atime: i64,
    pub mtime: i64,
    pub ctime: i64,
}

/// One directory entry: name, POSIX type bits (`0x4000` directory, `0x8000` file, 0 if
/// unknown) and inode number.
pub type DirVisitor<'a> = &'a mut dyn FnMut(&[u8], u32, u64);

/// errno values the default (file-less) implementations report.
pub mod errno {
    pub const ENOENT: i32 = 2;
    pub const EBADF: i32 = 9;
    pub const EINVAL: i32 = 22;
    pub const EOPNOTSUPP: i32 = 95;
}

/// One descriptor for [`Hal::poll_fds`]: MicroPython's (and POSIX's) poll event bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PollFd {
    pub fd: i32,
    pub events: u16,
    pub revents: u16,
}

/// How [`Hal::read_line`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputEnd {
    /// Enter (or any key that ends the line without cancelling it).
    Enter,
    /// End of input (or Ctrl-D on an empty line): `input()` raises EOFError if the line is
    /// empty.
    Eof,
    /// Ctrl-C typed while editing: `input()` raises KeyboardInterrupt.
    Interrupt,
}

pub trait Hal: Sync {
    /// Write bytes to standard output (the REPL console on a board).
    fn stdout_write(&self, bytes: &[u8]);
    /// Write bytes to standard error (same as stdout on boards).
    fn stderr_write(&self, bytes: &[u8]) {
        self.stdout_write(bytes)
    }
    /// Read up to `buf.len()` bytes from standard input; 0 at end of input.
    fn stdin_read(&self, buf: &mut [u8]) -> usize;
    /// One line of console input for `input()` (whose prompt is already printed) into
    /// `line`, without its end. Ports with a line editor edit it there (upstream's unix
    /// port: raw mode and readline). The default reads bytes up to `\n`.
    fn read_line(&self, line: &mut alloc::vec::Vec<u8>) -> InputEnd {
        let mut b = [0u8; 1];
        loop {
            if self.stdin_read(&mut b) == 0 {
                return InputEnd::Eof;
            }
            if b[0] == b'\n' {
                return InputEnd::Enter;
            }
            line.push(b[0]);
        }
    }
    /// Milliseconds / microseconds from an arbitrary start, wrapping.
    fn ticks_ms(&self) -> u64;
    fn ticks_us(&self) -> u64;
    /// Seconds since the Unix epoch as a float, if the port has a real-time clock.
    fn time(&self) -> f64 {
        0.0
    }
    fn sleep_us(&self, us: u64);
    /// What is at `path`, if anything.
    fn stat(&self, path: &str) -> Option<FileKind>;
    /// Read a whole file into `out` (cleared first). Err carries an errno.
    fn read_file(&self, path: &str, out: &mut alloc::vec::Vec<u8>) -> Result<(), i32>;
    /// `sys.platform`.
    fn platform(&self) -> &'static str {
        "linux"
    }
    /// `sys.implementation._machine` and the banner's machine text.
    fn machine(&self) -> &'static str {
        "linux [rustc] version"
    }
    /// Random bytes for `os.urandom` and seeding.
    fn random(&self, buf: &mut [u8]) {
        for (i, b) in buf.iter_mut().enumerate() {
            *b = (self.ticks_us() as usize)
                .wrapping_mul(2654435761)
                .wrapping_add(i) as u8;
        }
    }

    /// Nanoseconds since the Unix epoch (`time.time_ns`).
    fn time_ns(&self) -> u64 {
        (self.time() * 1e9) as u64
    }
    /// A fast cycle-like counter (`time.ticks_cpu`); 0 where there is none, as on upstream's
    /// unix port.
    fn ticks_cpu(&self) -> u64 {
        0
    }
    /// Offset of local time from UTC in seconds at Unix time `t`, and whether daylight
    /// saving applies (`time.localtime`, `time.mktime`).
    fn local_offset(&self, t: i64) -> (i64, bool) {
        let _ = t;
        (0, false)
    }

    // --- files, by handle (a small non-negative integer, the fd on POSIX) ---

    /// Open `path`; Err carries an errno.
    fn file_open(&self, path: &str, flags: OpenFlags) -> Result<isize, i32> {
        let _ = (path, flags);
        Err(errno::ENOENT)
    }
    /// Read up to `buf.len()` bytes at the file position; `Ok(0)` at end of file.
    fn file_read(&self, handle: isize, buf: &mut [u8]) -> Result<usize, i32> {
        let _ = (handle, buf);
        Err(errno::EBADF)
    }
    fn file_write(&self, handle: isize, buf: &[u8]) -> Result<usize, i32> {
        let _ = (handle, buf);
        Err(errno::EBADF)
    }
    /// Move the file position (`whence` 0 start, 1 current, 2 end); returns the new one.
    fn file_seek(&self, handle: isize, offset: i64, whence: u8) -> Result<u64, i32> {
        let _ = (handle, offset, whence);
        Err(errno::EBADF)
    }
    /// Push written data to the device.
    fn file_sync(&self, handle: isize) -> Result<(), i32> {
        let _ = handle;
        Ok(())
    }
    fn file_close(&self, handle: isize) -> Result<(), i32> {
        let _ = handle;
        Ok(())
    }

    // --- the file system (`os`) ---

    /// Full metadata of `path`.
    fn stat_path(&self, path: &str) -> Result<Stat, i32> {
        match self.stat(path) {
            Some(FileKind::Dir) => Ok(Stat {
                mode: 0x4000,
                ..Stat::default()
            }),
            Some(FileKind::File) => Ok(Stat {
                mode: 0x8000,
                ..Stat::default()
            }),
            None => Err(errno::ENOENT),
        }
    }
    /// File-system statistics of the volume holding `path`, in `os.statvfs` order:
    /// bsize, frsize, blocks, bfree, bavail, files, ffree, favail, flag, namemax.
    fn statvfs(&self, path: &str) -> Result<[u64; 10], i32> {
        let _ = path;
        Err(errno::EOPNOTSUPP)
    }
    /// Call `visit` for every entry of directory `path` except `.` and `..`.
    fn list_dir(&self, path: &str, visit: DirVisitor) -> Result<(), i32> {
        let _ = (path, visit);
        Err(errno::ENOENT)
    }
    /// The current directory, written into `out` (cleared first).
    fn getcwd(&self, out: &mut alloc::vec::Vec<u8>) -> Result<(), i32> {
        out.clear();
        out.push(b'/');
        Ok(())
    }
    fn chdir(&self, path: &str) -> Result<(), i32> {
        let _ = path;
        Err(errno::EOPNOTSUPP)
    }
    fn mkdir(&self, path: &str) -> Result<(), i32> {
        let _ = path;
        Err(errno::EOPNOTSUPP)
    }
    fn rmdir(&self, path: &str) -> Result<(), i32> {
        let _ = path;
        Err(errno::EOPNOTSUPP)
    }
    /// Delete a file.
    fn remove(&self, path: &str) -> Result<(), i32> {
        let _ = path;
        Err(errno::EOPNOTSUPP)
    }
    fn rename(&self, from: &str, to: &str) -> Result<(), i32> {
        let _ = (from, to);
        Err(errno::EOPNOTSUPP)
    }

    /// Wait up to `timeout_ms` (negative: forever) until one of `fds` is ready, filling
    /// their `revents`; the number ready. Err carries an errno (EINTR when a signal
    /// arrived). Ports without file descriptors keep the default.
    fn poll_fds(&self, fds: &mut [PollFd], timeout_ms: i32) -> Result<usize, i32> {
        let _ = (fds, timeout_ms);
        Err(errno::EOPNOTSUPP)
    }

    /// Read `width` (1, 2 or 4) bytes of memory at `addr` (`machine.mem8` and friends).
    /// Err carries an errno: EFAULT where nothing is mapped.
    fn mem_read(&self, addr: usize, width: usize) -> Result<u32, i32> {
        let _ = (addr, width);
        Err(errno::EOPNOTSUPP)
    }
    fn mem_write(&self, addr: usize, width: usize, value: u32) -> Result<(), i32> {
        let _ = (addr, width, value);
        Err(errno::EOPNOTSUPP)
    }

    /// Modules only this port has (sockets, machine), importable as if listed in the core's
    /// extensible modules (a file on sys.path may shadow them; `u`-prefixed aliases work).
    fn modules(&self) -> &'static [(crate::qstr::Qstr, &'static crate::objs::module::Module)] {
        &[]
    }

    // --- the process environment (unix `os.getenv` and friends) ---

    /// The value of variable `name` into `out` (cleared first); false if unset.
    fn getenv(&self, name: &str, out: &mut alloc::vec::Vec<u8>) -> bool {
        let _ = (name, out);
        false
    }
    fn putenv(&self, name: &str, value: &str) -> Result<(), i32> {
        let _ = (name, value);
        Err(errno::EOPNOTSUPP)
    }
    fn unsetenv(&self, name: &str) -> Result<(), i32> {
        let _ = name;
        Err(errno::EOPNOTSUPP)
    }
    /// Run a shell command and return its raw wait status (`os.system`).
    fn system(&self, cmd: &str) -> Result<i32, i32> {
        let _ = cmd;
        Err(errno::EOPNOTSUPP)
    }
}
