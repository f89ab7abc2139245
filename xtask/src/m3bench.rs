//! `cargo xtask m3bench`: instruction counts of small benchmarks on the emulated
//! Cortex-M3. The firmware boots in QEMU with `-icount shift=0` (one instruction per
//! virtual nanosecond), each benchmark goes over the serial line in paste mode, as
//! MicroPython's own figures were taken, and times itself with `time.ticks_us`; so
//! 1 µs = 1000 instructions and runs repeat to the microsecond. `--profile NAME` runs one
//! benchmark under QEMU's execution log and prints where its instructions went, by function
//! (or by address inside one function with `--annotate SYMBOL`). `--code FILE` times a
//! snippet of one's own: it must set `t0 = time.ticks_us()` where timing starts.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use crate::{fail_usage, firmware};

/// One benchmark: a name, MicroPython's figure (millions of instructions; its v1.29 qemu
/// port for MPS2_AN385, built with `FROZEN_MANIFEST=`, measured by this command with
/// `--ref`), and its code. `N` in the code is replaced by the iteration count.
struct Bench {
    name: &'static str,
    micropython: Option<f64>,
    n: u32,
    code: &'static str,
}

/// The marker line is built at run time so the paste-mode echo of the code never holds it.
const REPORT: &str = "print('@' + '@', time.ticks_diff(time.ticks_us(), t0))\n";

const BENCHES: &[Bench] = &[
    Bench {
        name: "fib20",
        micropython: Some(14.0),
        n: 20,
        code: "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n\
               t0 = time.ticks_us()\nfib(N)\n",
    },
    Bench {
        name: "loop_global",
        micropython: Some(61.0),
        n: 100_000,
        code: "x = 0\nt0 = time.ticks_us()\nfor i in range(N):\n    x = (x + i) & 0xffff\n",
    },
    Bench {
        name: "loop_local",
        micropython: Some(42.2),
        n: 100_000,
        code: "def f():\n    x = 0\n    for i in range(N):\n        x = (x + i) & 0xffff\n\
               t0 = time.ticks_us()\nf()\n",
    },
    Bench {
        name: "pass_global",
        micropython: Some(27.4),
        n: 100_000,
        code: "t0 = time.ticks_us()\nfor i in range(N):\n    pass\n",
    },
    Bench {
        name: "load_global",
        micropython: Some(29.6),
        n: 100_000,
        code: "g = 1\ndef f():\n    for i in range(N):\n        g\nt0 = time.ticks_us()\nf()\n",
    },
    Bench {
        name: "method_call",
        micropython: Some(16.8),
        n: 20_000,
        code: "class A:\n    def m(self, v):\n        return v\ndef f():\n    a = A()\n\
               \x20   for i in range(N):\n        a.m(i)\nt0 = time.ticks_us()\nf()\n",
    },
    Bench {
        name: "attr_rw",
        micropython: Some(9.9),
        n: 20_000,
        code: "class A:\n    pass\ndef f():\n    a = A()\n    a.x = 0\n    for i in range(N):\n\
               \x20       a.x = a.x + 1\nt0 = time.ticks_us()\nf()\n",
    },
];

/// A booted board with its serial line on pipes.
struct Board {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Vec<u8>>,
    buf: Vec<u8>,
}

impl Board {
    fn boot(elf: &Path, extra: &[String]) -> Result<Board, String> {
        let mut cmd = Command::new("qemu-system-arm");
        cmd.args(firmware::qemu_base(elf, &["safeboot".to_string()], true))
            .args(["-monitor", "none", "-serial", "stdio"])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot run qemu-system-arm: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin pipe")?;
        let mut stdout = child.stdout.take().ok_or("no stdout pipe")?;
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut b = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut b) {
                if n == 0 || tx.send(b[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let mut board = Board {
            child,
            stdin,
            rx,
            buf: Vec::new(),
        };
        board.read_until(b">>> ", Duration::from_secs(30))?;
        Ok(board)
    }

    fn write(&mut self, data: &[u8]) -> Result<(), String> {
        self.stdin
            .write_all(data)
            .and_then(|_| self.stdin.flush())
            .map_err(|e| format!("writing to QEMU: {e}"))
    }

    /// Everything up to and including `marker`.
    fn read_until(&mut self, marker: &[u8], timeout: Duration) -> Result<Vec<u8>, String> {
        let end = Instant::now() + timeout;
        loop {
            if let Some(i) = find(&self.buf, marker) {
                let rest = self.buf.split_off(i + marker.len());
                return Ok(std::mem::replace(&mut self.buf, rest));
            }
            let left = end.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(d) => self.buf.extend_from_slice(&d),
                Err(_) => {
                    let tail = &self.buf[self.buf.len().saturating_sub(300)..];
                    return Err(format!(
                        "waiting for {:?}: got {:?}",
                        String::from_utf8_lossy(marker),
                        String::from_utf8_lossy(tail)
                    ));
                }
            }
        }
    }

    /// Runs `code` in paste mode; the microseconds it reported.
    fn run(&mut self, code: &str, timeout: Duration) -> Result<u64, String> {
        self.write(b"\x05")?;
        self.read_until(b"=== ", Duration::from_secs(10))?;
        // Line by line, each after the previous one's echo: the board's receive buffer
        // is small and nothing may arrive while the benchmark runs.
        for line in code.lines() {
            self.write(line.as_bytes())?;
            self.write(b"\r")?;
            self.read_until(b"=== ", Duration::from_secs(10))?;
        }
        self.write(b"\x04")?;
        let out = self.read_until(b">>> ", timeout)?;
        let text = String::from_utf8_lossy(&out);
        for line in text.lines() {
            if let Some(v) = line.strip_prefix("@@ ") {
                if let Ok(us) = v.trim().parse() {
                    return Ok(us);
                }
            }
        }
        Err(format!("no result in {text:?}"))
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn bench_code(b: &Bench, n: u32) -> String {
    format!(
        "import time\n{}{REPORT}",
        b.code.replace('N', &n.to_string())
    )
}

/// `cargo xtask m3bench [--elf ELF] [--ref ELF] [--code FILE]... [--profile NAME [--scale K] [--annotate SYM]] [NAME]...`
pub fn cmd_m3bench(args: &[String]) -> bool {
    let mut elf: Option<PathBuf> = None;
    let mut reference: Option<PathBuf> = None;
    let mut profile: Option<String> = None;
    let mut annotate: Option<String> = None;
    let mut scale = 10u32;
    let mut names: Vec<String> = Vec::new();
    let mut files: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let takes = [
            "--elf",
            "--ref",
            "--profile",
            "--annotate",
            "--scale",
            "--code",
        ];
        if takes.contains(&a) {
            let Some(v) = args.get(i + 1) else {
                return fail_usage(&format!("{a} needs a value"));
            };
            match a {
                "--elf" => elf = Some(PathBuf::from(v)),
                "--ref" => reference = Some(PathBuf::from(v)),
                "--profile" => profile = Some(v.clone()),
                "--annotate" => annotate = Some(v.clone()),
                "--code" => files.push(v.clone()),
                _ => match v.parse() {
                    Ok(k) if k > 0 => scale = k,
                    _ => return fail_usage("--scale needs a positive number"),
                },
            }
            i += 2;
            continue;
        }
        if a.starts_with('-') {
            return fail_usage(&format!("unknown option {a:?}"));
        }
        names.push(a.to_string());
        i += 1;
    }
    let elf = match elf {
        Some(e) => e,
        None => match firmware::build(&firmware::Build::default()) {
            Some(e) => e,
            None => return false,
        },
    };
    let flash = flash_size(&elf);
    if let Some(name) = profile {
        let Some(b) = BENCHES.iter().find(|b| b.name == name) else {
            return fail_usage(&format!("no benchmark {name:?}"));
        };
        return match run_profile(&elf, b, scale, annotate.as_deref()) {
            Ok(()) => true,
            Err(e) => {
                eprintln!("xtask: {e}");
                false
            }
        };
    }
    // The programs: the chosen benchmarks, then the snippet files.
    let mut progs: Vec<(String, Option<f64>, String)> = BENCHES
        .iter()
        .filter(|b| names.is_empty() || names.iter().any(|n| n == b.name))
        .map(|b| (b.name.to_string(), b.micropython, bench_code(b, b.n)))
        .collect();
    for f in &files {
        match std::fs::read_to_string(f) {
            Ok(c) => progs.push((f.clone(), None, format!("import time\n{c}{REPORT}"))),
            Err(e) => {
                eprintln!("xtask: {f}: {e}");
                return false;
            }
        }
    }
    let ours = run_all(&elf, &progs);
    let theirs = reference.as_ref().map(|r| run_all(r, &progs));
    println!("upy: {} ({flash} bytes of flash)", elf.display());
    match &reference {
        Some(r) => println!(
            "micropython: {} ({} bytes of flash), measured now",
            r.display(),
            flash_size(r)
        ),
        None => println!("micropython: v1.29 qemu port, figures recorded in xtask/src/m3bench.rs"),
    }
    println!(
        "{:<16} {:>12} {:>12} {:>7}",
        "benchmark", "upy", "micropython", "ratio"
    );
    let mut ok = true;
    for (i, (name, recorded, _)) in progs.iter().enumerate() {
        let mine = ours.get(i).copied().flatten();
        let other = match &theirs {
            Some(t) => t.get(i).copied().flatten(),
            None => *recorded,
        };
        ok &= mine.is_some();
        let show = |v: Option<f64>| v.map_or("failed".to_string(), |m| format!("{m:.1}M"));
        let ratio = match (mine, other) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
            _ => "-".to_string(),
        };
        println!(
            "{:<16} {:>12} {:>12} {:>7}",
            name,
            show(mine),
            if other.is_none() && theirs.is_none() {
                "-".to_string()
            } else {
                show(other)
            },
            ratio
        );
    }
    ok
}

/// Boots `elf` once and runs every program; millions of instructions of each.
fn run_all(elf: &Path, progs: &[(String, Option<f64>, String)]) -> Vec<Option<f64>> {
    let mut board = match Board::boot(elf, &[]) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("xtask: {}: {e}", elf.display());
            return Vec::new();
        }
    };
    let mut v = Vec::new();
    for (name, _, code) in progs {
        match board.run(code, Duration::from_secs(300)) {
            Ok(us) => v.push(Some(us as f64 / 1000.0)),
            Err(e) => {
                eprintln!("xtask: {name}: {e}");
                v.push(None);
            }
        }
    }
    board.stop();
    v
}

/// text + data of the ELF, as `arm-none-eabi-size` reports them.
fn flash_size(elf: &Path) -> u64 {
    let Ok(out) = Command::new("arm-none-eabi-size").arg(elf).output() else {
        return 0;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(line) = text.lines().nth(1) else {
        return 0;
    };
    let f: Vec<u64> = line
        .split_whitespace()
        .take(2)
        .filter_map(|s| s.parse().ok())
        .collect();
    f.iter().sum()
}

/// Function symbols of the ELF, sorted by address: (start, end, name).
fn symbols(elf: &Path) -> Vec<(u32, u32, String)> {
    let Ok(out) = Command::new("arm-none-eabi-nm")
        .args(["-S", "--defined-only", "-C"])
        .arg(elf)
        .output()
    else {
        return Vec::new();
    };
    let mut v = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut it = line.splitn(4, ' ');
        let (Some(a), Some(s), Some(k), Some(n)) = (it.next(), it.next(), it.next(), it.next())
        else {
            continue;
        };
        if !matches!(k, "t" | "T" | "W" | "w") {
            continue;
        }
        let (Ok(a), Ok(s)) = (u32::from_str_radix(a, 16), u32::from_str_radix(s, 16)) else {
            continue;
        };
        // Thumb symbols carry bit 0.
        let a = a & !1;
        v.push((a, a + s, n.to_string()));
    }
    v.sort();
    v
}

fn symbol_of(syms: &[(u32, u32, String)], pc: u32) -> Option<&(u32, u32, String)> {
    let i = syms.partition_point(|s| s.0 <= pc);
    let s = syms.get(i.checked_sub(1)?)?;
    (pc < s.1).then_some(s)
}

/// Runs one benchmark (iterations divided by `scale`) with QEMU logging every translation
/// block it translates (`in_asm`) and executes (`exec`, chaining off so each execution is
/// logged); the instructions of each executed block are credited to their functions.
fn run_profile(elf: &Path, b: &Bench, scale: u32, annotate: Option<&str>) -> Result<(), String> {
    let log = std::env::temp_dir().join(format!("m3bench-{}.log", std::process::id()));
    let extra = vec![
        "-d".to_string(),
        "in_asm,exec,nochain".to_string(),
        "-D".to_string(),
        log.display().to_string(),
    ];
    let mut board = Board::boot(elf, &extra)?;
    // Only what runs after the paste is accounted: the boot's share of the log is skipped.
    board.write(b"\r")?;
    board.read_until(b">>> ", Duration::from_secs(30))?;
    thread::sleep(Duration::from_millis(300));
    let skip = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
    let n = (b.n / scale).max(1);
    let us = board.run(&bench_code(b, n), Duration::from_secs(600))?;
    board.stop();
    let mut f = File::open(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    let mut boot = vec![0u8; skip as usize];
    // Blocks translated during boot still need their instruction lists.
    f.read_exact(&mut boot).map_err(|e| e.to_string())?;
    let mut blocks: HashMap<u32, Vec<u32>> = HashMap::new();
    parse_log(&boot[..], &mut blocks, None);
    let mut counts: HashMap<u32, u64> = HashMap::new();
    parse_log(BufReader::new(f), &mut blocks, Some(&mut counts));
    let _ = std::fs::remove_file(&log);
    let syms = symbols(elf);
    let total: u64 = counts.values().sum();
    println!(
        "{} with N={n}: {:.2}M instructions by ticks_us (benchmark only), {:.2}M logged \
         (benchmark plus paste-mode compile)",
        b.name,
        us as f64 / 1000.0,
        total as f64 / 1e6
    );
    if let Some(sym) = annotate {
        let mut rows: Vec<(u32, u64)> = counts
            .iter()
            .filter(|(pc, _)| symbol_of(&syms, **pc).is_some_and(|s| s.2.contains(sym)))
            .map(|(pc, c)| (*pc, *c))
            .collect();
        rows.sort();
        for (pc, c) in rows {
            println!("{pc:08x} {c:>10}");
        }
        return Ok(());
    }
    let mut by_fn: HashMap<&str, u64> = HashMap::new();
    for (pc, c) in &counts {
        let name = symbol_of(&syms, *pc).map_or("?", |s| s.2.as_str());
        *by_fn.entry(name).or_default() += c;
    }
    let mut rows: Vec<(&str, u64)> = by_fn.into_iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    for (name, c) in rows.iter().take(40) {
        println!(
            "{:>6.2}% {:>10} {}",
            *c as f64 * 100.0 / total.max(1) as f64,
            c,
            name
        );
    }
    Ok(())
}

/// Reads QEMU's log: `IN:` sections give each block's instruction addresses; with
/// `counts`, each `Trace` line credits one execution of its block.
fn parse_log(
    r: impl BufRead,
    blocks: &mut HashMap<u32, Vec<u32>>,
    mut counts: Option<&mut HashMap<u32, u64>>,
) {
    let mut cur: Option<(u32, Vec<u32>)> = None;
    for line in r.split(b'\n').map_while(Result::ok) {
        if line.starts_with(b"Trace ") {
            if let Some((start, insns)) = cur.take() {
                blocks.insert(start, insns);
            }
            // Trace 0: 0x7f..[00000000/0004a1b2/00000110/ff200000] symbol
            let Some(open) = line.iter().position(|&c| c == b'[') else {
                continue;
            };
            let fields = &line[open + 1..];
            let pc = fields
                .split(|&c| c == b'/')
                .nth(1)
                .and_then(|s| std::str::from_utf8(s).ok())
                .and_then(|s| u32::from_str_radix(s, 16).ok());
            if let (Some(pc), Some(counts)) = (pc, counts.as_deref_mut()) {
                if let Some(insns) = blocks.get(&pc) {
                    for a in insns {
                        *counts.entry(*a).or_default() += 1;
                    }
                }
            }
        } else if line.starts_with(b"IN:") {
            if let Some((start, insns)) = cur.take() {
                blocks.insert(start, insns);
            }
            cur = Some((u32::MAX, Vec::new()));
        } else if line.starts_with(b"0x") {
            // 0x0004a1b2:  b580       push     {r7, lr}
            if let Some((start, insns)) = cur.as_mut() {
                let hex = line[2..]
                    .iter()
                    .take_while(|c| c.is_ascii_hexdigit())
                    .count();
                if let Some(a) = std::str::from_utf8(&line[2..2 + hex])
                    .ok()
                    .and_then(|s| u32::from_str_radix(s, 16).ok())
                {
                    if *start == u32::MAX {
                        *start = a;
                    }
                    insns.push(a);
                }
            }
        } else if line.is_empty() {
            if let Some((start, insns)) = cur.take() {
                blocks.insert(start, insns);
            }
        }
    }
    if let Some((start, insns)) = cur.take() {
        blocks.insert(start, insns);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_blocks_are_credited_per_execution() {
        let log = b"IN: f\n0x00001000:  b580  push {r7, lr}\n0x00001002:  4770  bx lr\n\n\
                    Trace 0: 0x7f00 [00000000/00001000/00000110/ff200000] f\n\
                    Trace 0: 0x7f00 [00000000/00001000/00000110/ff200000] f\n";
        let mut blocks = HashMap::new();
        let mut counts = HashMap::new();
        parse_log(&log[..], &mut blocks, Some(&mut counts));
        assert_eq!(blocks.get(&0x1000).map(Vec::len), Some(2));
        assert_eq!(counts.get(&0x1002), Some(&2));
    }

    #[test]
    fn benchmark_code_reports_through_a_built_marker() {
        let c = bench_code(&BENCHES[1], 5);
        assert!(c.contains("range(5)"));
        assert!(!c.contains("@@"));
    }
}
