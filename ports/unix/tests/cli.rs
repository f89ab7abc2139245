//! Runs the `upy` binary as a user would: exit statuses and output streams of programs
//! given as files, `-c`, `-m` and stdin, the command-line options, and REPL sessions
//! driven through a pseudo-terminal.

use std::io::Write;
use std::os::unix::io::{FromRawFd, RawFd};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const UPY: &str = env!("CARGO_BIN_EXE_upy");

/// A fresh empty folder for one test (also used as HOME, so no history file is touched).
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("upy-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn upy(args: &[&str], stdin: &str) -> Output {
    let home = temp_dir("home");
    let mut child = Command::new(UPY)
        .args(args)
        .env("HOME", &home)
        .env_remove("MICROPYINSPECT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// (exit status, stdout, stderr)
fn run(args: &[&str]) -> (i32, String, String) {
    let o = upy(args, "");
    (
        o.status.code().unwrap_or(-1),
        text(&o.stdout),
        text(&o.stderr),
    )
}

#[test]
fn command_runs_and_sets_argv() {
    let (code, out, err) = run(&["-c", "import sys; print(sys.argv, 6*7)", "a", "-v"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "['-c', 'a', '-v'] 42\n", "")
    );
}

#[test]
fn uncaught_exception_in_command_goes_to_stdout() {
    let (code, out, err) = run(&["-c", "print('x')\n1/0"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "x\nTraceback (most recent call last):\n  File \"<stdin>\", line 2, in <module>\n\
         ZeroDivisionError: divide by zero\n"
    );
    assert_eq!(err, "");
}

#[test]
fn system_exit_codes() {
    assert_eq!(run(&["-c", "import sys; sys.exit()"]).0, 0);
    assert_eq!(run(&["-c", "import sys; sys.exit(None)"]).0, 0);
    assert_eq!(run(&["-c", "raise SystemExit"]).0, 0);
    assert_eq!(run(&["-c", "import sys; sys.exit(3)"]).0, 3);
    assert_eq!(run(&["-c", "import sys; sys.exit(258)"]).0, 2);
    let (code, out, err) = run(&["-c", "import sys; print('SKIP'); sys.exit('bye')"]);
    assert_eq!((code, out.as_str(), err.as_str()), (1, "SKIP\n", "bye\n"));
}

#[test]
fn keyboard_interrupt_exits_130() {
    let (code, out, _) = run(&["-c", "raise KeyboardInterrupt"]);
    assert_eq!(code, 130);
    assert!(out.ends_with("KeyboardInterrupt: \n"), "{out:?}");
}

#[test]
fn files_set_argv_path_and_file() {
    let dir = temp_dir("file");
    let script = dir.join("prog.py");
    std::fs::write(
        &script,
        "import sys\nprint(sys.argv[1:], __file__.endswith('prog.py'))\nprint(sys.path[0] == sys.argv[2])\n",
    )
    .unwrap();
    let real = std::fs::canonicalize(&dir).unwrap();
    let (code, out, _) = run(&[script.to_str().unwrap(), "x", real.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!("['x', '{}'] True\nTrue\n", real.to_str().unwrap())
    );

    std::fs::write(&script, "def f():\n    raise ValueError('bad')\nf()\n").unwrap();
    let (code, out, err) = run(&[script.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains(", line 2, in f\nValueError: bad\n"), "{out:?}");
    assert_eq!(err, "");
}

#[test]
fn missing_file_and_bad_options() {
    let (code, out, err) = run(&["/nonexistent/nope.py"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(
        err.ends_with(
            ": can't open file '/nonexistent/nope.py': [Errno 2] No such file or directory\n"
        ),
        "{err:?}"
    );
    for bad in [
        &["-q"][..],
        &["-c"],
        &["-X", "nope"],
        &["-X", "heapsize=10"],
    ] {
        let (code, out, err) = run(bad);
        assert_eq!(code, 1, "{bad:?}");
        assert_eq!(out, "");
        assert_eq!(
            err,
            "Invalid command line arguments. Use -h option for help.\n"
        );
    }
    // A path that exists but is no file: OSError as the program's exception.
    let dir = temp_dir("isdir");
    let (code, out, _) = run(&[dir.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (1, "OSError: [Errno 21] EISDIR\n"));
    let (code, out, _) = run(&["-h"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("usage: "));
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("MicroPython v1.29.0 upy-"), "{out:?}");
    assert!(out.ends_with(" version\n"));
}

#[test]
fn stdin_program_errors_go_to_stderr() {
    let o = upy(&[], "print('hi')\nimport sys\nprint(len(sys.argv))\nx\n");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stdout), "hi\n0\n");
    assert_eq!(
        text(&o.stderr),
        "Traceback (most recent call last):\n  File \"<stdin>\", line 4, in <module>\n\
         NameError: name 'x' isn't defined\n"
    );
}

#[test]
fn modules_run_as_main() {
    let dir = temp_dir("module");
    std::fs::write(
        dir.join("modx.py"),
        "import sys\nprint(__name__, sys.argv)\nraise OSError(5)\n",
    )
    .unwrap();
    let o = Command::new(UPY)
        .args(["-m", "modx", "arg"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stdout), "__main__ ['modx', 'arg']\n");
    assert!(
        text(&o.stderr).ends_with("OSError: [Errno 5] EIO\n"),
        "{:?}",
        text(&o.stderr)
    );
}

#[test]
fn compile_only_and_optimisation() {
    let (code, out, _) = run(&["-X", "compile-only", "-c", "print('ran')"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out, _) = run(&["-X", "compile-only", "-c", "print('ran'"]);
    assert_eq!(code, 1);
    assert!(out.contains("SyntaxError"), "{out:?}");
    let (code, out, _) = run(&["-O", "-c", "assert 0\nprint('no assert')"]);
    assert_eq!((code, out.as_str()), (0, "no assert\n"));
    let (code, _, _) = run(&["-c", "assert 0"]);
    assert_eq!(code, 1);
    let (code, out, _) = run(&["-X", "heapsize=64k", "-c", "print(len(bytearray(30000)))"]);
    assert_eq!((code, out.as_str()), (0, "30000\n"));
}

#[test]
fn verbose_prints_memory_and_bytecode() {
    let (code, out, _) = run(&["-v", "-c", "print(1)"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("1\n"));
    assert!(out.contains("GC: total: "), "{out:?}");
    let (_, out, _) = run(&["-v", "-v", "-c", "print(1)"]);
    assert!(out.contains("LOAD_NAME print\n"), "{out:?}");
}

/// A child process on the slave side of a pseudo-terminal, as upstream's test runner
/// drives the REPL.
struct PtySession {
    master: std::fs::File,
    child: std::process::Child,
}

impl PtySession {
    /// `None` where no pseudo-terminal can be opened (a bare container): nothing to test.
    fn start(args: &[&str], home: &std::path::Path) -> Option<PtySession> {
        PtySession::start_with(args, home, false)
    }

    /// With `controlling`, the pty becomes the child's controlling terminal, so that a
    /// Ctrl-C byte typed while code runs (terminal in its own mode) is sent as SIGINT.
    fn start_with(args: &[&str], home: &std::path::Path, controlling: bool) -> Option<PtySession> {
        let (mut master, mut slave): (RawFd, RawFd) = (-1, -1);
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
            eprintln!("note: no pseudo-terminal; REPL session untested");
            return None;
        }
        // SAFETY: openpty gave us both descriptors; each File owns one.
        let (master, slave) = unsafe {
            (
                std::fs::File::from_raw_fd(master),
                std::fs::File::from_raw_fd(slave),
            )
        };
        let mut cmd = Command::new(UPY);
        if controlling {
            use std::os::unix::process::CommandExt;
            // SAFETY: only async-signal-safe calls between fork and exec.
            unsafe {
                cmd.pre_exec(|| {
                    libc::setsid();
                    libc::ioctl(0, libc::TIOCSCTTY, 0);
                    Ok(())
                });
            }
        }
        let child = cmd
            .args(args)
            .env("HOME", home)
            .env_remove("MICROPYINSPECT")
            .stdin(slave.try_clone().unwrap())
            .stdout(slave.try_clone().unwrap())
            .stderr(slave)
            .spawn()
            .unwrap();
        Some(PtySession { master, child })
    }

    /// Everything the child writes until it has been quiet for a while.
    fn read(&mut self) -> String {
        use std::os::unix::io::AsRawFd;
        let fd = self.master.as_raw_fd();
        let mut out = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mut pfd = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            let n = unsafe { libc::poll(&mut pfd, 1, 300) };
            if n <= 0 || Instant::now() > deadline {
                break;
            }
            let mut buf = [0u8; 1024];
            // SAFETY: buf is valid for writes of its length.
            let got = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
            if got <= 0 {
                break;
            }
            out.extend_from_slice(&buf[..got as usize]);
        }
        text(&out)
    }

    fn send(&mut self, bytes: &str) -> String {
        self.master.write_all(bytes.as_bytes()).unwrap();
        self.read()
    }

    fn finish(mut self) -> Option<i32> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        None
    }
}

#[test]
fn repl_session_over_pty() {
    let home = temp_dir("repl");
    let Some(mut s) = PtySession::start(&[], &home) else {
        return;
    };
    let banner = s.read();
    let first = banner
        .split("\r\n")
        .next()
        .unwrap_or("")
        .trim_end_matches('\r');
    assert!(first.starts_with("MicroPython v1.29.0 upy-"), "{banner:?}");
    assert!(first.ends_with("; linux [rustc] version"), "{banner:?}");
    assert!(banner.ends_with("Type \"help()\" for more information.\r\r\n>>> "));
    // The pty's output processing turns the REPL's own CR LF into CR CR LF.
    assert_eq!(s.send("1 + 2\r"), "1 + 2\r\r\n3\r\n>>> ");
    assert_eq!(
        s.send("for i in range(2):\r"),
        "for i in range(2):\r\r\n...     "
    );
    assert_eq!(s.send("print(i)\r"), "print(i)\r\r\n...     ");
    // Auto-indent: two spaces-only lines, then an empty one ends the block.
    assert_eq!(s.send("\r"), "\r\r\n...     ");
    assert_eq!(s.send("\r"), "\r\r\n... ");
    assert_eq!(s.send("\r"), "\r\r\n0\r\n1\r\n>>> ");
    assert_eq!(
        s.send("1/0\r"),
        "1/0\r\r\nTraceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\n\
         ZeroDivisionError: divide by zero\r\n>>> "
    );
    assert_eq!(s.send("abc\x03"), "abc\r\r\n>>> ");
    let help = s.send("help()\r");
    assert!(help.contains("Welcome to MicroPython!"), "{help:?}");
    assert!(help.contains("CTRL-E        -- on a blank line, enter paste mode"));
    assert_eq!(s.send("xyzzy = 1\r"), "xyzzy = 1\r\r\n>>> ");
    assert_eq!(s.send("xyz\t"), "xyzzy");
    assert_eq!(s.send("\r"), "\r\r\n1\r\n>>> ");
    assert_eq!(s.send("\x04"), "\r\r\n");
    assert_eq!(s.finish(), Some(0));
    let history = std::fs::read_to_string(home.join(".micropython.history")).unwrap();
    assert!(history.starts_with("1 + 2\n"), "{history:?}");
    assert!(history.ends_with("xyzzy\n"), "{history:?}");
}

#[test]
fn repl_after_command_and_system_exit_status() {
    let home = temp_dir("inspect");
    let Some(mut s) = PtySession::start(&["-i", "-c", "v = 5"], &home) else {
        return;
    };
    let banner = s.read();
    assert!(banner.ends_with(">>> "), "{banner:?}");
    assert_eq!(s.send("v\r"), "v\r\r\n5\r\n>>> ");
    s.send("import sys; sys.exit(7)\r");
    assert_eq!(s.finish(), Some(7));
}

#[test]
fn raw_repl_and_raw_paste_over_pty() {
    let home = temp_dir("raw");
    let Some(mut s) = PtySession::start(&[], &home) else {
        return;
    };
    s.read();
    assert_eq!(s.send("\x01"), "\r\r\nraw REPL; CTRL-B to exit\r\r\n>");
    assert_eq!(s.send("print(123)\x04"), "OK123\r\n\x04\x04>");
    assert_eq!(
        s.send("1/0\x04"),
        "OK\x04Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\n\
         ZeroDivisionError: divide by zero\r\n\x04>"
    );
    // Window 128 = `80 00` (0x80 reads back as U+FFFD through the lossy UTF-8 view).
    assert_eq!(s.send("\x05A\x01"), "R\x01\u{fffd}\x00\x01");
    assert_eq!(s.send("print(456)\x04"), "\x04456\r\n\x04\x04>");
    let back = s.send("\x02");
    assert!(
        back.starts_with("\r\r\nMicroPython v1.29.0 upy-"),
        "{back:?}"
    );
    assert!(back.ends_with(">>> "));
    s.send("\x04");
    assert_eq!(s.finish(), Some(0));
}

#[test]
fn ctrl_c_interrupts_running_code() {
    let home = temp_dir("sigint");
    let Some(mut s) = PtySession::start_with(&[], &home, true) else {
        return;
    };
    s.read();
    assert_eq!(s.send("while 1: pass\r"), "while 1: pass\r\r\n... ");
    s.send("\r");
    // The terminal echoes ^C itself: code runs with the terminal's own settings.
    assert_eq!(
        s.send("\x03"),
        "^CTraceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\n\
         KeyboardInterrupt: \r\n>>> "
    );
    assert_eq!(
        s.send("print('alive')\r"),
        "print('alive')\r\r\nalive\r\n>>> "
    );
    s.send("\x04");
    assert_eq!(s.finish(), Some(0));
}
