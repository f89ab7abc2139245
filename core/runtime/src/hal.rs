//! The port boundary: what the core needs from the machine it runs on. A port implements
//! [`Hal`] and passes it to `init`. Everything else (terminals, files, sockets, pins) lives
//! in the port.

/// File metadata as the import machinery and `os.stat` need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    File,
    Dir,
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
}
