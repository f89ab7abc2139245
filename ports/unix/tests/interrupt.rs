//! Ctrl-C (SIGINT) reaches long loops that run inside native code, not only Python loops:
//! iteration driven by built-ins, sorting, and big-int arithmetic. Each program prints a
//! line once it is about to start the long operation; the signal is sent after that line
//! and the run must end with KeyboardInterrupt (exit 130) long before the operation could
//! finish on its own (hours to years for each case).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const UPY: &str = env!("CARGO_BIN_EXE_upy");

fn interrupted(code: &str) -> (i32, String) {
    let program = format!("print('go')\n{code}\nprint('finished')\n");
    let mut child = Command::new(UPY)
        .args(["-X", "heapsize=256M", "-c", &program])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn upy");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    out.read_line(&mut first).expect("read");
    assert_eq!(first, "go\n", "{code}");
    // Let it get deep into the operation before interrupting.
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: plain kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut rest = String::new();
            let _ = std::io::Read::read_to_string(&mut out, &mut rest);
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            return (status.code().unwrap_or(-1), rest + &err);
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("{code}: not interrupted within 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn assert_interrupts(code: &str) {
    let (status, output) = interrupted(code);
    assert_eq!(status, 130, "{code}: {output}");
    assert!(output.contains("KeyboardInterrupt"), "{code}: {output}");
    assert!(!output.contains("finished"), "{code}: {output}");
}

#[test]
fn builtins_iterating_natively() {
    assert_interrupts("sum(range(10**15))");
    assert_interrupts("max(map(abs, range(10**15)))");
}

#[test]
fn sort_with_a_key() {
    assert_interrupts(
        "l = list(range(200000))\nwhile True:\n    l.sort(key=lambda x: -x)\n    l.sort(key=lambda x: x)",
    );
    assert_interrupts("l = list(range(300000))\nfor i in range(10**9): l.sort(key=abs)");
}

#[test]
fn big_int_arithmetic() {
    assert_interrupts("x = 3 ** 10 ** 8");
    assert_interrupts("x = str(7 ** 300000)\nx = str(7 ** 10 ** 7)");
    assert_interrupts("x = (1 << 10 ** 8) // (3 ** 10 ** 5 + 1)");
}

#[test]
fn framebuf_drawing_far_off_the_canvas() {
    // Found by the run_source fuzzer: every step of the line is walked.
    let fb = "import framebuf\nfb = framebuf.FrameBuffer(bytearray(64), 8, 8, framebuf.GS8)\n";
    assert_interrupts(&format!("{fb}fb.line(-(4**30), 3, 2**12, 3, 5)"));
    assert_interrupts(&format!("{fb}fb.ellipse(4, 4, 2**40, 2**40, 3)"));
}

#[test]
fn heap_survives_the_interrupt() {
    // After the interrupt is caught, the interpreter goes on with a consistent heap.
    let code = "try:\n    sum(range(10**15))\nexcept KeyboardInterrupt:\n    pass\nimport gc\ngc.collect()\nprint(sorted([3, 1, 2]), len(str(2**1000)))\n";
    let program = format!("print('go')\n{code}");
    let mut child = Command::new(UPY)
        .args(["-c", &program])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn upy");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("read");
    std::thread::sleep(Duration::from_millis(200));
    // SAFETY: plain kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).expect("read");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0));
    assert_eq!(rest, "[1, 2, 3] 302\n");
}
