//! `cargo xtask bench`: runs benchmark programs under upy and reference interpreters,
//! alternating between them, and prints median times (or callgrind instruction counts),
//! upy/reference ratios and their geometric mean.
//!
//! Two kinds of program: our own `bench/*.py` (timed from outside as whole processes, each
//! prints a checksum), and upstream's perf_bench programs, which define `bm_params` and
//! `bm_setup` and are driven the way upstream's run-perfbench.py does it: the program, then
//! the folder's `benchrun.py`, then `bm_run(N, M)`, fed to the interpreter on stdin; the
//! driver prints `<microseconds> <norm> <result>`, and the microseconds are what we compare.

use crate::proc::{run_merged, Outcome};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub struct Config {
    pub upy: PathBuf,
    /// Reference interpreters: a name on PATH (`python3`) or a path to a binary.
    pub refs: Vec<String>,
    pub reps: usize,
    pub callgrind: bool,
    /// Our own benchmark folder, or upstream's perf_bench folder when `perf_bench` is set.
    pub dir: PathBuf,
    pub perf_bench: bool,
    /// (N, M) handed to perf_bench's `bm_run`: roughly CPU MHz and heap KiB of the target.
    pub perf_params: (u32, u32),
    pub filters: Vec<String>,
    pub timeout: Duration,
}

/// One benchmark program and how to feed it to an interpreter.
struct Program {
    name: String,
    kind: Kind,
}

enum Kind {
    /// Run as `interp file.py` in the file's folder.
    File(PathBuf),
    /// Fed on stdin; `expected` is the result from a `.exp` file when upstream has one.
    Driver {
        script: Vec<u8>,
        expected: Option<String>,
    },
}

/// The result of one run: the measured figure (seconds or instructions) and the checksum.
enum Sample {
    Ok { value: f64, result: String },
    Skip(String),
    Fail(String),
}

struct Interp {
    label: String,
    program: String,
}

pub fn run(cfg: &Config) -> bool {
    let programs = match collect_programs(cfg) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("xtask bench: {e}");
            return false;
        }
    };
    if programs.is_empty() {
        eprintln!(
            "xtask bench: no benchmark programs in {}",
            cfg.dir.display()
        );
        return false;
    }
    if cfg.callgrind
        && !Command::new("valgrind")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    {
        eprintln!("xtask bench: --callgrind needs valgrind (apt-get install -y valgrind)");
        return false;
    }
    let mut interps = vec![Interp {
        label: "upy".to_string(),
        program: cfg.upy.display().to_string(),
    }];
    for r in &cfg.refs {
        let base = Path::new(r)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        let mut label = base.unwrap_or_else(|| r.clone());
        if interps.iter().any(|i| i.label == label) {
            label = r.clone();
        }
        interps.push(Interp {
            label,
            program: r.clone(),
        });
    }
    let reps = if cfg.callgrind { 1 } else { cfg.reps.max(1) };
    let unit = if cfg.callgrind {
        "instructions (callgrind Ir)"
    } else if cfg.perf_bench {
        "median of bm_run's own timing"
    } else {
        "median wall time of the whole process"
    };
    println!(
        "{} program(s), {} interpreter(s), {reps} run(s) each; figure: {unit}",
        programs.len(),
        interps.len()
    );

    let mut rows = Vec::new();
    for prog in &programs {
        let mut samples: Vec<Vec<Sample>> = interps.iter().map(|_| Vec::new()).collect();
        // Alternating interpreters run by run spreads slow drifts of the machine (other
        // jobs, frequency scaling) evenly over all of them.
        // An interpreter that failed or skipped once is not run again on this program.
        let mut given_up = vec![false; interps.len()];
        for _ in 0..reps {
            for (i, interp) in interps.iter().enumerate() {
                if given_up[i] {
                    continue;
                }
                let s = run_once(cfg, interp, prog);
                given_up[i] = !matches!(s, Sample::Ok { .. });
                samples[i].push(s);
            }
        }
        let row = summarize(prog, &interps, samples);
        print_row(&row, &interps, cfg.callgrind);
        rows.push(row);
    }
    print_geomean(&rows, &interps);
    for row in &rows {
        for note in &row.notes {
            println!("note: {}: {note}", row.name);
        }
    }
    rows.iter()
        .all(|r| r.figures.first().is_some_and(|f| f.is_some()))
}

fn collect_programs(cfg: &Config) -> Result<Vec<Program>, String> {
    let mut names: Vec<PathBuf> = fs::read_dir(&cfg.dir)
        .map_err(|e| format!("cannot read {}: {e}", cfg.dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            n.ends_with(".py") && !n.starts_with('_') && n != "benchrun.py"
        })
        .filter(|p| {
            let n = p.to_string_lossy();
            cfg.filters.is_empty() || cfg.filters.iter().any(|f| n.contains(f.as_str()))
        })
        .collect();
    names.sort();
    let runner = if cfg.perf_bench {
        let path = cfg.dir.join("benchrun.py");
        Some(fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?)
    } else {
        None
    };
    let mut programs = Vec::new();
    for path in names {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let kind = match &runner {
            None => Kind::File(path),
            Some(runner) => {
                // viper_* need a native code emitter, which upy does not have.
                if name.starts_with("viper_") {
                    continue;
                }
                let source =
                    fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                if let Some((_, min_m)) = first_params(&String::from_utf8_lossy(&source)) {
                    if cfg.perf_params.1 < min_m {
                        println!("{name}: skipped, needs M >= {min_m}");
                        continue;
                    }
                }
                let mut exp = path.as_os_str().to_owned();
                exp.push(".exp");
                let expected = fs::read_to_string(&exp).ok().map(|s| s.trim().to_string());
                Kind::Driver {
                    script: driver_script(&source, runner, cfg.perf_params),
                    expected,
                }
            }
        };
        programs.push(Program { name, kind });
    }
    Ok(programs)
}

/// The script run-perfbench.py would send: '' leaves sys.path so nothing is imported from
/// the current folder, then the program, the timing driver and the call.
fn driver_script(source: &[u8], runner: &[u8], (n, m): (u32, u32)) -> Vec<u8> {
    let mut s = b"import sys\nsys.path.remove('')\n\n".to_vec();
    s.extend_from_slice(source);
    s.extend_from_slice(runner);
    s.extend_from_slice(format!("bm_run({n}, {m})\n").as_bytes());
    s
}

/// The first `(N, M)` key of `bm_params`: its M is the least heap (KiB) the program needs.
fn first_params(source: &str) -> Option<(u32, u32)> {
    let rest = &source[source.find("bm_params = {")?..];
    let open = rest.find('(')?;
    let close = rest[open..].find(')')? + open;
    let mut nums = rest[open + 1..close]
        .split(',')
        .map(|t| t.trim().parse::<u32>());
    match (nums.next(), nums.next()) {
        (Some(Ok(n)), Some(Ok(m))) => Some((n, m)),
        _ => None,
    }
}

fn run_once(cfg: &Config, interp: &Interp, prog: &Program) -> Sample {
    let log = std::env::temp_dir().join(format!("upy-bench-callgrind-{}.log", std::process::id()));
    let mut cmd = if cfg.callgrind {
        let mut c = Command::new("valgrind");
        c.arg("--tool=callgrind")
            .arg("--callgrind-out-file=/dev/null")
            .arg(format!("--log-file={}", log.display()))
            .arg(&interp.program);
        c
    } else {
        Command::new(&interp.program)
    };
    cmd.env("PYTHONDONTWRITEBYTECODE", "1");
    let outcome = match &prog.kind {
        Kind::File(path) => {
            if let Some(dir) = path.parent() {
                cmd.current_dir(dir);
            }
            cmd.arg(path.file_name().unwrap_or(path.as_os_str()));
            run_merged(&mut cmd, None, cfg.timeout)
        }
        Kind::Driver { script, .. } => run_merged(&mut cmd, Some(script), cfg.timeout),
    };
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => return Sample::Fail(format!("{}: cannot run: {e}", interp.label)),
    };
    let sample = interpret(interp, prog, &outcome);
    if !cfg.callgrind {
        return sample;
    }
    let counted = fs::read_to_string(&log)
        .ok()
        .and_then(|l| callgrind_total(&l));
    let _ = fs::remove_file(&log);
    match (sample, counted) {
        (Sample::Ok { result, .. }, Some(ir)) => Sample::Ok {
            value: ir as f64,
            result,
        },
        (Sample::Ok { .. }, None) => Sample::Fail(format!("{}: no callgrind total", interp.label)),
        (other, _) => other,
    }
}

/// Turns one run into a sample: wall time and trimmed output for our own programs, or the
/// driver's reported microseconds and result for perf_bench programs.
fn interpret(interp: &Interp, prog: &Program, out: &Outcome) -> Sample {
    let text = String::from_utf8_lossy(&out.output).trim().to_string();
    if !out.success() {
        let last = text.lines().last().unwrap_or("").to_string();
        return Sample::Fail(format!(
            "{} {}: {last}",
            interp.label,
            out.describe_status()
        ));
    }
    match prog.kind {
        Kind::File(_) => Sample::Ok {
            value: out.elapsed.as_secs_f64(),
            result: text,
        },
        Kind::Driver { .. } => {
            if text == "SKIP" || text.contains("SKIP") {
                return Sample::Skip(format!("{}: {text}", interp.label));
            }
            let mut parts = text.splitn(3, char::is_whitespace);
            let micros = parts.next().and_then(|t| t.parse::<i64>().ok());
            let norm = parts.next().and_then(|t| t.parse::<i64>().ok());
            let result = parts.next().unwrap_or("").trim().to_string();
            match (micros, norm) {
                (Some(us), Some(_)) if us >= 0 => Sample::Ok {
                    value: us as f64 / 1e6,
                    result,
                },
                _ => Sample::Fail(format!("{}: unexpected output {text:?}", interp.label)),
            }
        }
    }
}

/// The `Collected : N` figure of a callgrind log: instructions executed by the whole process.
fn callgrind_total(log: &str) -> Option<u64> {
    log.lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())
}

struct Row {
    name: String,
    /// Median per interpreter, `None` when it failed or skipped.
    figures: Vec<Option<f64>>,
    notes: Vec<String>,
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

fn summarize(prog: &Program, interps: &[Interp], samples: Vec<Vec<Sample>>) -> Row {
    let mut notes = Vec::new();
    let mut figures = Vec::new();
    let mut results: Vec<Option<String>> = Vec::new();
    for runs in samples {
        let mut values = Vec::new();
        let mut result = None;
        let mut bad = false;
        for s in runs {
            match s {
                Sample::Ok { value, result: r } => {
                    values.push(value);
                    if result.as_ref().is_some_and(|prev| *prev != r) {
                        notes.push("output changed between runs".to_string());
                    }
                    result = Some(r);
                }
                Sample::Skip(why) | Sample::Fail(why) => {
                    notes.push(why);
                    bad = true;
                }
            }
        }
        figures.push(if bad { None } else { median(values) });
        results.push(if bad { None } else { result });
    }
    // The truth is upstream's .exp when there is one, else the first reference that ran.
    let expected = match &prog.kind {
        Kind::Driver {
            expected: Some(e), ..
        } => Some(e.clone()),
        _ => results.iter().skip(1).flatten().next().cloned(),
    };
    // A wrong answer is no speed: its figure leaves the table and the geometric mean.
    if let Some(exp) = expected.filter(|e| e != "None") {
        for ((interp, res), fig) in interps.iter().zip(&results).zip(figures.iter_mut()) {
            if let Some(r) = res.as_ref().filter(|r| **r != exp) {
                notes.push(format!("{} printed {r:?}, expected {exp:?}", interp.label));
                *fig = None;
            }
        }
    }
    Row {
        name: prog.name.clone(),
        figures,
        notes,
    }
}

fn fmt_figure(v: Option<f64>, callgrind: bool) -> String {
    match v {
        None => "-".to_string(),
        Some(v) if callgrind => format!("{:.1}M", v / 1e6),
        Some(v) => format!("{:.1}ms", v * 1e3),
    }
}

fn print_row(row: &Row, interps: &[Interp], callgrind: bool) {
    let upy = row.figures.first().copied().flatten();
    let mut line = format!(
        "{:<26} {:>8}={:>10}",
        row.name,
        interps[0].label,
        fmt_figure(upy, callgrind)
    );
    for (interp, fig) in interps.iter().zip(&row.figures).skip(1) {
        let ratio = match (upy, fig) {
            (Some(u), Some(r)) if *r > 0.0 => format!("{:.2}", u / r),
            _ => "-".to_string(),
        };
        line.push_str(&format!(
            "  {}={:>10} (upy/{} {ratio})",
            interp.label,
            fmt_figure(*fig, callgrind),
            interp.label
        ));
    }
    if !row.notes.is_empty() {
        line.push_str("  [see notes]");
    }
    println!("{line}");
}

fn geomean(ratios: &[f64]) -> Option<f64> {
    if ratios.is_empty() {
        return None;
    }
    let log_sum: f64 = ratios.iter().map(|r| r.ln()).sum();
    Some((log_sum / ratios.len() as f64).exp())
}

fn print_geomean(rows: &[Row], interps: &[Interp]) {
    for (i, interp) in interps.iter().enumerate().skip(1) {
        let ratios: Vec<f64> = rows
            .iter()
            .filter_map(|r| {
                match (
                    r.figures.first().copied().flatten(),
                    r.figures.get(i).copied().flatten(),
                ) {
                    (Some(u), Some(x)) if u > 0.0 && x > 0.0 => Some(u / x),
                    _ => None,
                }
            })
            .collect();
        match geomean(&ratios) {
            Some(g) => println!(
                "geometric mean of upy/{} over {} program(s): {g:.3}{}",
                interp.label,
                ratios.len(),
                if g < 1.0 {
                    " (upy faster)"
                } else {
                    " (upy slower)"
                }
            ),
            None => println!(
                "geometric mean of upy/{}: no program ran on both",
                interp.label
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_from_source() {
        let src = "x = 1\nbm_params = {\n    (50, 25): (2, 128),\n    (100, 100): (3, 256),\n}\n";
        assert_eq!(first_params(src), Some((50, 25)));
        assert_eq!(first_params("no params here"), None);
    }

    #[test]
    fn driver_is_program_then_runner_then_call() {
        let s = driver_script(b"A\n", b"B\n", (1000, 500));
        assert_eq!(
            s,
            b"import sys\nsys.path.remove('')\n\nA\nB\nbm_run(1000, 500)\n"
        );
    }

    #[test]
    fn callgrind_log_total() {
        let log = "==12== Callgrind, a call-graph generating cache profiler\n==12== Events    : Ir\n==12== Collected : 123456789\n==12== I   refs:      123,456,789\n";
        assert_eq!(callgrind_total(log), Some(123456789));
        assert_eq!(callgrind_total("nothing"), None);
    }

    #[test]
    fn medians_and_geomean() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(Vec::new()), None);
        let g = geomean(&[2.0, 0.5]).unwrap();
        assert!((g - 1.0).abs() < 1e-12);
        assert_eq!(geomean(&[]), None);
    }

    #[test]
    fn wrong_answers_and_failures_drop_out() {
        let interps: Vec<Interp> = ["upy", "python3", "micropython"]
            .iter()
            .map(|l| Interp {
                label: l.to_string(),
                program: l.to_string(),
            })
            .collect();
        let prog = Program {
            name: "p.py".to_string(),
            kind: Kind::File(PathBuf::from("p.py")),
        };
        let ok = |v: f64, r: &str| Sample::Ok {
            value: v,
            result: r.to_string(),
        };
        let row = summarize(
            &prog,
            &interps,
            vec![
                vec![ok(1.0, "42"), ok(3.0, "42"), ok(2.0, "42")],
                vec![ok(4.0, "42"), ok(4.0, "42")],
                vec![ok(1.0, "41")],
            ],
        );
        assert_eq!(row.figures, [Some(2.0), Some(4.0), None]);
        assert_eq!(row.notes.len(), 1);
        let row = summarize(
            &prog,
            &interps,
            vec![
                vec![Sample::Fail("boom".to_string())],
                vec![ok(1.0, "1")],
                vec![],
            ],
        );
        assert_eq!(row.figures, [None, Some(1.0), None]);
        assert_eq!(row.notes, ["boom"]);
    }

    #[test]
    fn perf_output_parsing() {
        let interp = Interp {
            label: "x".to_string(),
            program: "x".to_string(),
        };
        let prog = Program {
            name: "p".to_string(),
            kind: Kind::Driver {
                script: Vec::new(),
                expected: None,
            },
        };
        let out = run_merged(
            Command::new("sh").args(["-c", "echo 2500 10 some result"]),
            None,
            Duration::from_secs(10),
        )
        .unwrap();
        match interpret(&interp, &prog, &out) {
            Sample::Ok { value, result } => {
                assert!((value - 0.0025).abs() < 1e-12);
                assert_eq!(result, "some result");
            }
            _ => panic!("expected a sample"),
        }
        let skip = run_merged(
            Command::new("sh").args(["-c", "echo -1 -1 SKIP: no matching params"]),
            None,
            Duration::from_secs(10),
        )
        .unwrap();
        assert!(matches!(interpret(&interp, &prog, &skip), Sample::Skip(_)));
    }
}
