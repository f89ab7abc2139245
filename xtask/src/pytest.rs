//! The Python test tree: every `tests/**/*.py` runs as `upy file.py` in its own folder and
//! its output (stdout and stderr merged) must equal `file.py.exp`, or when there is none,
//! what CPython prints for the same file. tests/README.md states the rules for test authors.

use crate::proc::{normalize_newlines, run_merged, Outcome};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// How the Python tests are run; built from the command line in main.rs.
pub struct Config {
    pub upy: PathBuf,
    pub cpython: String,
    pub tests_dir: PathBuf,
    pub results_dir: PathBuf,
    /// Substrings of the test path relative to `tests_dir`; empty = every test.
    pub filters: Vec<String>,
    pub jobs: usize,
    pub timeout: Duration,
}

#[derive(Debug, PartialEq)]
enum Verdict {
    Pass,
    Skip,
    Fail(String),
}

struct TestResult {
    name: String,
    verdict: Verdict,
    expected: Vec<u8>,
    got: Vec<u8>,
}

/// Every test file under `dir`, sorted. Folders and files whose name starts with `_` hold
/// helpers that tests import (packages, `__init__.py`), not tests.
pub fn discover(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    if dir.is_dir() {
        walk(dir, &mut found)?;
    }
    found.sort();
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with('_') || name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, found)?;
        } else if name.ends_with(".py") {
            found.push(path);
        }
    }
    Ok(())
}

/// Extra upy arguments from leading `# cmdline: ...` lines (whitespace-separated).
fn cmdline_args(source: &str) -> Vec<String> {
    source
        .lines()
        .map_while(|l| l.strip_prefix("# cmdline:"))
        .flat_map(|rest| rest.split_whitespace().map(str::to_string))
        .collect()
}

fn run_in_dir(
    program: &str,
    extra: &[String],
    file: &Path,
    timeout: Duration,
) -> io::Result<Outcome> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let name = file.file_name().unwrap_or(file.as_os_str());
    let mut cmd = Command::new(program);
    cmd.args(extra).arg(name).current_dir(dir);
    // Keep CPython from writing __pycache__ folders into the test tree.
    cmd.env("PYTHONDONTWRITEBYTECODE", "1");
    let mut out = run_merged(&mut cmd, None, timeout)?;
    out.output = normalize_newlines(&out.output);
    Ok(out)
}

fn run_one(cfg: &Config, file: &Path) -> TestResult {
    let name = file
        .strip_prefix(&cfg.tests_dir)
        .unwrap_or(file)
        .display()
        .to_string();
    let fail = |why: String, expected: Vec<u8>, got: Vec<u8>| TestResult {
        name: name.clone(),
        verdict: Verdict::Fail(why),
        expected,
        got,
    };
    let source = match fs::read_to_string(file) {
        Ok(s) => s,
        Err(e) => return fail(format!("cannot read: {e}"), Vec::new(), Vec::new()),
    };
    let mut exp_path = file.as_os_str().to_owned();
    exp_path.push(".exp");
    let expected = match fs::read(&exp_path) {
        Ok(exp) => normalize_newlines(&exp),
        Err(_) => match run_in_dir(&cfg.cpython, &[], file, cfg.timeout) {
            Ok(out) if out.success() => out.output,
            Ok(out) => {
                let why = format!("CPython itself failed ({})", out.describe_status());
                return fail(why, out.output, Vec::new());
            }
            Err(e) => {
                return fail(
                    format!("cannot run {}: {e}", cfg.cpython),
                    Vec::new(),
                    Vec::new(),
                )
            }
        },
    };
    let upy = cfg.upy.to_string_lossy();
    let got = match run_in_dir(&upy, &cmdline_args(&source), file, cfg.timeout) {
        Ok(out) => out,
        Err(e) => return fail(format!("cannot run {upy}: {e}"), expected, Vec::new()),
    };
    let verdict = if got.output == b"SKIP\n" && got.success() {
        Verdict::Skip
    } else if got.timed_out() {
        Verdict::Fail(format!("timed out after {} s", cfg.timeout.as_secs()))
    } else if !got.success() {
        Verdict::Fail(format!("upy {}", got.describe_status()))
    } else if got.output != expected {
        Verdict::Fail("output differs".to_string())
    } else {
        Verdict::Pass
    };
    TestResult {
        name,
        verdict,
        expected,
        got: got.output,
    }
}

/// A unified diff of expected and actual output, from `diff -u` when it is installed.
fn show_diff(dir: &Path, res: &TestResult) -> io::Result<()> {
    let base = dir.join(&res.name);
    if let Some(parent) = base.parent() {
        fs::create_dir_all(parent)?;
    }
    let exp = base.with_extension("py.exp");
    let out = base.with_extension("py.out");
    fs::write(&exp, &res.expected)?;
    fs::write(&out, &res.got)?;
    let shown = Command::new("diff")
        .args(["-u", "--label", "expected", "--label", "upy"])
        .arg(&exp)
        .arg(&out)
        .output();
    match shown {
        Ok(d) => print!("{}", String::from_utf8_lossy(&d.stdout)),
        Err(_) => {
            println!("--- expected\n{}", String::from_utf8_lossy(&res.expected));
            println!("--- upy\n{}", String::from_utf8_lossy(&res.got));
        }
    }
    Ok(())
}

/// Runs the selected tests, prints a line per test, diffs of failures and a summary.
/// Returns whether every test passed or was skipped.
pub fn run(cfg: &Config) -> bool {
    let all = match discover(&cfg.tests_dir) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("xtask: cannot list {}: {e}", cfg.tests_dir.display());
            return false;
        }
    };
    let selected: Vec<PathBuf> = all
        .into_iter()
        .filter(|p| {
            let rel = p
                .strip_prefix(&cfg.tests_dir)
                .unwrap_or(p)
                .to_string_lossy();
            cfg.filters.is_empty() || cfg.filters.iter().any(|f| rel.contains(f.as_str()))
        })
        .collect();
    if !cfg.upy.is_file() {
        eprintln!("xtask: no upy binary at {}", cfg.upy.display());
        return false;
    }
    let _ = fs::remove_dir_all(&cfg.results_dir);

    let queue = Arc::new(Mutex::new(selected.into_iter()));
    let results = Arc::new(Mutex::new(Vec::new()));
    thread::scope(|s| {
        for _ in 0..cfg.jobs.max(1) {
            let queue = Arc::clone(&queue);
            let results = Arc::clone(&results);
            s.spawn(move || loop {
                let next = queue.lock().ok().and_then(|mut q| q.next());
                let Some(file) = next else { break };
                let res = run_one(cfg, &file);
                let word = match res.verdict {
                    Verdict::Pass => "pass",
                    Verdict::Skip => "skip",
                    Verdict::Fail(_) => "FAIL",
                };
                println!("{word} {}", res.name);
                if let Ok(mut r) = results.lock() {
                    r.push(res);
                }
            });
        }
    });
    let mut results = match Arc::try_unwrap(results).map(Mutex::into_inner) {
        Ok(Ok(r)) => r,
        _ => return false,
    };
    results.sort_by(|a, b| a.name.cmp(&b.name));

    let failed: Vec<&TestResult> = results
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Fail(_)))
        .collect();
    for res in &failed {
        if let Verdict::Fail(why) = &res.verdict {
            println!("\n=== FAIL {}: {why}", res.name);
        }
        if let Err(e) = show_diff(&cfg.results_dir, res) {
            eprintln!("xtask: cannot write results: {e}");
        }
    }
    let passed = results
        .iter()
        .filter(|r| r.verdict == Verdict::Pass)
        .count();
    let skipped = results
        .iter()
        .filter(|r| r.verdict == Verdict::Skip)
        .count();
    println!(
        "\n{} tests: {passed} passed, {} failed, {skipped} skipped",
        results.len(),
        failed.len()
    );
    if !failed.is_empty() {
        println!("failed:");
        for res in &failed {
            println!("  {}", res.name);
        }
        println!(
            "(expected and actual outputs are in {})",
            cfg.results_dir.display()
        );
    }
    failed.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("upy-xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn discover_skips_helpers_and_sorts() {
        let dir = scratch("discover");
        fs::create_dir_all(dir.join("b/_pkg")).unwrap();
        for f in [
            "b/z.py",
            "a.py",
            "b/_pkg/__init__.py",
            "b/_helper.py",
            "b/x.py.exp",
            "c.txt",
        ] {
            fs::write(dir.join(f), "").unwrap();
        }
        let found: Vec<String> = discover(&dir)
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(&dir).unwrap().display().to_string())
            .collect();
        assert_eq!(found, ["a.py", "b/z.py"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn cmdline_lines_give_arguments() {
        assert_eq!(
            cmdline_args("# cmdline: -O -X heapsize=4k\n# cmdline: -v\nprint(1)\n# cmdline: -i\n"),
            ["-O", "-X", "heapsize=4k", "-v"]
        );
        assert!(cmdline_args("print(1)\n").is_empty());
    }

    /// A fake "upy" and "CPython" made of shell scripts exercise every verdict.
    #[test]
    fn verdicts() {
        let dir = scratch("verdicts");
        let fake = dir.join("fake.sh");
        // Prints the test file except for lines mentioning "upy-differs"; "exit 5" exits.
        let script =
            "#!/bin/sh\ngrep -v upy-differs \"$1\"\ngrep -q 'exit 5' \"$1\" && exit 5\nexit 0\n";
        // Written by a child process: a write handle of our own could leak into a process
        // forked meanwhile by a parallel test, and exec would then fail with ETXTBSY.
        let mut writer = Command::new("sh");
        writer
            .args(["-c", "cat > \"$0\" && chmod 755 \"$0\""])
            .arg(&fake);
        let made = run_merged(
            &mut writer,
            Some(script.as_bytes()),
            Duration::from_secs(10),
        )
        .unwrap();
        assert!(made.success());
        let tests = dir.join("tests");
        fs::create_dir_all(&tests).unwrap();
        fs::write(tests.join("same.py"), "a\n").unwrap();
        fs::write(tests.join("differs.py"), "a\nupy-differs\n").unwrap();
        fs::write(tests.join("skip.py"), "SKIP\n").unwrap();
        fs::write(tests.join("crash.py"), "exit 5\n").unwrap();
        fs::write(tests.join("withexp.py"), "b\n").unwrap();
        fs::write(tests.join("withexp.py.exp"), "b\r\n").unwrap();
        let cfg = Config {
            upy: fake.clone(),
            cpython: "cat".to_string(),
            tests_dir: tests.clone(),
            results_dir: dir.join("results"),
            filters: Vec::new(),
            jobs: 2,
            timeout: Duration::from_secs(10),
        };
        let run = |name: &str| run_one(&cfg, &tests.join(name)).verdict;
        assert_eq!(run("same.py"), Verdict::Pass);
        assert_eq!(run("withexp.py"), Verdict::Pass);
        assert_eq!(run("skip.py"), Verdict::Skip);
        assert!(matches!(run("differs.py"), Verdict::Fail(w) if w == "output differs"));
        assert!(matches!(run("crash.py"), Verdict::Fail(w) if w == "upy exit code 5"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
