//! The console terminal for the REPL: whether a descriptor is a terminal, and raw mode
//! (bytes arrive one at a time, unechoed, Ctrl-C as byte 3) entered through termios and
//! left again when the guard drops, on every exit path that unwinds or returns.
//!
//! # Safety
//! The only unsafe code is the libc calls: `isatty`, `tcgetattr` and `tcsetattr` on a
//! descriptor number, each given a pointer to a `termios` value owned by this module for
//! the duration of the call. A descriptor that is closed or not a terminal makes them
//! fail with an error code; nothing else can go wrong.

use std::io;
use std::mem::MaybeUninit;
use std::os::unix::io::RawFd;

/// Standard input's descriptor, the one the REPL reads.
pub const STDIN: RawFd = 0;

/// Whether `fd` is a terminal (no arguments + a terminal = REPL; else stdin is a program).
pub fn is_tty(fd: RawFd) -> bool {
    // SAFETY: isatty only inspects the descriptor number.
    unsafe { libc::isatty(fd) == 1 }
}

fn get_attrs(fd: RawFd) -> io::Result<libc::termios> {
    let mut t = MaybeUninit::<libc::termios>::uninit();
    // SAFETY: `t` is valid for writes of one termios; tcgetattr fills all of it on success.
    if unsafe { libc::tcgetattr(fd, t.as_mut_ptr()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: tcgetattr returned 0, so it initialised `t`.
    Ok(unsafe { t.assume_init() })
}

fn set_attrs(fd: RawFd, t: &libc::termios) -> io::Result<()> {
    // SAFETY: `t` points to a valid termios for the duration of the call.
    if unsafe { libc::tcsetattr(fd, libc::TCSANOW, t) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The settings of raw mode derived from the terminal's current ones. Input: no break
/// signal, CR is not turned into NL, no parity check, no stripping, no XON/XOFF. Eight-bit
/// characters. No line editing, echo or signal keys (the REPL edits lines and turns Ctrl-C
/// into KeyboardInterrupt itself). Reads wait for one byte. Output processing stays on, so
/// "\n" still reaches the screen as CR LF, as MicroPython's unix port leaves it.
fn raw_attrs(orig: &libc::termios) -> libc::termios {
    let mut t = *orig;
    t.c_iflag &= !(libc::BRKINT | libc::ICRNL | libc::INPCK | libc::ISTRIP | libc::IXON);
    t.c_cflag = (t.c_cflag & !(libc::CSIZE | libc::PARENB)) | libc::CS8;
    t.c_lflag = 0;
    t.c_cc[libc::VMIN] = 1;
    t.c_cc[libc::VTIME] = 0;
    t
}

/// Raw mode on a terminal for as long as the guard lives; dropping it restores the
/// settings found when it was made.
pub struct RawMode {
    fd: RawFd,
    saved: libc::termios,
}

impl RawMode {
    /// Switches `fd` to raw mode. Fails when `fd` is not a terminal.
    pub fn enter(fd: RawFd) -> io::Result<RawMode> {
        let saved = get_attrs(fd)?;
        set_attrs(fd, &raw_attrs(&saved))?;
        Ok(RawMode { fd, saved })
    }

    /// Restores the original settings now, reporting failure (drop ignores it).
    pub fn restore(self) -> io::Result<()> {
        let res = set_attrs(self.fd, &self.saved);
        std::mem::forget(self);
        res
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // Nothing sensible can be done if the terminal went away meanwhile.
        let _ = set_attrs(self.fd, &self.saved);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pseudo-terminal pair opened for the test, so it runs without a real terminal.
    struct Pty {
        master: RawFd,
        slave: RawFd,
    }

    impl Pty {
        /// `None` (and a note) on a machine without pseudo-terminals, such as a container
        /// without /dev/pts: raw mode cannot be tried there, which is no fault of ours.
        fn open() -> Option<Pty> {
            let (mut master, mut slave) = (-1, -1);
            // SAFETY: both out-pointers are valid; name, termios and winsize may be null.
            let rc = unsafe {
                libc::openpty(
                    &mut master,
                    &mut slave,
                    std::ptr::null_mut(),
                    std::ptr::null(),
                    std::ptr::null(),
                )
            };
            if rc != 0 {
                let err = io::Error::last_os_error();
                eprintln!("note: no pseudo-terminal ({err}); raw mode untested");
                return None;
            }
            Some(Pty { master, slave })
        }
    }

    impl Drop for Pty {
        fn drop(&mut self) {
            // SAFETY: both descriptors were opened by openpty and are closed once.
            unsafe {
                libc::close(self.slave);
                libc::close(self.master);
            }
        }
    }

    #[test]
    fn raw_mode_is_entered_and_restored() {
        let Some(pty) = Pty::open() else { return };
        assert!(is_tty(pty.slave));
        let before = get_attrs(pty.slave).unwrap();
        assert_ne!(before.c_lflag & libc::ICANON, 0);
        {
            let _guard = RawMode::enter(pty.slave).unwrap();
            let raw = get_attrs(pty.slave).unwrap();
            assert_eq!(raw.c_lflag & (libc::ICANON | libc::ECHO | libc::ISIG), 0);
            assert_eq!(raw.c_iflag & libc::ICRNL, 0);
            assert_eq!(raw.c_cflag & libc::CSIZE, libc::CS8);
            assert_eq!(raw.c_cc[libc::VMIN], 1);
            assert_eq!(raw.c_oflag, before.c_oflag);
        }
        let after = get_attrs(pty.slave).unwrap();
        assert_eq!(after.c_lflag, before.c_lflag);
        assert_eq!(after.c_iflag, before.c_iflag);

        let guard = RawMode::enter(pty.slave).unwrap();
        guard.restore().unwrap();
        assert_eq!(get_attrs(pty.slave).unwrap().c_lflag, before.c_lflag);
    }

    #[test]
    fn non_terminals_are_refused() {
        let (r, w) = std::io::pipe().unwrap();
        use std::os::unix::io::AsRawFd;
        assert!(!is_tty(r.as_raw_fd()));
        assert!(RawMode::enter(w.as_raw_fd()).is_err());
        assert!(!is_tty(-1));
    }
}
