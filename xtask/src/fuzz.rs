//! `cargo xtask fuzz`: runs the libFuzzer targets in fuzz/ through cargo-fuzz (installed on
//! first use), each for a fixed time, with seed corpora made from our own test programs
//! (sources for the compiler and VM targets, their .mpy files from upy-cross for the
//! loader), and prints how many inputs each target executed and whether it found a crash.
//! Crashing inputs land in fuzz/artifacts/<target>/; the grown corpus in fuzz/corpus/.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const TARGETS: [&str; 6] = ["parse", "run_source", "run_gen", "mpy_load", "repl", "data"];

pub struct Config {
    pub root: PathBuf,
    pub targets: Vec<String>,
    pub seconds: u64,
    /// Build with AddressSanitizer (slower, also catches memory errors that do not crash).
    pub asan: bool,
    /// libFuzzer worker processes per target.
    pub workers: usize,
}

/// Byte streams for the REPL target: the protocols' entry sequences with some code.
const REPL_SEEDS: &[&[u8]] = &[
    b"1+1\r",
    b"def f():\r  return 3\r\r\rf()\r",
    b"\x05for i in range(3):\r    print(i)\r\x04",
    b"\x01print('raw')\x04\x02",
    b"\x01\x05A\x01print(1)\x04\x04\x02",
    b"pri\tnt(1)\r\x1b[A\r\x1b[D\x08\x7f\x01\x05\x0b\r",
    b"import sys\rsys.\t\t\r",
    b"\x03\x03x = [\r1,\r2]\r\x04",
];

/// Inputs for the data target: first byte picks the parser (see fuzz_targets/data.rs).
const DATA_SEEDS: &[&[u8]] = &[
    b"\x00{\"a\": [1, 2.5, null, true, \"\\u00e9\"]}",
    b"\x02-12345678901234567890",
    b"\x03 0x_ff",
    b"\x06 -1.5e-300",
    b"\x07 (1+2j)",
    b"\x08<2hQ4sf|0123456789abcdef012345",
    b"\x0b0a 0b ff",
    b"\x0cYWJj\n",
    b"\x0e%5.2f %s %r %x",
    b"\x0f{0!r:>10} {x:.3e}",
    b"\x10+012,.4f",
];

fn python_tests(root: &Path) -> io::Result<Vec<PathBuf>> {
    crate::pytest::discover(&root.join("tests"))
}

fn write_seeds(dir: &Path, seeds: &[&[u8]]) -> io::Result<()> {
    for (i, s) in seeds.iter().enumerate() {
        fs::write(dir.join(format!("seed{i}")), s)?;
    }
    Ok(())
}

/// Fill target/fuzz/seed/<target> from the test tree.
fn make_seeds(cfg: &Config, target: &str, dir: &Path) -> io::Result<()> {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir)?;
    match target {
        "parse" | "run_source" => {
            for (i, f) in python_tests(&cfg.root)?.iter().enumerate() {
                fs::copy(f, dir.join(format!("test{i}.py")))?;
            }
        }
        "mpy_load" => {
            let cross = cfg.root.join("target/release/upy-cross");
            for (i, f) in python_tests(&cfg.root)?.iter().enumerate() {
                let out = dir.join(format!("test{i}.mpy"));
                // A test that does not compile simply gives no seed.
                let _ = Command::new(&cross)
                    .arg("-o")
                    .arg(&out)
                    .arg(f)
                    .stderr(Stdio::null())
                    .status();
            }
        }
        "repl" => write_seeds(dir, REPL_SEEDS)?,
        "data" => write_seeds(dir, DATA_SEEDS)?,
        _ => {}
    }
    Ok(())
}

/// The `stat::number_of_executed_units` libFuzzer prints with -print_final_stats, summed
/// over workers (each worker writes its own fuzz-N.log in the working directory).
fn executed_units(text: &str) -> u64 {
    text.lines()
        .filter_map(|l| l.strip_prefix("stat::number_of_executed_units:"))
        .filter_map(|n| n.trim().parse::<u64>().ok())
        .sum()
}

struct Outcome {
    target: String,
    execs: u64,
    ok: bool,
}

fn run_target(cfg: &Config, target: &str) -> Outcome {
    let fuzz_dir = cfg.root.join("fuzz");
    let seed_dir = cfg.root.join("target/fuzz/seed").join(target);
    let corpus = fuzz_dir.join("corpus").join(target);
    let logs = cfg.root.join("target/fuzz/logs").join(target);
    let fail = |why: String| {
        eprintln!("xtask fuzz: {target}: {why}");
        Outcome {
            target: target.to_string(),
            execs: 0,
            ok: false,
        }
    };
    if let Err(e) = make_seeds(cfg, target, &seed_dir)
        .and_then(|()| fs::create_dir_all(&corpus))
        .and_then(|()| {
            let _ = fs::remove_dir_all(&logs);
            fs::create_dir_all(&logs)
        })
    {
        return fail(format!("cannot prepare corpora: {e}"));
    }
    let mut cmd = Command::new("cargo");
    cmd.current_dir(&logs)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "run", "--fuzz-dir"])
        .arg(&fuzz_dir)
        .arg("-O");
    if !cfg.asan {
        cmd.args(["-s", "none"]);
    }
    cmd.arg(target).arg(&corpus).arg(&seed_dir).arg("--").args([
        format!("-max_total_time={}", cfg.seconds),
        "-timeout=20".to_string(),
        "-rss_limit_mb=3072".to_string(),
        "-print_final_stats=1".to_string(),
        format!(
            "-artifact_prefix={}/",
            artifact_dir(&fuzz_dir, target).display()
        ),
    ]);
    if cfg.workers > 1 {
        cmd.arg(format!("-workers={}", cfg.workers))
            .arg(format!("-jobs={}", cfg.workers));
    }
    let _ = fs::create_dir_all(artifact_dir(&fuzz_dir, target));
    println!(
        "==== fuzz {target}: {} s, {} worker(s)",
        cfg.seconds, cfg.workers
    );
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => return fail(format!("cannot run cargo fuzz: {e}")),
    };
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    // With -jobs, each worker reports in its own fuzz-<n>.log (the parent echoes parts of
    // them, so the executions are counted from the worker logs alone).
    let mut worker_text = String::new();
    if let Ok(entries) = fs::read_dir(&logs) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with("fuzz-") {
                worker_text.push_str(&fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
    }
    let execs = if cfg.workers > 1 {
        executed_units(&worker_text)
    } else {
        executed_units(&text)
    };
    text.push_str(&worker_text);
    let _ = fs::write(logs.join("all.log"), &text);
    let crashed = text.contains("ERROR: libFuzzer")
        || text.contains("ERROR: AddressSanitizer")
        || text.contains("panicked at")
        || text.contains("Test unit written to");
    if !out.status.success() || crashed {
        eprintln!(
            "xtask fuzz: {target} found a problem (log: {}); its input is in {}",
            logs.join("all.log").display(),
            artifact_dir(&fuzz_dir, target).display()
        );
    }
    Outcome {
        target: target.to_string(),
        execs,
        ok: out.status.success() && !crashed,
    }
}

fn artifact_dir(fuzz_dir: &Path, target: &str) -> PathBuf {
    fuzz_dir.join("artifacts").join(target)
}

fn ensure_cargo_fuzz() -> bool {
    let have = Command::new("cargo")
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    have || crate::proc::run_visible(Command::new("cargo").args([
        "install",
        "cargo-fuzz",
        "--locked",
    ]))
}

pub fn run(cfg: &Config) -> bool {
    if !ensure_cargo_fuzz() {
        eprintln!("xtask fuzz: cargo-fuzz is not installed and could not be installed");
        return false;
    }
    if cfg.targets.iter().any(|t| t == "mpy_load")
        && !crate::proc::run_visible(Command::new("cargo").current_dir(&cfg.root).args([
            "build",
            "--release",
            "-p",
            "upy-cross",
        ]))
    {
        return false;
    }
    let results: Vec<Outcome> = cfg.targets.iter().map(|t| run_target(cfg, t)).collect();
    println!("\n==== fuzz summary ({} s per target)", cfg.seconds);
    let mut total = 0;
    for r in &results {
        let word = if r.ok { "ok" } else { "FOUND A PROBLEM" };
        println!("{:<11} {:>12} executions  {word}", r.target, r.execs);
        total += r.execs;
    }
    println!("total       {total:>12} executions");
    results.iter().all(|r| r.ok)
}

#[cfg(test)]
mod tests {
    #[test]
    fn executed_units_are_summed_over_workers() {
        let log = "INFO: x\nstat::number_of_executed_units: 120\nstat::x: 1\n\
                   stat::number_of_executed_units: 30\n";
        assert_eq!(super::executed_units(log), 150);
        assert_eq!(super::executed_units("nothing"), 0);
    }
}
