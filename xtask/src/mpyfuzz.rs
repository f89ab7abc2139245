//! `cargo xtask mpyfuzz`: corrupted `.mpy` files must never crash upy. Our Python tests are
//! compiled with upy-cross; each case takes one of those files, truncates it or changes a
//! few bytes (a deterministic pseudo-random sequence from `--seed`), and imports it under
//! `upy -X heapsize=...` in a scratch folder with a time limit. An exception or any exit
//! status is fine; a run killed by a signal (a panic aborts, a stack overflow faults) or
//! one that prints a Rust panic message is a crash, and its file is kept for a regression
//! test. A run past the time limit is run again and interrupted with SIGINT (coreutils'
//! `timeout`): a `KeyboardInterrupt` means Python-level code loops (corrupt bytecode can
//! make a valid endless loop), which is fine; anything else is a hang, a failure.

use crate::proc::{run_merged, Outcome};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

pub struct Config {
    pub upy: PathBuf,
    pub upy_cross: PathBuf,
    pub tests_dir: PathBuf,
    pub work_dir: PathBuf,
    pub cases: usize,
    pub seed: u64,
    pub jobs: usize,
    /// Per run.
    pub timeout: Duration,
}

/// Names whose presence keeps a test out of the corpus: with its names shuffled by a byte
/// flip, a test that touches files, the environment or the console could do so at random.
const RISKY: [&str; 16] = [
    "open",
    "os",
    "remove",
    "unlink",
    "rename",
    "rmdir",
    "mkdir",
    "chdir",
    "system",
    "exec",
    "eval",
    "__import__",
    "input",
    "stdin",
    "vfs",
    "mount",
];

/// xorshift64*: small, deterministic, good enough to pick bytes.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform-ish in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One corrupted variant of `good` and a word for what was done to it.
pub fn mutate(good: &[u8], rng: &mut Rng) -> (Vec<u8>, String) {
    let mut b = good.to_vec();
    let mut what = Vec::new();
    let kind = rng.below(10);
    if kind < 6 || kind == 9 {
        // Byte changes, mostly past the 4-byte header (a bad header is refused at once).
        let n = 1 + rng.below(4);
        for _ in 0..n {
            let lo = if rng.below(8) == 0 { 0 } else { 4.min(b.len()) };
            if b.len() <= lo {
                break;
            }
            let at = lo + rng.below(b.len() - lo);
            let old = b[at];
            b[at] = match rng.below(3) {
                0 => old ^ (1 << rng.below(8)),
                1 => rng.next() as u8,
                _ => [0, 0xff, 0x7f, 0x80][rng.below(4)],
            };
            what.push(format!("@{at}:{old:02x}->{:02x}", b[at]));
        }
    }
    if kind >= 6 {
        let at = rng.below(b.len().max(1));
        b.truncate(at);
        what.push(format!("cut@{at}"));
    }
    (b, what.join(" "))
}

/// A compiled test: its name and `.mpy` bytes.
struct Sample {
    name: String,
    mpy: Vec<u8>,
}

fn risky(source: &str) -> bool {
    source
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| RISKY.contains(&w))
}

fn corpus(cfg: &Config) -> Result<Vec<Sample>, String> {
    let files = crate::pytest::discover(&cfg.tests_dir)
        .map_err(|e| format!("{}: {e}", cfg.tests_dir.display()))?;
    let dir = cfg.work_dir.join("corpus");
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&cfg.tests_dir).unwrap_or(&f);
        if rel.starts_with("stress") {
            continue;
        }
        let Ok(src) = fs::read_to_string(&f) else {
            continue;
        };
        if risky(&src) || src.starts_with("# cmdline:") {
            continue;
        }
        let name = rel.display().to_string().replace('/', "_");
        let mpy = dir.join(name.replace(".py", ".mpy"));
        let compiled = Command::new(&cfg.upy_cross)
            .arg("-o")
            .arg(&mpy)
            .arg(&f)
            .output();
        if !compiled.is_ok_and(|o| o.status.success()) {
            continue;
        }
        if let Ok(bytes) = fs::read(&mpy) {
            out.push(Sample { name, mpy: bytes });
        }
    }
    Ok(out)
}

enum Verdict {
    Fine,
    TimedOut,
    Crashed(String),
}

/// Whether a run that hit the time limit is a Python loop that Ctrl-C stops (`Some(true)`),
/// a hang (`Some(false)`), or could not be told (`None`: no `timeout` command).
fn interruptible(cfg: &Config, dir: &Path) -> Option<bool> {
    let limit = format!("{}", cfg.timeout.as_secs_f64());
    let mut cmd = Command::new("timeout");
    // --foreground: otherwise timeout also signals its whole process group, so upy gets
    // SIGINT twice, and a second Ctrl-C before the first is acted on exits at once (status 1,
    // nothing printed), which read as a hang now and then.
    cmd.current_dir(dir)
        .args(["--foreground", "-s", "INT", "-k", "3", &limit])
        .arg(&cfg.upy)
        .args(["-X", "heapsize=256k", "-c", "import m"])
        .env("MICROPYPATH", "");
    let out = run_merged(&mut cmd, None, cfg.timeout * 3 + Duration::from_secs(5)).ok()?;
    let text = String::from_utf8_lossy(&out.output);
    match out.status.and_then(|s| s.code()) {
        // timeout's own status when the command could not be started.
        Some(125..=127) => None,
        // 124: the limit passed and SIGINT was sent; it must have stopped the program.
        Some(124) => Some(text.contains("KeyboardInterrupt")),
        // The program ended by itself this time (the first run was only slow).
        Some(_) => Some(true),
        // Killed by a signal: SIGKILL after SIGINT did nothing, or a crash.
        None => Some(false),
    }
}

fn judge(out: &Outcome) -> Verdict {
    let text = String::from_utf8_lossy(&out.output);
    if text.contains("panicked at") {
        return Verdict::Crashed("Rust panic".into());
    }
    match out.status {
        None => Verdict::TimedOut,
        Some(s) if s.code().is_none() => Verdict::Crashed(out.describe_status()),
        Some(_) => Verdict::Fine,
    }
}

/// Run `upy -X heapsize=... -c "import m"` on `bytes` saved as `m.mpy` in `dir`.
fn run_case(cfg: &Config, dir: &Path, bytes: &[u8]) -> Result<Outcome, String> {
    let file = dir.join("m.mpy");
    fs::write(&file, bytes).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut cmd = Command::new(&cfg.upy);
    cmd.current_dir(dir)
        .args(["-X", "heapsize=256k", "-c", "import m"])
        .env("MICROPYPATH", "");
    run_merged(&mut cmd, None, cfg.timeout).map_err(|e| format!("cannot run upy: {e}"))
}

/// Run the fuzz campaign; true when nothing crashed.
pub fn run(cfg: &Config) -> bool {
    let samples = match corpus(cfg) {
        Ok(s) if !s.is_empty() => s,
        Ok(_) => {
            eprintln!("mpyfuzz: no test compiled; nothing to fuzz");
            return false;
        }
        Err(e) => {
            eprintln!("mpyfuzz: {e}");
            return false;
        }
    };
    println!(
        "mpyfuzz: {} cases over {} compiled tests, seed {}, {} s limit per run",
        cfg.cases,
        samples.len(),
        cfg.seed,
        cfg.timeout.as_secs_f64()
    );
    let kept = cfg.work_dir.join("kept");
    let _ = fs::remove_dir_all(&kept);
    let _ = fs::create_dir_all(&kept);
    // The cases, generated up front so the sequence does not depend on thread timing.
    let mut rng = Rng::new(cfg.seed);
    let cases: Vec<(usize, Vec<u8>, String)> = (0..cfg.cases)
        .map(|_| {
            let s = rng.below(samples.len());
            let (b, what) = mutate(&samples[s].mpy, &mut rng);
            (s, b, what)
        })
        .collect();
    let cases = Arc::new(cases);
    let samples = Arc::new(samples);
    let next = Arc::new(AtomicUsize::new(0));
    let crashes = Arc::new(Mutex::new(Vec::<String>::new()));
    let timeouts = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut handles = Vec::new();
    for job in 0..cfg.jobs.max(1) {
        let (cases, samples, next) = (cases.clone(), samples.clone(), next.clone());
        let (crashes, timeouts, errors) = (crashes.clone(), timeouts.clone(), errors.clone());
        let kept = kept.clone();
        let cfg = Config {
            upy: cfg.upy.clone(),
            upy_cross: cfg.upy_cross.clone(),
            tests_dir: cfg.tests_dir.clone(),
            work_dir: cfg.work_dir.clone(),
            ..*cfg
        };
        handles.push(thread::spawn(move || {
            let dir = cfg.work_dir.join(format!("job{job}"));
            let _ = fs::remove_dir_all(&dir);
            if let Err(e) = fs::create_dir_all(&dir) {
                errors.lock().map(|mut v| v.push(e.to_string())).ok();
                return;
            }
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((s, bytes, what)) = cases.get(i) else {
                    break;
                };
                let name = &samples[*s].name;
                match run_case(&cfg, &dir, bytes) {
                    Err(e) => {
                        errors.lock().map(|mut v| v.push(e)).ok();
                        break;
                    }
                    Ok(out) => match judge(&out) {
                        Verdict::Fine => {}
                        Verdict::TimedOut => {
                            timeouts.fetch_add(1, Ordering::Relaxed);
                            let f = kept.join(format!("timeout-{i}.mpy"));
                            let _ = fs::write(&f, bytes);
                            if interruptible(&cfg, &dir) == Some(false) {
                                crashes
                                    .lock()
                                    .map(|mut v| {
                                        v.push(format!(
                                            "case {i} ({name}, {what}): hangs (SIGINT does not \
                                             stop it); kept as {}",
                                            f.display()
                                        ))
                                    })
                                    .ok();
                            }
                        }
                        Verdict::Crashed(why) => {
                            let f = kept.join(format!("crash-{i}.mpy"));
                            let _ = fs::write(&f, bytes);
                            let tail: String = String::from_utf8_lossy(&out.output)
                                .lines()
                                .rev()
                                .take(3)
                                .collect::<Vec<_>>()
                                .join(" | ");
                            crashes
                                .lock()
                                .map(|mut v| {
                                    v.push(format!(
                                        "case {i} ({name}, {what}): {why}; kept as {}; {tail}",
                                        f.display()
                                    ))
                                })
                                .ok();
                        }
                    },
                }
                if (i + 1) % 1000 == 0 {
                    println!("mpyfuzz: {} cases run", i + 1);
                }
            }
        }));
    }
    for h in handles {
        let _ = h.join();
    }
    let errors = errors.lock().map(|v| v.clone()).unwrap_or_default();
    for e in &errors {
        eprintln!("mpyfuzz: {e}");
    }
    let crashes = crashes.lock().map(|v| v.clone()).unwrap_or_default();
    for c in &crashes {
        println!("CRASH {c}");
    }
    println!(
        "mpyfuzz: {} cases, {} crashes or hangs, {} over the time limit, each stopped by \
         Ctrl-C unless listed (kept in {})",
        cfg.cases,
        crashes.len(),
        timeouts.load(Ordering::Relaxed),
        kept.display()
    );
    errors.is_empty() && crashes.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_deterministic_and_change_something() {
        let good: Vec<u8> = (0..200u8).collect();
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..100 {
            let (x, wx) = mutate(&good, &mut a);
            let (y, wy) = mutate(&good, &mut b);
            assert_eq!((&x, &wx), (&y, &wy));
            assert!(x != good || wx.contains("->"), "{wx}");
            assert!(x.len() <= good.len());
        }
    }

    #[test]
    fn risky_words() {
        assert!(risky("import os\n"));
        assert!(risky("f = open('x')"));
        assert!(!risky("print(opened, close)"));
    }
}
