//! Guard for the unix binary's code layout: `ports/unix/hot-functions.txt` lists, by mangled
//! name, the functions the linker puts first (ports/unix/build.rs). Those names carry hashes
//! that change with the toolchain, the release profile or a crate's feature list, and a
//! stale list fails silently (the linker skips unknown names) while peak RSS grows back by
//! about 1 MB per program (docs/performance.md). So the test run checks that the list still
//! names the binary's functions.

use std::collections::HashSet;
use std::fs;
use std::path::Path;

/// Below this share of listed names present in the binary, the list counts as stale. A few
/// names come and go with ordinary code changes (inlining decisions), so not 100%.
const MIN_PRESENT: f64 = 0.8;

/// Ok when the list is current for `bin` (or there is no list); Err says what to do.
pub fn check(bin: &Path, list: &Path) -> Result<String, String> {
    let Ok(text) = fs::read_to_string(list) else {
        return Ok("no hot-functions list".to_string());
    };
    // The first line names the toolchain that made the list; another toolchain renames
    // every symbol, and that is not a stale list but a different build.
    let made_by = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# "))
        .unwrap_or("");
    let building_with = rustc_version();
    if made_by != building_with {
        return Ok(format!(
            "{} was made by {made_by:?}, this build uses {building_with:?}: not checked",
            list.display()
        ));
    }
    let names: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    if names.is_empty() {
        return Ok("hot-functions list is empty".to_string());
    }
    let binary = fs::read(bin).map_err(|e| format!("cannot read {}: {e}", bin.display()))?;
    let strings = nul_terminated_strings(&binary);
    let present = names
        .iter()
        .filter(|n| strings.contains(n.as_bytes()))
        .count();
    let share = present as f64 / names.len() as f64;
    let summary = format!(
        "{present} of {} functions in {} are in the binary",
        names.len(),
        list.display()
    );
    if share >= MIN_PRESENT {
        Ok(summary)
    } else {
        Err(format!(
            "{summary}: the list is stale (symbol hashes changed). Regenerate it:\n  \
             python3 ports/unix/hot_functions.py --perf-bench <micropython>/tests/perf_bench\n\
             then rebuild (see the script's header)"
        ))
    }
}

/// `rustc --version` of the toolchain cargo builds with (`$RUSTC` when set).
fn rustc_version() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// Every run of bytes between two NULs: the symbol names of `.strtab` among them.
fn nul_terminated_strings(binary: &[u8]) -> HashSet<&[u8]> {
    binary
        .split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_names_only() {
        let strings = nul_terminated_strings(b"\0_ZN3foo3bar17h0123E\0_ZN3baz\0");
        assert!(strings.contains(&b"_ZN3foo3bar17h0123E"[..]));
        assert!(strings.contains(&b"_ZN3baz"[..]));
        assert!(!strings.contains(&b"_ZN3foo3bar"[..]));
        assert!(!strings.contains(&b"3baz"[..]));
    }

    #[test]
    fn stale_list_is_an_error() {
        let dir = std::env::temp_dir().join(format!("xtask-codelayout-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let bin = dir.join("bin");
        let list = dir.join("list");
        fs::write(&bin, b"\0a1\0a2\0a3\0a4\0a5\0").unwrap();
        let head = format!("# {}\n", rustc_version());
        fs::write(&list, format!("{head}a1\na2\na3\na4\nzz\n")).unwrap();
        assert!(check(&bin, &list).is_ok());
        fs::write(&list, format!("{head}a1\nzz\nzy\nzx\n")).unwrap();
        assert!(check(&bin, &list).is_err());
        // A list from another toolchain is not judged.
        fs::write(&list, "# rustc 0.0.0\na1\nzz\nzy\nzx\n").unwrap();
        assert!(check(&bin, &list).is_ok());
        fs::remove_dir_all(&dir).unwrap();
    }
}
