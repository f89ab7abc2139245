//! Build script of the unix port: stamps the build date (UTC, or SOURCE_DATE_EPOCH for
//! reproducible builds) into `UPY_BUILD_DATE`, for the banner and `--version`, and freezes
//! the folders `manifest` (or `UPY_FROZEN_MANIFEST` / `UPY_FROZEN_DIR`) names into
//! `$OUT_DIR/frozen.rs` (see docs/frozen.md), and orders the binary's code for the linker
//! (hot functions first, `hot-functions.txt`).

use std::time::{SystemTime, UNIX_EPOCH};

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn main() {
    let port = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    if let Err(e) = upy_freeze::build_script(&port) {
        eprintln!("freezing modules: {e}");
        std::process::exit(1);
    }
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    println!("cargo:rustc-env=UPY_BUILD_DATE={y:04}-{m:02}-{d:02}");
    link_hot_functions_first(&port);
}

/// Hand the linker the list of functions typical programs run, so they sit together at the
/// start of `.text`. The kernel maps a binary's code 64 KiB around each page fault, so hot
/// code scattered through cold code made nearly all of it resident; grouped, a run maps
/// little more than the code it uses (peak RSS, docs/performance.md "Code layout"). The list
/// is made by `hot_functions.py` for release builds; names missing from a build (another
/// profile or toolchain) are skipped silently. Only where the linker is rust-lld, the
/// default for this target since Rust 1.90: GNU ld has no such option.
fn link_hot_functions_first(port: &std::path::Path) {
    println!("cargo:rerun-if-changed=hot-functions.txt");
    let order = port.join("hot-functions.txt");
    let target = std::env::var("TARGET").unwrap_or_default();
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    if target == "x86_64-unknown-linux-gnu" && release && rustc_minor() >= 90 && order.is_file() {
        println!(
            "cargo:rustc-link-arg-bin=upy=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo:rustc-link-arg-bin=upy=-Wl,--no-warn-symbol-ordering");
    }
}

/// The minor version of the compiler building us (`rustc 1.95.0 (...)` gives 95), 0 if
/// unknown.
fn rustc_minor() -> u32 {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = std::process::Command::new(rustc).arg("--version").output();
    let text = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    text.ok()
        .and_then(|t| t.split_whitespace().nth(1).map(str::to_owned))
        .and_then(|v| v.split('.').nth(1).and_then(|m| m.parse().ok()))
        .unwrap_or(0)
}
