//! `cargo xtask allocfail`: the allocation-failure sweep. Each Python test runs again and
//! again under `upy -X alloc-fail=N`, which makes the N-th GC allocation request fail as if
//! the heap were full. N takes every value up to `dense`, then `samples` evenly spaced
//! values up to the number of requests a clean run makes. Every run must end the way a
//! program may end when memory runs out: normally, or with an uncaught exception (exit 1),
//! and with the heap verified consistent after a final collection (upy reports that on
//! stderr). A signal (panic = abort gives SIGABRT), a hang, a Rust panic message or a heap
//! the verifier rejects is a failure.

use crate::proc::{run_merged, Outcome};
use crate::pytest::discover;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

pub struct Config {
    pub upy: PathBuf,
    pub tests_dir: PathBuf,
    pub filters: Vec<String>,
    pub jobs: usize,
    pub timeout: Duration,
    /// Every N in 1..=dense is tried.
    pub dense: usize,
    /// Then this many N spread evenly over the rest of the run's requests.
    pub samples: usize,
}

/// A countdown no test reaches: the probe run counts requests with it.
const PROBE: u64 = 1 << 40;

struct TestReport {
    name: String,
    runs: usize,
    injected: usize,
    failures: Vec<String>,
}

fn run_with(cfg: &Config, file: &Path, n: u64) -> std::io::Result<Outcome> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let name = file.file_name().unwrap_or(file.as_os_str());
    let mut cmd = Command::new(&cfg.upy);
    cmd.arg("-X")
        .arg(format!("alloc-fail={n}"))
        .arg(name)
        .current_dir(dir);
    run_merged(&mut cmd, None, cfg.timeout)
}

/// The `alloc-fail:` report upy printed, if any.
fn report_line(out: &Outcome) -> Option<String> {
    let text = String::from_utf8_lossy(&out.output);
    text.lines()
        .rev()
        .find(|l| l.starts_with("alloc-fail: "))
        .map(str::to_string)
}

/// Why a run is unacceptable, or `None` when it ended as a program may.
fn judge(out: &Outcome, normal_code: Option<i32>) -> Option<String> {
    if out.timed_out() {
        return Some("timed out".to_string());
    }
    let code = out.status.and_then(|s| s.code());
    if code.is_none() {
        return Some(out.describe_status());
    }
    if code != Some(0) && code != Some(1) && code != normal_code {
        return Some(out.describe_status());
    }
    let text = String::from_utf8_lossy(&out.output);
    if text.contains("panicked") {
        return Some("Rust panic".to_string());
    }
    match report_line(out) {
        Some(l) if l.ends_with("heap ok") => None,
        Some(l) => Some(l),
        None => Some("no alloc-fail report (the run did not reach its end)".to_string()),
    }
}

/// The N values to try for a run that makes `total` requests.
fn points(total: u64, dense: usize, samples: usize) -> Vec<u64> {
    let mut ns: Vec<u64> = (1..=total.min(dense as u64)).collect();
    if total > dense as u64 && samples > 0 {
        let span = total - dense as u64;
        for i in 1..=samples as u64 {
            ns.push(dense as u64 + span * i / samples as u64);
        }
    }
    ns.dedup();
    ns
}

fn sweep_one(cfg: &Config, file: &Path) -> TestReport {
    let name = file
        .strip_prefix(&cfg.tests_dir)
        .unwrap_or(file)
        .display()
        .to_string();
    let mut rep = TestReport {
        name,
        runs: 0,
        injected: 0,
        failures: Vec::new(),
    };
    let probe = match run_with(cfg, file, PROBE) {
        Ok(o) => o,
        Err(e) => {
            rep.failures.push(format!("cannot run upy: {e}"));
            return rep;
        }
    };
    let normal_code = probe.status.and_then(|s| s.code());
    if let Some(why) = judge(&probe, normal_code) {
        rep.failures.push(format!("clean run: {why}"));
        return rep;
    }
    // "alloc-fail: not reached, LEFT to go, heap ok"
    let total = report_line(&probe)
        .and_then(|l| {
            l.strip_prefix("alloc-fail: not reached, ")
                .and_then(|r| r.split(' ').next())
                .and_then(|n| n.parse::<u64>().ok())
        })
        .map(|left| PROBE - left)
        .unwrap_or(0);
    for n in points(total, cfg.dense, cfg.samples) {
        rep.runs += 1;
        match run_with(cfg, file, n) {
            Ok(out) => {
                if report_line(&out).is_some_and(|l| l.starts_with("alloc-fail: injected")) {
                    rep.injected += 1;
                }
                if let Some(why) = judge(&out, normal_code) {
                    rep.failures.push(format!(
                        "-X alloc-fail={n}: {why}\n{}",
                        String::from_utf8_lossy(&out.output)
                    ));
                }
            }
            Err(e) => rep
                .failures
                .push(format!("-X alloc-fail={n}: cannot run: {e}")),
        }
    }
    rep
}

pub fn run(cfg: &Config) -> bool {
    let files: Vec<PathBuf> = match discover(&cfg.tests_dir) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("xtask: cannot list {}: {e}", cfg.tests_dir.display());
            return false;
        }
    };
    let selected: Vec<PathBuf> = files
        .into_iter()
        .filter(|p| {
            let rel = p
                .strip_prefix(&cfg.tests_dir)
                .unwrap_or(p)
                .to_string_lossy();
            cfg.filters.is_empty() || cfg.filters.iter().any(|f| rel.contains(f.as_str()))
        })
        .collect();
    let queue = Arc::new(Mutex::new(selected.into_iter()));
    let reports = Arc::new(Mutex::new(Vec::new()));
    thread::scope(|s| {
        for _ in 0..cfg.jobs.max(1) {
            let queue = Arc::clone(&queue);
            let reports = Arc::clone(&reports);
            s.spawn(move || loop {
                let next = queue.lock().ok().and_then(|mut q| q.next());
                let Some(file) = next else { break };
                let rep = sweep_one(cfg, &file);
                let word = if rep.failures.is_empty() {
                    "ok"
                } else {
                    "FAIL"
                };
                println!(
                    "{word:<4} {} ({} runs, {} with the failure injected)",
                    rep.name, rep.runs, rep.injected
                );
                if let Ok(mut r) = reports.lock() {
                    r.push(rep);
                }
            });
        }
    });
    let Ok(reports) = Arc::try_unwrap(reports).map(Mutex::into_inner) else {
        return false;
    };
    let reports = reports.unwrap_or_default();
    let runs: usize = reports.iter().map(|r| r.runs).sum();
    let injected: usize = reports.iter().map(|r| r.injected).sum();
    let failed: Vec<&TestReport> = reports.iter().filter(|r| !r.failures.is_empty()).collect();
    for r in &failed {
        println!("\n---- {}", r.name);
        for f in r.failures.iter().take(3) {
            println!("{f}");
        }
    }
    println!(
        "allocfail: {} tests, {runs} runs ({injected} with an injected failure), {} failing",
        reports.len(),
        failed.len()
    );
    failed.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_dense_then_spread() {
        assert_eq!(points(3, 5, 4), vec![1, 2, 3]);
        assert_eq!(points(0, 5, 4), Vec::<u64>::new());
        let p = points(105, 5, 4);
        assert_eq!(p, vec![1, 2, 3, 4, 5, 30, 55, 80, 105]);
    }
}
