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
        std::io::stdin().read(buf).unwrap_or(0)
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

    fn sleep_us(&self, us: u64) {
        std::thread::sleep(std::time::Duration::from_micros(us));
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

extern "C" fn on_sigint(_sig: libc::c_int) {
    upy_runtime::signal_interrupt();
}

pub fn install_sigint() {
    // SAFETY: installing a handler that only stores to atomics.
    unsafe {
        libc::signal(libc::SIGINT, on_sigint as *const () as libc::sighandler_t);
    }
}
