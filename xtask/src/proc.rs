//! Child processes for the test runner and the benchmarks: one run with a time limit,
//! stdout and stderr merged into one stream in the order the child wrote them, and the
//! wall time measured right where the child is reaped.

use std::io::{self, Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// What one run of a child produced.
pub struct Outcome {
    /// stdout and stderr interleaved, as a terminal would have shown them.
    pub output: Vec<u8>,
    /// `None` when the child was killed for running past its time limit.
    pub status: Option<ExitStatus>,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn timed_out(&self) -> bool {
        self.status.is_none()
    }

    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// A short description of how the child ended, for failure reports.
    pub fn describe_status(&self) -> String {
        match self.status {
            None => "timed out".to_string(),
            Some(s) => match s.code() {
                Some(c) => format!("exit code {c}"),
                None => format!("{s}"),
            },
        }
    }
}

/// Runs `cmd` to completion or until `timeout`, feeding it `stdin` (or nothing).
pub fn run_merged(
    cmd: &mut Command,
    stdin: Option<&[u8]>,
    timeout: Duration,
) -> io::Result<Outcome> {
    let (mut reader, writer) = io::pipe()?;
    cmd.stdout(writer.try_clone()?).stderr(writer);
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let spawned = cmd.spawn();
    // The Command keeps its copies of the pipe's write end until they are replaced; while
    // they are open the reader would never see end-of-file.
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let mut child = spawned?;
    let start = Instant::now();

    let feeder = match (stdin, child.stdin.take()) {
        (Some(data), Some(mut pipe)) => {
            let data = data.to_vec();
            // A child that exits without reading its input makes this write fail with a
            // broken pipe; that is the child's business, not an error of the run.
            Some(thread::spawn(move || {
                let _ = pipe.write_all(&data);
            }))
        }
        _ => None,
    };
    let collector = thread::spawn(move || {
        let mut out = Vec::new();
        let _ = reader.read_to_end(&mut out);
        out
    });

    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    let waiter = thread::spawn(move || {
        let status = child.wait();
        let _ = tx.send((status, start.elapsed()));
    });
    let (status, elapsed) = match rx.recv_timeout(timeout) {
        Ok((status, elapsed)) => (Some(status?), elapsed),
        Err(_) => {
            // The waiter thread owns the Child, so the kill goes through the pid; the
            // waiter then reaps it, which keeps the pid from being reused before that.
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .stderr(Stdio::null())
                .status();
            (None, start.elapsed())
        }
    };
    let _ = waiter.join();
    if let Some(f) = feeder {
        let _ = f.join();
    }
    let output = collector.join().unwrap_or_default();
    Ok(Outcome {
        output,
        status,
        elapsed,
    })
}

/// Runs `cmd` with inherited stdio (for cargo steps) and says whether it succeeded.
pub fn run_visible(cmd: &mut Command) -> bool {
    match cmd.status() {
        Ok(s) => s.success(),
        Err(e) => {
            eprintln!("xtask: cannot run {:?}: {e}", cmd.get_program());
            false
        }
    }
}

/// `\r\n` (and the `\r\r\n` some consoles produce) become `\n`, as upstream's runner does.
pub fn normalize_newlines(out: &[u8]) -> Vec<u8> {
    let mut res = Vec::with_capacity(out.len());
    let mut i = 0;
    while i < out.len() {
        let rest = &out[i..];
        if rest.starts_with(b"\r\r\n") {
            res.push(b'\n');
            i += 3;
        } else if rest.starts_with(b"\r\n") {
            res.push(b'\n');
            i += 2;
        } else {
            res.push(out[i]);
            i += 1;
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_stdout_and_stderr() {
        let out = run_merged(
            Command::new("sh").args(["-c", "echo a; echo b >&2; echo c"]),
            None,
            Duration::from_secs(10),
        )
        .unwrap();
        assert!(out.success());
        assert_eq!(out.output, b"a\nb\nc\n");
    }

    #[test]
    fn feeds_stdin_and_reports_exit_code() {
        let out = run_merged(
            Command::new("sh").args(["-c", "cat; exit 3"]),
            Some(b"hello"),
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(out.output, b"hello");
        assert_eq!(out.status.and_then(|s| s.code()), Some(3));
        assert_eq!(out.describe_status(), "exit code 3");
    }

    #[test]
    fn kills_on_timeout() {
        let out = run_merged(
            Command::new("sh").args(["-c", "echo started; exec sleep 20"]),
            None,
            Duration::from_millis(300),
        )
        .unwrap();
        assert!(out.timed_out());
        assert!(out.elapsed < Duration::from_secs(10));
        assert_eq!(out.output, b"started\n");
    }

    #[test]
    fn normalizes_line_endings() {
        assert_eq!(normalize_newlines(b"a\r\nb\r\r\nc\rd\n"), b"a\nb\nc\rd\n");
    }
}
