//! The `interop` step: upy's on-disk file systems against the standard tools. FAT images
//! made by `mkfs.fat` + `mcopy` (FAT12, FAT16, FAT32) are copied out by upy and must match
//! the source files byte for byte; images upy formats and fills (FAT12, FAT16, and FAT32 in
//! an MBR partition, as upstream's mkfs makes for big devices) must pass `fsck.fat -n` and
//! come back byte for byte through `mcopy`. littlefs v2 the same way against the PyPI
//! package littlefs-python (installed into `target/littlefs-venv` on first use). The upy
//! side is `xtask/interop/fat.py` and `lfs.py`, the littlefs-python side `lfs_tool.py`.
//! When dosfstools/mtools are missing, or littlefs-python cannot be installed (no
//! network), that half says so and is skipped.

use crate::proc::run_merged;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub struct Config {
    pub upy: PathBuf,
    /// CPython, to make the littlefs-python venv.
    pub cpython: String,
    /// Where littlefs-python is installed (`target/littlefs-venv`).
    pub venv: PathBuf,
    /// `xtask/interop`: the upy-side scripts.
    pub scripts: PathBuf,
    /// Scratch space (`target/interop`), emptied on each run.
    pub work_dir: PathBuf,
}

const TIMEOUT: Duration = Duration::from_secs(120);
const TOOLS: [&str; 4] = ["mkfs.fat", "fsck.fat", "mcopy", "mdir"];

/// A program on PATH or in the sbin folders (where Debian puts dosfstools).
fn find_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    let found = path
        .split(':')
        .chain(["/usr/sbin", "/sbin"])
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file());
    found
}

/// Run a command; its merged output, or an error that says what failed.
fn run(cmd: &mut Command) -> Result<Vec<u8>, String> {
    cmd.env("LC_ALL", "C.UTF-8");
    let what = format!("{cmd:?}");
    match run_merged(cmd, None, TIMEOUT) {
        Ok(out) if out.success() => Ok(out.output),
        Ok(out) => Err(format!(
            "{what} failed ({}):\n{}",
            out.describe_status(),
            String::from_utf8_lossy(&out.output).trim_end()
        )),
        Err(e) => Err(format!("cannot run {what}: {e}")),
    }
}

/// Deterministic file contents.
fn bytes(seed: u32, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// The tree copied in both directions: long, mixed-case and non-ASCII names, nested and
/// empty folders, files from empty to many clusters, and a folder big enough to grow.
fn make_tree(dir: &Path) -> std::io::Result<()> {
    let files: [(&str, usize); 8] = [
        ("hello.txt", 12),
        ("Long File Name.txt", 5000),
        ("UPPER.BIN", 70_000),
        ("Ünïcödé Nämé.txt", 100),
        ("dir one/sub dir/deep.dat", 1500),
        ("dir one/empty.txt", 0),
        ("rewritten.txt", 5),
        ("an empty folder/.keep", 1),
    ];
    for (i, (name, len)) in files.iter().enumerate() {
        let p = dir.join(name);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
        let data = if *name == "rewritten.txt" {
            b"short".to_vec()
        } else {
            bytes(i as u32, *len)
        };
        fs::write(p, data)?;
    }
    fs::create_dir_all(dir.join("many"))?;
    for i in 0..40 {
        fs::write(
            dir.join(format!("many/file number {i}.txt")),
            bytes(100 + i, i as usize * 37),
        )?;
    }
    Ok(())
}

/// Compare two trees: the same names, kinds and bytes.
fn compare(a: &Path, b: &Path) -> Result<(), String> {
    let names = |d: &Path| -> Result<Vec<String>, String> {
        let mut v: Vec<String> = fs::read_dir(d)
            .map_err(|e| format!("{}: {e}", d.display()))?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        Ok(v)
    };
    let (na, nb) = (names(a)?, names(b)?);
    if na != nb {
        return Err(format!(
            "{} has {na:?} but {} has {nb:?}",
            a.display(),
            b.display()
        ));
    }
    for n in na {
        let (pa, pb) = (a.join(&n), b.join(&n));
        if pa.is_dir() {
            if !pb.is_dir() {
                return Err(format!("{} is not a folder", pb.display()));
            }
            compare(&pa, &pb)?;
        } else {
            let da = fs::read(&pa).map_err(|e| format!("{}: {e}", pa.display()))?;
            let db = fs::read(&pb).map_err(|e| format!("{}: {e}", pb.display()))?;
            if da != db {
                return Err(format!("{} and {} differ", pa.display(), pb.display()));
            }
        }
    }
    Ok(())
}

fn fresh_dir(p: &Path) -> Result<(), String> {
    let _ = fs::remove_dir_all(p);
    fs::create_dir_all(p).map_err(|e| format!("{}: {e}", p.display()))
}

/// Copy everything under `src` onto the image's root with mcopy.
fn mcopy_in(img: &Path, src: &Path) -> Result<(), String> {
    let mut cmd = Command::new("mcopy");
    cmd.args(["-s", "-Q", "-i"]).arg(img);
    let mut entries: Vec<PathBuf> = fs::read_dir(src)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    cmd.args(&entries).arg("::/");
    run(&mut cmd).map(|_| ())
}

/// Tools → upy: an image made and filled by dosfstools/mtools, copied out by upy.
fn tools_to_upy(cfg: &Config, src: &Path, fat: u32, kib: u32) -> Result<(), String> {
    let img = cfg.work_dir.join(format!("tools{fat}.img"));
    let _ = fs::remove_file(&img);
    let mkfs = find_tool("mkfs.fat").ok_or("mkfs.fat missing")?;
    run(Command::new(mkfs)
        .args(["-F", &fat.to_string(), "-C"])
        .arg(&img)
        .arg(kib.to_string()))?;
    mcopy_in(&img, src)?;
    let out = cfg.work_dir.join(format!("tools{fat}.out"));
    fresh_dir(&out)?;
    run(Command::new(&cfg.upy)
        .arg(cfg.scripts.join("fat.py"))
        .arg("read")
        .arg(&img)
        .arg(&out))?;
    compare(src, &out)
}

/// upy → tools: an image formatted and filled by upy, checked by fsck.fat and copied out
/// by mcopy.
fn upy_to_tools(cfg: &Config, src: &Path, label: &str, size: u64) -> Result<(), String> {
    let img = cfg.work_dir.join(format!("upy{label}.img"));
    let _ = fs::remove_file(&img);
    fs::File::create(&img)
        .and_then(|f| f.set_len(size))
        .map_err(|e| format!("{}: {e}", img.display()))?;
    run(Command::new(&cfg.upy)
        .arg(cfg.scripts.join("fat.py"))
        .arg("write")
        .arg(&img)
        .arg(src))?;
    // A partitioned image (MBR at sector 0): the tools get the partition.
    let head = read_head(&img)?;
    let part_lba = if &head[54..57] != b"FAT" && &head[82..87] != b"FAT32" {
        u32::from_le_bytes([head[454], head[455], head[456], head[457]])
    } else {
        0
    };
    let vol = if part_lba == 0 {
        img.clone()
    } else {
        let part = cfg.work_dir.join(format!("upy{label}.part"));
        sparse_copy(&img, &part, u64::from(part_lba) * 512)?;
        part
    };
    let fsck = find_tool("fsck.fat").ok_or("fsck.fat missing")?;
    let report = run(Command::new(fsck).arg("-n").arg(&vol))?;
    let report = String::from_utf8_lossy(&report).into_owned();
    let out = cfg.work_dir.join(format!("upy{label}.out"));
    fresh_dir(&out)?;
    run(Command::new("mcopy")
        .args(["-s", "-n", "-i"])
        .arg(&vol)
        .arg("::/*")
        .arg(&out))?;
    compare(src, &out)?;
    println!("  fsck.fat: {}", report.lines().last().unwrap_or("").trim());
    Ok(())
}

fn read_head(img: &Path) -> Result<[u8; 512], String> {
    use std::io::Read;
    let mut b = [0u8; 512];
    fs::File::open(img)
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| format!("{}: {e}", img.display()))?;
    Ok(b)
}

/// Copy `src` from byte `offset` on into `dst`, leaving runs of zeros as holes.
fn sparse_copy(src: &Path, dst: &Path, offset: u64) -> Result<(), String> {
    use std::io::{Read, Seek, SeekFrom, Write};
    let err = |e: std::io::Error| format!("{} -> {}: {e}", src.display(), dst.display());
    let mut a = fs::File::open(src).map_err(err)?;
    let len = a.metadata().map_err(err)?.len();
    let mut b = fs::File::create(dst).map_err(err)?;
    b.set_len(len.saturating_sub(offset)).map_err(err)?;
    a.seek(SeekFrom::Start(offset)).map_err(err)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut at = 0u64;
    loop {
        let n = a.read(&mut buf).map_err(err)?;
        if n == 0 {
            break;
        }
        if buf[..n].iter().any(|x| *x != 0) {
            b.seek(SeekFrom::Start(at)).map_err(err)?;
            b.write_all(&buf[..n]).map_err(err)?;
        }
        at += n as u64;
    }
    Ok(())
}

/// The package littlefs images are checked against.
pub const LFS_PACKAGE: &str = "littlefs-python==0.19.0";

/// The venv's python with littlefs-python, installing it on first use.
fn littlefs_python(cfg: &Config) -> Result<PathBuf, String> {
    let py = cfg.venv.join("bin/python");
    let has = |py: &Path| {
        py.is_file()
            && Command::new(py)
                .args(["-c", "import littlefs"])
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false)
    };
    if has(&py) {
        return Ok(py);
    }
    println!("installing {LFS_PACKAGE} into {}", cfg.venv.display());
    run(Command::new(&cfg.cpython)
        .args(["-m", "venv"])
        .arg(&cfg.venv))?;
    run(Command::new(cfg.venv.join("bin/pip")).args([
        "install",
        "--disable-pip-version-check",
        "-q",
        LFS_PACKAGE,
    ]))?;
    if has(&py) {
        Ok(py)
    } else {
        Err(format!("{LFS_PACKAGE} did not install"))
    }
}

/// littlefs-python → upy: an image made by littlefs-python, copied out by upy.
fn lfs_tools_to_upy(
    cfg: &Config,
    py: &Path,
    src: &Path,
    bs: u32,
    count: u32,
) -> Result<(), String> {
    let img = cfg.work_dir.join(format!("lfs-tools-{bs}.img"));
    run(Command::new(py)
        .arg(cfg.scripts.join("lfs_tool.py"))
        .arg("make")
        .arg(&img)
        .arg(src)
        .arg(bs.to_string())
        .arg(count.to_string()))?;
    let out = cfg.work_dir.join(format!("lfs-tools-{bs}.out"));
    fresh_dir(&out)?;
    run(Command::new(&cfg.upy)
        .arg(cfg.scripts.join("lfs.py"))
        .arg("read")
        .arg(&img)
        .arg(&out)
        .arg(bs.to_string()))?;
    compare(src, &out)
}

/// upy → littlefs-python: an image formatted and filled by upy, read by littlefs-python.
fn lfs_upy_to_tools(
    cfg: &Config,
    py: &Path,
    src: &Path,
    bs: u32,
    count: u32,
) -> Result<(), String> {
    let img = cfg.work_dir.join(format!("lfs-upy-{bs}.img"));
    let _ = fs::remove_file(&img);
    fs::File::create(&img)
        .and_then(|f| f.set_len(u64::from(bs) * u64::from(count)))
        .map_err(|e| format!("{}: {e}", img.display()))?;
    run(Command::new(&cfg.upy)
        .arg(cfg.scripts.join("lfs.py"))
        .arg("write")
        .arg(&img)
        .arg(src)
        .arg(bs.to_string()))?;
    let out = cfg.work_dir.join(format!("lfs-upy-{bs}.out"));
    fresh_dir(&out)?;
    run(Command::new(py)
        .arg(cfg.scripts.join("lfs_tool.py"))
        .arg("extract")
        .arg(&img)
        .arg(&out)
        .arg(bs.to_string())
        .arg(count.to_string()))?;
    compare(src, &out)
}

pub fn run_all(cfg: &Config) -> bool {
    if let Err(e) = fresh_dir(&cfg.work_dir) {
        eprintln!("interop: {e}");
        return false;
    }
    let src = cfg.work_dir.join("src");
    if let Err(e) = make_tree(&src) {
        eprintln!("interop: {e}");
        return false;
    }
    let mut ok = true;
    let mut report = |name: &str, r: Result<(), String>| match r {
        Ok(()) => println!("pass {name}"),
        Err(e) => {
            println!("FAIL {name}: {e}");
            ok = false;
        }
    };
    match littlefs_python(cfg) {
        Err(e) => println!("interop: littlefs part skipped: {e}"),
        Ok(py) => {
            for (bs, count) in [(512, 512), (4096, 256)] {
                report(
                    &format!("littlefs ({bs}-byte blocks) made by littlefs-python, read by upy"),
                    lfs_tools_to_upy(cfg, &py, &src, bs, count),
                );
                report(
                    &format!("littlefs ({bs}-byte blocks) made by upy, read by littlefs-python"),
                    lfs_upy_to_tools(cfg, &py, &src, bs, count),
                );
            }
        }
    }
    let missing: Vec<&str> = TOOLS
        .iter()
        .copied()
        .filter(|t| find_tool(t).is_none())
        .collect();
    if !missing.is_empty() {
        println!(
            "interop: FAT part skipped, missing {} (apt-get install dosfstools mtools)",
            missing.join(", ")
        );
        return ok;
    }
    for (fat, kib) in [(12, 2048), (16, 32 * 1024), (32, 64 * 1024)] {
        report(
            &format!("FAT{fat} made by mkfs.fat+mcopy, read by upy"),
            tools_to_upy(cfg, &src, fat, kib),
        );
    }
    for (label, size) in [("12", 1u64 << 20), ("16", 16 << 20), ("32", 4 << 30)] {
        report(
            &format!("FAT{label} made by upy, checked by fsck.fat and read by mcopy"),
            upy_to_tools(cfg, &src, label, size),
        );
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_compare_by_names_and_bytes() {
        let base = std::env::temp_dir().join(format!("upy-interop-{}", std::process::id()));
        let (a, b) = (base.join("a"), base.join("b"));
        make_tree(&a).unwrap();
        make_tree(&b).unwrap();
        assert!(compare(&a, &b).is_ok());
        fs::write(b.join("hello.txt"), b"changed").unwrap();
        assert!(compare(&a, &b).is_err());
        fs::remove_dir_all(&base).unwrap();
    }
}
