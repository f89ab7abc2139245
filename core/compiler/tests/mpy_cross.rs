//! Compares our `.mpy` output with the reference `mpy-cross` on MicroPython's basics tests.
//! Runs only when the reference binary and test directory exist (ignored by default because
//! it spawns hundreds of processes): `cargo test -p upy-compiler --test mpy_cross -- --ignored
//! --nocapture`. `UPY_MPY_DIR=dir` picks another test directory (`UPY_MPY_RECURSIVE=1` to descend),
//! `UPY_MPY_OPT=n` compiles with `-On`, `UPY_MPY_BITS=n` sets the small-int width,
//! `UPY_MPY_FILTER=name` limits it to matching files and prints byte diffs.

use std::path::Path;
use std::process::Command;
use upy_compiler::compile::{compile, CompileOptions};
use upy_compiler::mpy;

const MPY_CROSS: &str = "/work/mp/micropython/mpy-cross/build/mpy-cross";
const TESTS: &str = "/work/mp/micropython/tests/basics";

fn reference(path: &Path, name: &str, out: &Path, opt: u8, bits: u8) -> Option<Vec<u8>> {
    let st = Command::new(MPY_CROSS)
        .arg(format!("-O{opt}"))
        .arg(format!("-msmall-int-bits={bits}"))
        .arg("-o")
        .arg(out)
        .arg("-s")
        .arg(name)
        .arg(path)
        .output()
        .ok()?;
    if !st.status.success() {
        return None;
    }
    std::fs::read(out).ok()
}

fn collect(dir: &Path, recursive: bool, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.filter_map(|e| e.ok()) {
        let p = e.path();
        if p.is_dir() {
            if recursive {
                collect(&p, true, out);
            }
        } else {
            out.push(p);
        }
    }
}

#[test]
#[ignore]
fn basics_identical_to_mpy_cross() {
    if !Path::new(MPY_CROSS).exists() {
        eprintln!("reference mpy-cross or tests missing; skipping");
        return;
    }
    let filter = std::env::var("UPY_MPY_FILTER").ok();
    let opt: u8 = std::env::var("UPY_MPY_OPT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let bits: u8 = std::env::var("UPY_MPY_BITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(31);
    let tmp = std::env::temp_dir().join(format!("upy-mpy-cross-{}.mpy", std::process::id()));
    let dir = std::env::var("UPY_MPY_DIR").unwrap_or_else(|_| String::from(TESTS));
    let mut files = Vec::new();
    collect(
        Path::new(&dir),
        std::env::var("UPY_MPY_RECURSIVE").is_ok(),
        &mut files,
    );
    files.retain(|p| p.extension().is_some_and(|x| x == "py"));
    files.sort();
    let (mut same, mut differ, mut ref_fail, mut our_fail, mut both_fail) = (0, 0, 0, 0, 0);
    let mut unreadable = 0;
    let mut differing = Vec::new();
    for p in files.iter() {
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("x.py")
            .to_string();
        if let Some(f) = &filter {
            if !name.contains(f.as_str()) {
                continue;
            }
        }
        let src = match std::fs::read_to_string(p) {
            Ok(s) => s,
            Err(_) => continue,
        };
        let want = reference(p, &name, &tmp, opt, bits);
        let opts = CompileOptions {
            opt_level: opt,
            small_int_bits: bits,
            ..CompileOptions::default()
        };
        let got = compile(&src, &name, &opts).map(|m| mpy::write(&m, bits));
        if let Some(w) = &want {
            match mpy::read_for_target(w, 63) {
                Ok(m) if mpy::write(&m, bits) == *w => {}
                // Float constants are re-formatted on writing; see mpy::format_float.
                Ok(_) => println!("{name}: reference .mpy does not round-trip byte for byte"),
                Err(e) => {
                    unreadable += 1;
                    println!("{name}: reference .mpy rejected: {}", e.msg);
                }
            }
        }
        match (want, got) {
            (Some(w), Ok(g)) => {
                if w == g {
                    same += 1;
                } else {
                    differ += 1;
                    differing.push(name.clone());
                    if filter.is_some() {
                        println!("{name}: ref {} bytes, ours {} bytes", w.len(), g.len());
                        let i = w.iter().zip(g.iter()).take_while(|(a, b)| a == b).count();
                        let lo = i.saturating_sub(8);
                        println!("first difference at {i}");
                        println!("ref : {:02x?}", &w[lo..(i + 24).min(w.len())]);
                        println!("ours: {:02x?}", &g[lo..(i + 24).min(g.len())]);
                    }
                }
            }
            (None, Ok(_)) => {
                ref_fail += 1;
                if filter.is_some() {
                    println!("{name}: mpy-cross failed, we compiled");
                }
            }
            (Some(_), Err(e)) => {
                our_fail += 1;
                println!("{name}: we failed: {e:?}");
            }
            (None, Err(_)) => both_fail += 1,
        }
    }
    let _ = std::fs::remove_file(&tmp);
    println!("differing: {}", differing.join(" "));
    println!(
        "identical {same}, different {differ}, only mpy-cross failed {ref_fail}, only we failed {our_fail}, both failed {both_fail}, reference files our reader rejects {unreadable}"
    );
    assert_eq!(unreadable, 0);
    assert!(same > 0 || filter.is_some());
}
