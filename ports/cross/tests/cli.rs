//! The `upy-cross` binary end to end: files written, refusals and their exit codes, and,
//! when the reference `mpy-cross` build is present, byte identity with it under several
//! option sets.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const REFERENCE: &str = "/work/mp/micropython/mpy-cross/build/mpy-cross";

const SOURCE: &str = "\
import sys
X = 1 << 40
def f(a, *b, c=3, **d):
    assert a, 'no a'
    return [x * 2 for x in b if x] + [c, X, 1.5, b'\\x00', 'a long string here']
class K(object):
    async def g(self):
        async with self as s:
            await s
print(f(1, 2, 3), __debug__)
";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("upy-cross-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(bin: &str, dir: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn ours(dir: &Path, args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_upy-cross"), dir, args)
}

#[test]
fn writes_mpy_beside_the_source() {
    let dir = scratch("beside");
    std::fs::write(dir.join("m.py"), SOURCE).unwrap();
    let out = ours(&dir, &["m.py"]);
    assert!(out.status.success(), "{out:?}");
    let mpy = std::fs::read(dir.join("m.mpy")).unwrap();
    assert_eq!(&mpy[..4], b"M\x06\x00\x1f");
    // -o - writes the same bytes to stdout.
    assert_eq!(ours(&dir, &["-o", "-", "m.py"]).stdout, mpy);
    // Without line tables the file is smaller.
    let out = ours(&dir, &["-X", "no-source-lines", "-o", "n.mpy", "m.py"]);
    assert!(out.status.success());
    assert!(std::fs::read(dir.join("n.mpy")).unwrap().len() < mpy.len());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn refusals() {
    let dir = scratch("refuse");
    std::fs::write(dir.join("bad.py"), "x = (\n").unwrap();
    let out = ours(&dir, &["bad.py"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("File \"bad.py\", line 2\nSyntaxError: "),
        "{err}"
    );
    for args in [
        &["-march=x64", "bad.py"][..],
        &["-X", "emit=viper", "bad.py"],
        &["-march=z80", "bad.py"],
        &["missing.py"],
        &[],
    ] {
        let out = ours(&dir, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
    }
    assert!(
        String::from_utf8_lossy(&ours(&dir, &["-march=z80", "x.py"]).stdout).starts_with("usage: ")
    );
    let v = ours(&dir, &["--version"]);
    assert!(v.status.success());
    assert!(String::from_utf8_lossy(&v.stdout).contains("upy"));
    assert!(String::from_utf8_lossy(&v.stdout).contains("mpy-cross emitting mpy v6.3"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn identical_to_reference() {
    if !Path::new(REFERENCE).exists() {
        eprintln!("no reference mpy-cross; skipping");
        return;
    }
    let dir = scratch("ref");
    std::fs::write(dir.join("m.py"), SOURCE).unwrap();
    for opts in [
        &[][..],
        &["-O1"],
        &["-O3"],
        &["-X", "no-source-lines"],
        &["-msmall-int-bits=63"],
        &["-s", "lib/m.py"],
    ] {
        let mut args = opts.to_vec();
        args.extend(["-o", "-", "m.py"]);
        let want = run(REFERENCE, &dir, &args);
        let got = ours(&dir, &args);
        assert!(want.status.success() && got.status.success(), "{opts:?}");
        assert_eq!(got.stdout, want.stdout, "{opts:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
