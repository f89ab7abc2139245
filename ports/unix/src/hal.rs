//! The core's [`Hal`] over Linux: stdout/stderr through a small buffer, stdin, clocks,
//! files, and the SIGINT handler that turns Ctrl-C into KeyboardInterrupt.

use std::io::Write;
use std::sync::Mutex;
use std::time::Instant;
use upy_runtime::hal::{FileKind, Hal};

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
