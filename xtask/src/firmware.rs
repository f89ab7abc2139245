//! The board firmware (ports/mps2): `cargo xtask firmware` builds it with Debian's
//! toolchain, `cargo xtask qemu` boots it in QEMU's mps2-an385, and the `firmware` test
//! step builds it and runs ports/mps2/tests/check_firmware.py against it.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{fail_usage, proc, root};

const QEMU: &str = "qemu-system-arm";

/// Where the firmware is built (its own folder: a different compiler and target).
fn target_dir() -> PathBuf {
    root().join("target/mps2")
}

fn elf_path() -> PathBuf {
    target_dir().join("thumbv7m-upy/release/upy-mps2")
}

/// Debian's toolchain pieces the build needs, or a message naming the missing ones.
fn check_toolchain() -> Result<(), String> {
    let need = [
        "/usr/bin/rustc",
        "/usr/bin/cargo",
        "/usr/lib/rustlib/src/rust/library/core",
        "/usr/bin/arm-none-eabi-ld",
    ];
    let missing: Vec<&str> = need
        .iter()
        .copied()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the firmware build needs Debian's Rust toolchain with its library sources and the \
         ARM linker; missing: {}.\nInstall them (as root on Debian 12) with:\n    \
         apt-get install -y rustc-web cargo-web rust-web-src gcc-arm-none-eabi",
        missing.join(", ")
    ))
}

/// Build settings: GC heap size in KiB (None = the firmware's default).
#[derive(Default)]
pub struct Build {
    pub heap_kb: Option<u32>,
}

/// Build the firmware; its ELF path on success.
pub fn build(b: &Build) -> Option<PathBuf> {
    if let Err(e) = check_toolchain() {
        eprintln!("xtask: {e}");
        return None;
    }
    let path = format!("/usr/bin:{}", env::var("PATH").unwrap_or_default());
    let mut cmd = Command::new("/usr/bin/cargo");
    cmd.current_dir(root().join("ports/mps2"))
        .args(["build", "--release"])
        .env("PATH", path)
        .env("RUSTC", "/usr/bin/rustc")
        .env("RUSTDOC", "/usr/bin/rustdoc")
        // Unlocks -Z build-std on Debian's stable compiler.
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("RUSTFLAGS");
    match b.heap_kb {
        Some(kb) => cmd.env("UPY_HEAP_KB", kb.to_string()),
        None => cmd.env_remove("UPY_HEAP_KB"),
    };
    // Build output goes to stderr so that stdout's last line is the ELF path.
    let status = cmd.stdout(std::process::Stdio::null()).status();
    match status {
        Ok(s) if s.success() => Some(elf_path()),
        Ok(_) => None,
        Err(e) => {
            eprintln!("xtask: cannot run /usr/bin/cargo: {e}");
            None
        }
    }
}

fn parse_build_opt(b: &mut Build, args: &[String], i: &mut usize) -> Result<bool, String> {
    if args[*i] != "--heap-kb" {
        return Ok(false);
    }
    *i += 1;
    let v = args
        .get(*i)
        .and_then(|s| s.parse().ok())
        .ok_or("--heap-kb needs a number of KiB")?;
    b.heap_kb = Some(v);
    Ok(true)
}

/// `cargo xtask firmware [--heap-kb N]`.
pub fn cmd_firmware(args: &[String]) -> bool {
    let mut b = Build::default();
    let mut i = 0;
    while i < args.len() {
        match parse_build_opt(&mut b, args, &mut i) {
            Ok(true) => {}
            Ok(false) => return fail_usage(&format!("unknown option {:?}", args[i])),
            Err(e) => return fail_usage(&e),
        }
        i += 1;
    }
    match build(&b) {
        Some(elf) => {
            let _ = proc::run_visible(Command::new("arm-none-eabi-size").arg(&elf));
            println!("{}", elf.display());
            true
        }
        None => false,
    }
}

/// QEMU's command line for the board, without the serial options.
pub fn qemu_base(elf: &Path, semihost_args: &[String], icount: bool) -> Vec<String> {
    let mut v: Vec<String> = ["-M", "mps2-an385", "-display", "none"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut sh = String::from("enable=on,target=native,arg=upy");
    for a in semihost_args {
        sh.push_str(",arg=");
        sh.push_str(a);
    }
    v.push("-semihosting-config".into());
    v.push(sh);
    if icount {
        v.push("-icount".into());
        v.push("shift=0,align=off,sleep=off".into());
    }
    v.push("-kernel".into());
    v.push(elf.display().to_string());
    v
}

/// `cargo xtask qemu [--pty] [--flash FILE] [--safe-boot] [--icount] [--heap-kb N]`.
pub fn cmd_qemu(args: &[String]) -> bool {
    let mut b = Build::default();
    let mut pty = false;
    let mut icount = false;
    let mut sh: Vec<String> = Vec::new();
    let mut elf: Option<PathBuf> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--pty" => pty = true,
            "--icount" => icount = true,
            "--safe-boot" => sh.push("safeboot".into()),
            "--flash" | "--elf" => {
                let Some(v) = args.get(i + 1) else {
                    return fail_usage(&format!("{} needs a file", args[i]));
                };
                if args[i] == "--elf" {
                    elf = Some(PathBuf::from(v));
                } else {
                    if v.contains([',', ' ']) {
                        return fail_usage("--flash: the path may not contain ',' or ' '");
                    }
                    let abs = env::current_dir().map(|d| d.join(v)).unwrap_or(v.into());
                    // The board reads its command line into 512 bytes.
                    if abs.as_os_str().len() > 400 {
                        return fail_usage("--flash: the absolute path is too long");
                    }
                    sh.push(format!("flash={}", abs.display()));
                }
                i += 1;
            }
            _ => match parse_build_opt(&mut b, args, &mut i) {
                Ok(true) => {}
                Ok(false) => return fail_usage(&format!("unknown option {:?}", args[i])),
                Err(e) => return fail_usage(&e),
            },
        }
        i += 1;
    }
    let elf = match elf {
        Some(e) => e,
        None => match build(&b) {
            Some(e) => e,
            None => return false,
        },
    };
    let mut cmd = Command::new(QEMU);
    cmd.args(qemu_base(&elf, &sh, icount));
    if pty {
        // QEMU names the pty on stderr: "char device redirected to /dev/pts/N".
        cmd.args(["-monitor", "none", "-serial", "pty"]);
        eprintln!("xtask: serial line on the pty QEMU names below; stop QEMU with Ctrl-C");
    } else {
        // Ctrl-C goes to the board; Ctrl-A x quits QEMU, Ctrl-A Ctrl-A sends Ctrl-A.
        cmd.args(["-nographic", "-monitor", "null"]);
        eprintln!("xtask: Ctrl-A x quits QEMU; Ctrl-A Ctrl-A sends Ctrl-A (raw REPL)");
    }
    proc::run_visible(&mut cmd)
}

/// The `firmware` test step: build, then boot and drive it with the scripted check.
pub fn test_step(python: &str) -> bool {
    let Some(elf) = build(&Build::default()) else {
        return false;
    };
    let _ = proc::run_visible(Command::new("arm-none-eabi-size").arg(&elf));
    if Command::new(QEMU).arg("--version").output().is_err() {
        eprintln!(
            "xtask: {QEMU} is missing; install it with `apt-get install -y qemu-system-arm` \
             or skip this step with `cargo xtask test --skip firmware`"
        );
        return false;
    }
    let script = root().join("ports/mps2/tests/check_firmware.py");
    let fmt_ok = proc::run_visible(
        Command::new("rustfmt")
            .args(["--check", "--edition", "2021"])
            .args(rust_files(&root().join("ports/mps2/src")))
            .arg(root().join("ports/mps2/build.rs")),
    );
    // The script runs mpremote's checks too when mpremote is installed.
    fmt_ok && proc::run_visible(Command::new(python).arg(script).arg(&elf).arg("--mpremote"))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "rs"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}
