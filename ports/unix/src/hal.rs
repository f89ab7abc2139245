//! The core's [`Hal`] over Linux: stdout/stderr through a small buffer, stdin, clocks,
//! files, and the SIGINT handler that turns Ctrl-C into KeyboardInterrupt.

use std::io::Write;
use std::sync::Mutex;
use std::time::Instant;
use upy_runtime::hal::{DirVisitor, FileKind, Hal, OpenFlags, Stat};

pub struct UnixHal;

pub static HAL: UnixHal = UnixHal;

static OUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

pub fn flush() {
    let mut o = OUT.lock().unwrap_or_else(|e| e.into_inner());
    let _ = std::io::stdout().write_all(&o);
    let _ = std::io::stdout().flush();
    o.clear();
}

impl Hal for UnixHal {
    fn stdout_write(&self, bytes: &[u8]) {
        let mut o = OUT.lock().unwrap_or_else(|e| e.into_inner());
        o.extend_from_slice(bytes);
        if o.len() > 4096 || bytes.contains(&b'\n') {
            let _ = std::io::stdout().write_all(&o);
            let _ = std::io::stdout().flush();
            o.clear();
        }
    }

    fn stderr_write(&self, bytes: &[u8]) {
        flush();
        let _ = std::io::stderr().write_all(bytes);
    }

    fn stdin_read(&self, buf: &mut [u8]) -> usize {
        flush();
        use std::io::Read;
        loop {
            match std::io::stdin().read(buf) {
                Ok(n) => return n,
                // Ctrl-C ends the read (as end of input) so the interrupt is acted on.
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted && !interrupt_pending() => {}
                Err(_) => return 0,
            }
        }
    }

    fn read_line(&self, line: &mut Vec<u8>) -> upy_runtime::hal::InputEnd {
        crate::repl_host::read_input_line(line)
    }

    fn ticks_ms(&self) -> u64 {
        START.get_or_init(Instant::now).elapsed().as_millis() as u64
    }

    fn ticks_us(&self) -> u64 {
        START.get_or_init(Instant::now).elapsed().as_micros() as u64
    }

    fn time(&self) -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0)
    }

    /// Sleeps, but returns early when Ctrl-C (SIGINT) arrives, so that `time.sleep` can
    /// raise KeyboardInterrupt at once as upstream's does.
    fn sleep_us(&self, us: u64) {
        let mut req = libc::timespec {
            tv_sec: (us / 1_000_000) as libc::time_t,
            tv_nsec: ((us % 1_000_000) * 1000) as libc::c_long,
        };
        loop {
            let mut rem = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            // SAFETY: both pointers are to valid timespec values owned by this frame.
            let rc = unsafe { libc::nanosleep(&req, &mut rem) };
            let interrupted = rc != 0
                && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted;
            if !interrupted || interrupt_pending() {
                return;
            }
            req = rem;
        }
    }

    fn stat(&self, path: &str) -> Option<FileKind> {
        let p = if path.is_empty() { "." } else { path };
        let m = std::fs::metadata(p).ok()?;
        Some(if m.is_dir() {
            FileKind::Dir
        } else {
            FileKind::File
        })
    }

    fn read_file(&self, path: &str, out: &mut Vec<u8>) -> Result<(), i32> {
        match std::fs::read(path) {
            Ok(b) => {
                *out = b;
                Ok(())
            }
            Err(e) => Err(e.raw_os_error().unwrap_or(2)),
        }
    }

    fn time_ns(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
    }

    fn local_offset(&self, t: i64) -> (i64, bool) {
        let tt = t as libc::time_t;
        // SAFETY: localtime_r writes only into `tm`, which we own.
        unsafe {
            let mut tm: libc::tm = std::mem::zeroed();
            if libc::localtime_r(&tt, &mut tm).is_null() {
                return (0, false);
            }
            (tm.tm_gmtoff as i64, tm.tm_isdst > 0)
        }
    }

    fn file_open(&self, path: &str, flags: OpenFlags) -> Result<isize, i32> {
        let c = cpath(path)?;
        let mut f = match (flags.read, flags.write) {
            (true, true) => libc::O_RDWR,
            (false, true) => libc::O_WRONLY,
            _ => libc::O_RDONLY,
        };
        if flags.create {
            f |= libc::O_CREAT;
        }
        if flags.truncate {
            f |= libc::O_TRUNC;
        }
        if flags.append {
            f |= libc::O_APPEND;
        }
        f |= libc::O_CLOEXEC;
        // SAFETY: `c` is a NUL-terminated path that outlives the call.
        retry(|| unsafe { libc::open(c.as_ptr(), f, 0o644 as libc::c_uint) } as isize)
    }

    fn file_read(&self, handle: isize, buf: &mut [u8]) -> Result<usize, i32> {
        if handle == 0 {
            flush();
        }
        // SAFETY: `buf` is valid for writes of its length.
        retry(|| unsafe { libc::read(handle as i32, buf.as_mut_ptr().cast(), buf.len()) })
            .map(|n| n as usize)
    }

    fn file_write(&self, handle: isize, buf: &[u8]) -> Result<usize, i32> {
        if handle == 1 || handle == 2 {
            // Keep the order with text already sitting in the stdout buffer.
            flush();
        }
        // SAFETY: `buf` is valid for reads of its length.
        retry(|| unsafe { libc::write(handle as i32, buf.as_ptr().cast(), buf.len()) })
            .map(|n| n as usize)
    }

    fn file_seek(&self, handle: isize, offset: i64, whence: u8) -> Result<u64, i32> {
        let w = match whence {
            0 => libc::SEEK_SET,
            1 => libc::SEEK_CUR,
            2 => libc::SEEK_END,
            _ => return Err(libc::EINVAL),
        };
        // SAFETY: plain system call on an integer descriptor.
        let r = unsafe { libc::lseek(handle as i32, offset as libc::off_t, w) };
        if r < 0 {
            Err(last_errno())
        } else {
            Ok(r as u64)
        }
    }

    fn file_sync(&self, handle: isize) -> Result<(), i32> {
        if handle == 1 || handle == 2 {
            // sys.stdout.flush(): push out what stdout_write has buffered.
            flush();
        }
        // SAFETY: plain system call on an integer descriptor.
        match retry(|| unsafe { libc::fsync(handle as i32) } as isize) {
            // The standard streams are not buffered by the OS unless redirected.
            Err(libc::EINVAL) if (0..=2).contains(&handle) => Ok(()),
            r => r.map(|_| ()),
        }
    }

    fn file_close(&self, handle: isize) -> Result<(), i32> {
        // SAFETY: closing a descriptor the file object owns.
        let r = unsafe { libc::close(handle as i32) };
        if r < 0 {
            Err(last_errno())
        } else {
            Ok(())
        }
    }

    fn stat_path(&self, path: &str) -> Result<Stat, i32> {
        let c = cpath(path)?;
        // SAFETY: `st` is written by stat before being read.
        unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            retry(|| libc::stat(c.as_ptr(), &mut st) as isize)?;
            Ok(Stat {
                mode: st.st_mode,
                ino: st.st_ino,
                dev: st.st_dev,
                nlink: st.st_nlink,
                uid: st.st_uid,
                gid: st.st_gid,
                size: st.st_size as u64,
                atime: st.st_atime,
                mtime: st.st_mtime,
                ctime: st.st_ctime,
            })
        }
    }

    fn statvfs(&self, path: &str) -> Result<[u64; 10], i32> {
        let c = cpath(path)?;
        // SAFETY: `sb` is written by statvfs before being read.
        unsafe {
            let mut sb: libc::statvfs = std::mem::zeroed();
            retry(|| libc::statvfs(c.as_ptr(), &mut sb) as isize)?;
            Ok([
                sb.f_bsize,
                sb.f_frsize,
                sb.f_blocks,
                sb.f_bfree,
                sb.f_bavail,
                sb.f_files,
                sb.f_ffree,
                sb.f_favail,
                sb.f_flag,
                sb.f_namemax,
            ])
        }
    }

    fn list_dir(&self, path: &str, visit: DirVisitor) -> Result<(), i32> {
        let p = if path.is_empty() { "." } else { path };
        let rd = std::fs::read_dir(p).map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))?;
        use std::os::unix::fs::{DirEntryExt, FileTypeExt};
        for ent in rd {
            let ent = ent.map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))?;
            let kind = match ent.file_type() {
                Ok(t) if t.is_dir() => 0x4000,
                Ok(t) if t.is_file() => 0x8000,
                Ok(t) if t.is_symlink() => 0xa000,
                Ok(t) if t.is_fifo() => 0x1000,
                Ok(t) if t.is_char_device() => 0x2000,
                Ok(t) if t.is_block_device() => 0x6000,
                Ok(t) if t.is_socket() => 0xc000,
                _ => 0,
            };
            use std::os::unix::ffi::OsStrExt;
            visit(ent.file_name().as_bytes(), kind, ent.ino());
        }
        Ok(())
    }

    fn getcwd(&self, out: &mut Vec<u8>) -> Result<(), i32> {
        use std::os::unix::ffi::OsStrExt;
        let d = std::env::current_dir().map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))?;
        out.clear();
        out.extend_from_slice(d.as_os_str().as_bytes());
        Ok(())
    }

    fn chdir(&self, path: &str) -> Result<(), i32> {
        let c = cpath(path)?;
        // SAFETY: `c` is NUL-terminated.
        retry(|| unsafe { libc::chdir(c.as_ptr()) } as isize).map(|_| ())
    }

    fn mkdir(&self, path: &str) -> Result<(), i32> {
        let c = cpath(path)?;
        // SAFETY: `c` is NUL-terminated.
        retry(|| unsafe { libc::mkdir(c.as_ptr(), 0o777) } as isize).map(|_| ())
    }

    fn rmdir(&self, path: &str) -> Result<(), i32> {
        let c = cpath(path)?;
        // SAFETY: `c` is NUL-terminated.
        retry(|| unsafe { libc::rmdir(c.as_ptr()) } as isize).map(|_| ())
    }

    fn remove(&self, path: &str) -> Result<(), i32> {
        let c = cpath(path)?;
        // SAFETY: `c` is NUL-terminated.
        retry(|| unsafe { libc::unlink(c.as_ptr()) } as isize).map(|_| ())
    }

    fn rename(&self, from: &str, to: &str) -> Result<(), i32> {
        let a = cpath(from)?;
        let b = cpath(to)?;
        // SAFETY: both are NUL-terminated.
        retry(|| unsafe { libc::rename(a.as_ptr(), b.as_ptr()) } as isize).map(|_| ())
    }

    fn getenv(&self, name: &str, out: &mut Vec<u8>) -> bool {
        use std::os::unix::ffi::OsStrExt;
        if name.is_empty() || name.contains(['=', '\0']) {
            return false;
        }
        match std::env::var_os(name) {
            Some(v) => {
                out.clear();
                out.extend_from_slice(v.as_bytes());
                true
            }
            None => false,
        }
    }

    fn putenv(&self, name: &str, value: &str) -> Result<(), i32> {
        let k = cpath(name)?;
        let v = cpath(value)?;
        // SAFETY: both NUL-terminated; the interpreter is single-threaded.
        retry(|| unsafe { libc::setenv(k.as_ptr(), v.as_ptr(), 1) } as isize).map(|_| ())
    }

    fn unsetenv(&self, name: &str) -> Result<(), i32> {
        let k = cpath(name)?;
        // SAFETY: NUL-terminated; the interpreter is single-threaded.
        retry(|| unsafe { libc::unsetenv(k.as_ptr()) } as isize).map(|_| ())
    }

    fn system(&self, cmd: &str) -> Result<i32, i32> {
        flush();
        let c = cpath(cmd)?;
        // SAFETY: NUL-terminated command string.
        let r = unsafe { libc::system(c.as_ptr()) };
        if r < 0 {
            Err(last_errno())
        } else {
            Ok(r)
        }
    }

    fn poll_fds(
        &self,
        fds: &mut [upy_runtime::hal::PollFd],
        timeout_ms: i32,
    ) -> Result<usize, i32> {
        let mut pfds: Vec<libc::pollfd> = fds
            .iter()
            .map(|f| libc::pollfd {
                fd: f.fd,
                events: f.events as libc::c_short,
                revents: 0,
            })
            .collect();
        // SAFETY: `pfds` is a valid array of `pfds.len()` pollfd structs.
        let r = unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, timeout_ms) };
        if r < 0 {
            return Err(last_errno());
        }
        for (f, p) in fds.iter_mut().zip(pfds.iter()) {
            f.revents = p.revents as u16;
        }
        Ok(r as usize)
    }

    fn mem_read(&self, addr: usize, width: usize) -> Result<u32, i32> {
        // Through /proc/self/mem, so an unmapped address is an error, not a crash.
        use std::os::unix::fs::FileExt;
        let f = std::fs::File::open("/proc/self/mem")
            .map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))?;
        let mut b = [0u8; 4];
        let part = b.get_mut(..width).ok_or(libc::EINVAL)?;
        f.read_exact_at(part, addr as u64)
            .map_err(|_| libc::EFAULT)?;
        Ok(u32::from_le_bytes(b))
    }

    fn mem_write(&self, addr: usize, width: usize, value: u32) -> Result<(), i32> {
        use std::os::unix::fs::FileExt;
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open("/proc/self/mem")
            .map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))?;
        let b = value.to_le_bytes();
        let part = b.get(..width).ok_or(libc::EINVAL)?;
        f.write_all_at(part, addr as u64).map_err(|_| libc::EFAULT)
    }

    fn modules(
        &self,
    ) -> &'static [(
        upy_runtime::qstr::Qstr,
        &'static upy_runtime::objs::module::Module,
    )] {
        static PORT_MODULES: &[(upy_runtime::qstr::Qstr, &upy_runtime::objs::module::Module)] =
            &[(upy_runtime::qstr::Q::socket, &crate::socket::MODULE)];
        PORT_MODULES
    }

    fn random(&self, buf: &mut [u8]) {
        if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
            use std::io::Read;
            let _ = f.read_exact(buf);
        }
    }
}

/// Whether a KeyboardInterrupt is waiting to be raised.
fn interrupt_pending() -> bool {
    upy_runtime::state::get()
        .kbd_pending
        .load(std::sync::atomic::Ordering::Relaxed)
}

fn last_errno() -> i32 {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

/// Run a system call returning -1 on error, again while it is interrupted by a signal.
fn retry(mut f: impl FnMut() -> isize) -> Result<isize, i32> {
    loop {
        let r = f();
        if r >= 0 {
            return Ok(r);
        }
        let e = last_errno();
        if e != libc::EINTR {
            return Err(e);
        }
    }
}

/// A path as a C string; an embedded NUL cannot name a file.
fn cpath(p: &str) -> Result<std::ffi::CString, i32> {
    std::ffi::CString::new(p).map_err(|_| libc::EINVAL)
}

extern "C" fn on_sigint(_sig: libc::c_int) {
    if interrupt_pending() {
        // The second Ctrl-C before the first was acted on: the program is stuck where
        // nothing checks for interrupts, so give up at once, as upstream does.
        // SAFETY: _exit is async-signal-safe.
        unsafe { libc::_exit(1) };
    }
    upy_runtime::signal_interrupt();
}

fn sigint_mask(how: libc::c_int) {
    // SAFETY: the set is initialised by sigemptyset before use; a null old-set is allowed.
    unsafe {
        let mut set = std::mem::zeroed::<libc::sigset_t>();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::pthread_sigmask(how, &set, std::ptr::null_mut());
    }
}

/// Keeps SIGINT away from the calling thread (the process's main thread, which only
/// waits), so that it interrupts the interpreter thread's blocking calls instead.
pub fn block_sigint_here() {
    sigint_mask(libc::SIG_BLOCK);
}

/// Installs the Ctrl-C handler for the calling (interpreter) thread. Without SA_RESTART, so
/// that a blocking read or sleep returns early with EINTR.
pub fn install_sigint() {
    sigint_mask(libc::SIG_UNBLOCK);
    // SAFETY: the handler only touches atomics (or exits); `sa` is fully initialised.
    unsafe {
        let mut sa = std::mem::zeroed::<libc::sigaction>();
        sa.sa_sigaction = on_sigint as *const () as libc::sighandler_t;
        sa.sa_flags = 0;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGINT, &sa, std::ptr::null_mut());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleep_lasts_about_as_asked() {
        let t = Instant::now();
        HAL.sleep_us(20_000);
        let took = t.elapsed().as_micros();
        assert!((20_000..1_000_000).contains(&took), "{took}");
    }

    #[test]
    fn clocks_move_forward() {
        let a = HAL.ticks_us();
        HAL.sleep_us(1000);
        assert!(HAL.ticks_us() > a);
        assert!(HAL.time() > 1.7e9);
    }
}
