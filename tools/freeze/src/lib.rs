//! Freezing Python into a upy binary (MicroPython's manifest freezing, for any port): a
//! port's `build.rs` calls [`build_script`], which compiles every `.py` (and reads every
//! `.mpy`) in the folders its manifest names and writes Rust source holding the bytecode,
//! qstr tables and constant objects as `static` data for `upy_runtime::frozen`.
//!
//! Manifest (`<port>/manifest`, or the file named by `UPY_FROZEN_MANIFEST`): one folder per
//! line, relative to the manifest's own folder; `folder as pkg` freezes the folder's files
//! under `pkg/` (a package); `#` starts a comment. `UPY_FROZEN_DIR` adds folders
//! (`:`-separated, frozen at the top level) to whatever the manifest names.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use upy_compiler::compile::{CompileOptions, ParseMode};
use upy_compiler::rawcode::{CodeKind, CompiledModule, Const, RawCode};

/// A folder to freeze and the path prefix its modules get below `.frozen/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    pub dir: PathBuf,
    /// Empty for the top level, else a package path such as `asyncio`.
    pub prefix: String,
}

/// What a freeze produced.
#[derive(Debug)]
pub struct Output {
    /// Rust source defining `pub static FROZEN: upy_runtime::frozen::Frozen`.
    pub code: String,
    /// Module paths below `.frozen/`, in order.
    pub modules: Vec<String>,
    /// Every file read, for the build script's change tracking.
    pub inputs: Vec<PathBuf>,
}

/// Parse a manifest's text; folders are taken relative to `base`.
pub fn parse_manifest(text: &str, base: &Path) -> Result<Vec<Root>, String> {
    let mut roots = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let (dir, prefix) = match line.split_once(" as ") {
            Some((d, p)) => (d.trim(), p.trim().trim_matches('/')),
            None => (line, ""),
        };
        if prefix.split('/').any(|part| !is_identifier(part)) && !prefix.is_empty() {
            return Err(format!(
                "manifest line {}: '{prefix}' is not a package name",
                n + 1
            ));
        }
        roots.push(Root {
            dir: base.join(dir),
            prefix: prefix.to_string(),
        });
    }
    Ok(roots)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// One source file found in a root: its path below `.frozen/` and where it is.
struct Input {
    path: String,
    file: PathBuf,
}

fn collect(dir: &Path, prefix: &str, out: &mut Vec<Input>) -> Result<(), String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with('.') || name == "__pycache__" {
            continue;
        }
        let rel = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        };
        if p.is_dir() {
            if is_identifier(name) {
                collect(&p, &rel, out)?;
            }
        } else if name.ends_with(".py") || name.ends_with(".mpy") {
            out.push(Input { path: rel, file: p });
        }
    }
    Ok(())
}

/// Compile options for frozen code: what the port compiles with at run time.
pub struct Options {
    /// The target's small-int width (63 on 64-bit targets, 31 on 32-bit ones).
    pub small_int_bits: u8,
    /// As `-O`: 1 drops asserts, 3 line numbers.
    pub opt_level: u8,
}

/// Compile every module under `roots` and generate the Rust source.
pub fn freeze(roots: &[Root], opts: &Options) -> Result<Output, String> {
    let mut inputs = Vec::new();
    for r in roots {
        collect(&r.dir, &r.prefix, &mut inputs)?;
    }
    let mut seen = HashMap::new();
    for i in &inputs {
        if let Some(prev) = seen.insert(i.path.clone(), i.file.clone()) {
            return Err(format!(
                "frozen module {} given twice ({} and {})",
                i.path,
                prev.display(),
                i.file.display()
            ));
        }
    }
    let mut gen = Gen::new(opts.small_int_bits);
    let mut modules = Vec::new();
    for i in &inputs {
        let data = std::fs::read(&i.file).map_err(|e| format!("{}: {e}", i.file.display()))?;
        let compiled = if i.path.ends_with(".mpy") {
            upy_compiler::mpy::read_for_target(&data, opts.small_int_bits)
                .map_err(|e| format!("{}: {}", i.file.display(), e.msg))?
        } else {
            let src = std::str::from_utf8(&data)
                .map_err(|_| format!("{}: invalid UTF-8", i.file.display()))?;
            let copts =
                CompileOptions::for_port(ParseMode::File, opts.opt_level, opts.small_int_bits);
            upy_compiler::compile::compile(src, &i.path, &copts)
                .map_err(|e| format!("{}: {e:?}", i.file.display()))?
        };
        gen.module(&i.path, &compiled)?;
        modules.push(i.path.clone());
    }
    Ok(Output {
        code: gen.finish(),
        modules,
        inputs: inputs.into_iter().map(|i| i.file).collect(),
    })
}

/// For a port's `build.rs`: freeze what `<port_dir>/manifest` (or `UPY_FROZEN_MANIFEST`) and
/// `UPY_FROZEN_DIR` name into `$OUT_DIR/frozen.rs`, and tell cargo what to watch. Prints
/// the modules as `cargo:warning` lines only when `UPY_FROZEN_VERBOSE` is set.
pub fn build_script(port_dir: &Path) -> Result<Output, String> {
    println!("cargo:rerun-if-env-changed=UPY_FROZEN_MANIFEST");
    println!("cargo:rerun-if-env-changed=UPY_FROZEN_DIR");
    println!("cargo:rerun-if-env-changed=UPY_FROZEN_VERBOSE");
    let manifest = std::env::var_os("UPY_FROZEN_MANIFEST")
        .map(PathBuf::from)
        .unwrap_or_else(|| port_dir.join("manifest"));
    println!("cargo:rerun-if-changed={}", manifest.display());
    let mut roots = match std::fs::read_to_string(&manifest) {
        Ok(text) => parse_manifest(&text, manifest.parent().unwrap_or(Path::new(".")))?,
        Err(_) if std::env::var_os("UPY_FROZEN_MANIFEST").is_none() => Vec::new(),
        Err(e) => return Err(format!("{}: {e}", manifest.display())),
    };
    if let Ok(extra) = std::env::var("UPY_FROZEN_DIR") {
        for d in extra.split(':').filter(|d| !d.is_empty()) {
            roots.push(Root {
                dir: PathBuf::from(d),
                prefix: String::new(),
            });
        }
    }
    for r in &roots {
        println!("cargo:rerun-if-changed={}", r.dir.display());
    }
    let bits = match std::env::var("CARGO_CFG_TARGET_POINTER_WIDTH").as_deref() {
        Ok("32") => 31,
        Ok("16") => 15,
        _ => 63,
    };
    let out = freeze(
        &roots,
        &Options {
            small_int_bits: bits,
            opt_level: 0,
        },
    )?;
    let out_dir = std::env::var_os("OUT_DIR").ok_or("OUT_DIR not set")?;
    let dest = Path::new(&out_dir).join("frozen.rs");
    std::fs::write(&dest, &out.code).map_err(|e| format!("{}: {e}", dest.display()))?;
    if std::env::var_os("UPY_FROZEN_VERBOSE").is_some() {
        for m in &out.modules {
            println!("cargo:warning=frozen: {m}");
        }
    }
    Ok(out)
}

/// The fields of a bytecode function's prelude (shared reference §1.7).
#[derive(Debug, PartialEq, Eq)]
struct Prelude {
    n_state: usize,
    n_exc_stack: usize,
    scope_flags: u8,
    n_pos_args: usize,
    n_kwonly_args: usize,
    n_def_pos_args: usize,
    name: usize,
    args: Vec<usize>,
    line_info: usize,
    closure_start: usize,
    code_start: usize,
}

fn vuint(b: &[u8], i: &mut usize) -> Option<usize> {
    let mut v = 0usize;
    for _ in 0..10 {
        let x = *b.get(*i)?;
        *i += 1;
        v = (v << 7) | (x & 0x7f) as usize;
        if x & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn decode_prelude(b: &[u8]) -> Option<Prelude> {
    let z = *b.first()?;
    let mut i = 1;
    let mut s = ((z >> 3) & 0xf) as usize;
    let mut e = ((z >> 2) & 1) as usize;
    let mut f = 0usize;
    let mut a = (z & 3) as usize;
    let (mut k, mut d) = (0usize, 0usize);
    let mut n = 0;
    let mut zz = z;
    while zz & 0x80 != 0 {
        zz = *b.get(i)?;
        i += 1;
        if n > 8 {
            return None;
        }
        s |= (((zz >> 4) & 3) as usize) << (4 + 2 * n);
        e |= (((zz >> 1) & 1) as usize) << (1 + n);
        f |= (((zz >> 6) & 1) as usize) << n;
        a |= (((zz >> 2) & 1) as usize) << (2 + n);
        k |= (((zz >> 3) & 1) as usize) << n;
        d |= ((zz & 1) as usize) << n;
        n += 1;
    }
    let (mut n_info, mut n_cell) = (0usize, 0usize);
    let mut n = 0;
    loop {
        let zz = *b.get(i)?;
        i += 1;
        n_info |= (((zz >> 1) & 0x3f) as usize) << (6 * n);
        n_cell |= ((zz & 1) as usize) << n;
        n += 1;
        if zz & 0x80 == 0 || n > 8 {
            break;
        }
    }
    let info_start = i;
    let name = vuint(b, &mut i)?;
    let mut args = Vec::new();
    for _ in 0..a + k {
        args.push(vuint(b, &mut i)?);
    }
    let closure_start = info_start + n_info;
    let code_start = closure_start + n_cell;
    if i > closure_start || code_start > b.len() {
        return None;
    }
    Some(Prelude {
        n_state: s + 1,
        n_exc_stack: e,
        scope_flags: f as u8,
        n_pos_args: a,
        n_kwonly_args: k,
        n_def_pos_args: d,
        name,
        args,
        line_info: i,
        closure_start,
        code_start,
    })
}

/// Decimal digits (optional `-`) to sign and little-endian base-2^32 digits, normalised.
fn big_digits(s: &str) -> Option<(bool, Vec<u32>)> {
    let (neg, ds) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    if ds.is_empty() {
        return None;
    }
    let mut digits: Vec<u32> = Vec::new();
    for c in ds.bytes() {
        let mut carry = u64::from(c.checked_sub(b'0').filter(|d| *d < 10)?);
        for d in digits.iter_mut() {
            let v = u64::from(*d) * 10 + carry;
            *d = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            digits.push(carry as u32);
        }
    }
    Some((neg && !digits.is_empty(), digits))
}

fn bytes_literal(b: &[u8]) -> String {
    let mut s = String::from("b\"");
    for &c in b {
        match c {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(c as char),
            _ => {
                let _ = write!(s, "\\x{c:02x}");
            }
        }
    }
    s.push('"');
    s
}

/// The code generator: one qstr pool for all modules, statics named per module.
struct Gen {
    small_int_bits: u8,
    out: String,
    pool: Vec<String>,
    pool_index: HashMap<String, u32>,
    modules: Vec<String>,
    /// Per module: the qstr table (strings), for resolving prelude indices.
    cur_qstrs: Vec<String>,
    /// The current module came from a `.mpy` file: its code runs with checked stack access.
    checked: bool,
    n_codes: usize,
    n_consts: usize,
}

impl Gen {
    fn new(small_int_bits: u8) -> Self {
        let mut out = String::new();
        out.push_str(
            "// Generated by upy-freeze from the port's frozen folders; do not edit.\n\
             #[allow(unused_imports)]\n\
             use upy_runtime::emitglue::RawCode;\n\
             use upy_runtime::frozen as fz;\n\
             #[allow(unused_imports)]\n\
             use upy_runtime::qstr::Qstr;\n\
             #[allow(unused_imports)]\n\
             use upy_runtime::value::Value;\n\n",
        );
        Gen {
            small_int_bits,
            out,
            pool: Vec::new(),
            pool_index: HashMap::new(),
            modules: Vec::new(),
            cur_qstrs: Vec::new(),
            checked: false,
            n_codes: 0,
            n_consts: 0,
        }
    }

    /// `fz::qstr("s", i)`: a compile-time qstr id for `s`.
    fn q(&mut self, s: &str) -> String {
        let i = match self.pool_index.get(s) {
            Some(&i) => i,
            None => {
                let i = self.pool.len() as u32;
                self.pool.push(s.to_string());
                self.pool_index.insert(s.to_string(), i);
                i
            }
        };
        format!("fz::qstr({s:?}, {i})")
    }

    fn module(&mut self, path: &str, m: &CompiledModule) -> Result<(), String> {
        let mi = self.modules.len();
        self.cur_qstrs = m.qstrs.clone();
        self.checked = path.ends_with(".mpy");
        let qs: Vec<String> = m.qstrs.clone().iter().map(|s| self.q(s)).collect();
        let _ = writeln!(
            self.out,
            "static M{mi}_QSTRS: [Qstr; {}] = [{}];",
            qs.len(),
            qs.join(", ")
        );
        let mut cvals = Vec::new();
        for c in &m.consts {
            cvals.push(self.constant(c)?);
        }
        let _ = writeln!(
            self.out,
            "static M{mi}_CONSTS: [Value; {}] = [{}];",
            cvals.len(),
            cvals.join(", ")
        );
        let top = self.raw_code(&m.top, path)?;
        self.modules.push(format!(
            "fz::FrozenModule {{ path: {path:?}, qstrs: &M{mi}_QSTRS, consts: &M{mi}_CONSTS, code: &{top} }}"
        ));
        Ok(())
    }

    /// Emit the statics of constant `c`; returns a `Value` expression for it.
    fn constant(&mut self, c: &Const) -> Result<String, String> {
        let n = self.n_consts;
        self.n_consts += 1;
        Ok(match c {
            Const::None => "Value::NONE".into(),
            Const::False => "Value::FALSE".into(),
            Const::True => "Value::TRUE".into(),
            Const::Ellipsis => {
                "Value::from_static(&upy_runtime::objs::singletons::ELLIPSIS)".into()
            }
            Const::Str(s) if s.is_empty() => "Value::qstr(upy_runtime::qstr::Q::_empty_)".into(),
            Const::Str(s) => {
                let _ = writeln!(
                    self.out,
                    "static C{n}: fz::Static<upy_runtime::objs::str::Str> = fz::str_obj({s:?});"
                );
                format!("Value::from_static(&C{n}.0)")
            }
            Const::Bytes(b) => {
                let _ = writeln!(
                    self.out,
                    "static C{n}: fz::Static<upy_runtime::objs::str::Str> = fz::bytes_obj({});",
                    bytes_literal(b)
                );
                format!("Value::from_static(&C{n}.0)")
            }
            Const::Int(s) => {
                let (neg, digits) = big_digits(s).ok_or_else(|| format!("bad int constant {s}"))?;
                let mag = digits.iter().rev().try_fold(0u128, |acc, &d| {
                    acc.checked_mul(1 << 32).map(|a| a | u128::from(d))
                });
                let limit = 1u128 << (self.small_int_bits - 1);
                match mag {
                    Some(m) if (!neg && m < limit) || (neg && m <= limit) => {
                        let v = if neg { -(m as i128) } else { m as i128 };
                        format!("Value::small_int({v})")
                    }
                    _ => {
                        let ds: Vec<String> = digits.iter().map(|d| format!("{d:#x}")).collect();
                        let _ = writeln!(
                            self.out,
                            "static C{n}: fz::StaticBigInt<{}> = fz::big_int({neg}, [{}]);",
                            ds.len(),
                            ds.join(", ")
                        );
                        format!("Value::from_static(&C{n})")
                    }
                }
            }
            Const::Float(f) => {
                let _ = writeln!(
                    self.out,
                    "static C{n}: upy_runtime::objs::float::Float = fz::float(f64::from_bits({:#x}));",
                    f.to_bits()
                );
                format!("Value::from_static(&C{n})")
            }
            Const::Complex(im) => {
                let _ = writeln!(
                    self.out,
                    "static C{n}: upy_runtime::objs::complex::Complex = fz::complex(0.0, f64::from_bits({:#x}));",
                    im.to_bits()
                );
                format!("Value::from_static(&C{n})")
            }
            Const::Tuple(items) => {
                let mut vs = Vec::new();
                for it in items {
                    vs.push(self.constant(it)?);
                }
                let _ = writeln!(
                    self.out,
                    "static C{n}: fz::StaticTuple<{}> = fz::tuple([{}]);",
                    vs.len(),
                    vs.join(", ")
                );
                format!("Value::from_static(&C{n})")
            }
        })
    }

    /// Emit raw code `rc` and its children; returns the static's name.
    fn raw_code(&mut self, rc: &RawCode, path: &str) -> Result<String, String> {
        if rc.kind != CodeKind::Bytecode {
            return Err(format!("{path}: native code cannot be frozen"));
        }
        let n = self.n_codes;
        self.n_codes += 1;
        let mut kids = Vec::new();
        for c in &rc.children {
            kids.push(format!("fz::CodeRef(&{})", self.raw_code(c, path)?));
        }
        let p = decode_prelude(&rc.fun_data).ok_or_else(|| format!("{path}: bad prelude"))?;
        let qname = |g: &Self, i: usize| {
            g.cur_qstrs
                .get(i)
                .cloned()
                .ok_or_else(|| format!("{path}: qstr index {i} out of range"))
        };
        let name = qname(self, p.name)?;
        let name = self.q(&name);
        let mut args = Vec::new();
        for &a in &p.args {
            let s = qname(self, a)?;
            args.push(self.q(&s));
        }
        let data: Vec<String> = rc.fun_data.iter().map(|b| b.to_string()).collect();
        let _ = writeln!(
            self.out,
            "static R{n}_BC: [u8; {}] = [{}];",
            data.len(),
            data.join(",")
        );
        let _ = writeln!(
            self.out,
            "static R{n}_ARGS: [Qstr; {}] = [{}];",
            args.len(),
            args.join(", ")
        );
        let _ = writeln!(
            self.out,
            "static R{n}_KIDS: [fz::CodeRef; {}] = [{}];",
            kids.len(),
            kids.join(", ")
        );
        let _ = writeln!(
            self.out,
            "static R{n}: RawCode = RawCode {{ fun_data: R{n}_BC.as_ptr(), len: {}, \
             children: R{n}_KIDS.as_ptr() as *const *const RawCode, n_children: {}, \
             arg_names: R{n}_ARGS.as_ptr(), n_state: {}, n_exc_stack: {}, scope_flags: {}, \
             n_pos_args: {}, n_kwonly_args: {}, n_def_pos_args: {}, name: {name}, \
             line_info: {}, closure_start: {}, code_start: {}, checked: {}, parent: core::ptr::null() }};",
            rc.fun_data.len(),
            kids.len(),
            p.n_state,
            p.n_exc_stack,
            p.scope_flags,
            p.n_pos_args,
            p.n_kwonly_args,
            p.n_def_pos_args,
            p.line_info,
            p.closure_start,
            p.code_start,
            self.checked
        );
        Ok(format!("R{n}"))
    }

    fn finish(mut self) -> String {
        let hashes: Vec<u16> = self.pool.iter().map(|s| hash(s.as_bytes())).collect();
        let mut by_hash: Vec<(u16, u32)> = hashes
            .iter()
            .enumerate()
            .map(|(i, &h)| (h, i as u32))
            .collect();
        by_hash.sort_unstable();
        let strs: Vec<String> = self.pool.iter().map(|s| format!("{s:?}")).collect();
        let _ = writeln!(
            self.out,
            "static QSTRS: [&str; {}] = [{}];",
            strs.len(),
            strs.join(", ")
        );
        let hs: Vec<String> = hashes.iter().map(|h| h.to_string()).collect();
        let _ = writeln!(
            self.out,
            "static QSTR_HASHES: [u16; {}] = [{}];",
            hs.len(),
            hs.join(", ")
        );
        let bh: Vec<String> = by_hash.iter().map(|(h, i)| format!("({h}, {i})")).collect();
        let _ = writeln!(
            self.out,
            "static QSTR_BY_HASH: [(u16, u32); {}] = [{}];",
            bh.len(),
            bh.join(", ")
        );
        let _ = writeln!(
            self.out,
            "static MODULES: [fz::FrozenModule; {}] = [\n    {}\n];",
            self.modules.len(),
            self.modules.join(",\n    ")
        );
        self.out.push_str(
            "/// The frozen modules, for `upy_runtime::frozen::install`.\n\
             pub static FROZEN: fz::Frozen = fz::Frozen { modules: &MODULES, qstrs: &QSTRS, \
             qstr_hashes: &QSTR_HASHES, qstr_by_hash: &QSTR_BY_HASH };\n",
        );
        self.out
    }
}

/// MicroPython's qstr hash (as `upy_runtime::qstr::compute_hash`).
fn hash(b: &[u8]) -> u16 {
    let mut h: u32 = 5381;
    for &c in b {
        h = h.wrapping_mul(33) ^ u32::from(c);
    }
    match (h & 0xffff) as u16 {
        0 => 1,
        h => h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_lines() {
        let roots = parse_manifest(
            "# comment\nfrozen\n\n../lib/asyncio as asyncio  # a package\n",
            Path::new("/p"),
        );
        assert_eq!(
            roots,
            Ok(vec![
                Root {
                    dir: PathBuf::from("/p/frozen"),
                    prefix: String::new()
                },
                Root {
                    dir: PathBuf::from("/p/../lib/asyncio"),
                    prefix: "asyncio".into()
                },
            ])
        );
        assert!(parse_manifest("x as 1bad", Path::new("/")).is_err());
    }

    #[test]
    fn big_int_digits() {
        assert_eq!(big_digits("4294967296"), Some((false, vec![0, 1])));
        assert_eq!(
            big_digits("-18446744073709551616"),
            Some((true, vec![0, 0, 1]))
        );
        assert_eq!(big_digits("0"), Some((false, vec![])));
        assert_eq!(big_digits("12x"), None);
    }

    #[test]
    fn prelude_of_compiled_function() {
        let opts = CompileOptions::for_port(ParseMode::File, 0, 63);
        let m =
            upy_compiler::compile::compile("def f(a, b=1, *, c):\n    return a\n", "t.py", &opts);
        let m = m.ok();
        let f = m.as_ref().and_then(|m| m.top.children.first());
        let p = f.and_then(|f| decode_prelude(&f.fun_data));
        let p = p.as_ref();
        assert_eq!(
            p.map(|p| (p.n_pos_args, p.n_kwonly_args, p.n_def_pos_args)),
            Some((2, 1, 1))
        );
        let names: Option<Vec<&str>> = m
            .as_ref()
            .zip(p)
            .map(|(m, p)| p.args.iter().map(|&i| m.qstrs[i].as_str()).collect());
        assert_eq!(names, Some(vec!["a", "b", "c"]));
    }

    #[test]
    fn freezes_a_folder_with_a_package() {
        let dir = std::env::temp_dir().join(format!("upy-freeze-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let pkg = dir.join("pkg");
        assert!(std::fs::create_dir_all(&pkg).is_ok());
        assert!(std::fs::write(dir.join("m.py"), "X = (1, 'two', b'3', 4.5, 2**70)\n").is_ok());
        assert!(std::fs::write(pkg.join("__init__.py"), "from .sub import y\n").is_ok());
        assert!(std::fs::write(pkg.join("sub.py"), "def y():\n    return 'sub'\n").is_ok());
        let out = freeze(
            &[Root {
                dir: dir.clone(),
                prefix: String::new(),
            }],
            &Options {
                small_int_bits: 63,
                opt_level: 0,
            },
        );
        let _ = std::fs::remove_dir_all(&dir);
        let out = out.map_err(|e| e.to_string());
        assert_eq!(
            out.as_ref().map(|o| o.modules.clone()),
            Ok(vec![
                "m.py".to_string(),
                "pkg/__init__.py".to_string(),
                "pkg/sub.py".to_string()
            ])
        );
        let code = out.map(|o| o.code).unwrap_or_default();
        assert!(code.contains("fz::big_int(false, [0x0, 0x0, 0x40])"));
        assert!(code.contains("fz::str_obj(\"two\")"));
        assert!(code.contains("pub static FROZEN"));
        assert!(code.contains("checked: false"));
    }

    #[test]
    fn freezes_mpy_files_with_checked_code() {
        let dir = std::env::temp_dir().join(format!("upy-freeze-mpy-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(std::fs::create_dir_all(&dir).is_ok());
        let opts = CompileOptions::default();
        let m = upy_compiler::compile::compile("def g():\n    return 5\n", "pre.py", &opts);
        let bytes = m
            .map(|m| upy_compiler::mpy::write(&m, 31))
            .unwrap_or_default();
        assert!(std::fs::write(dir.join("pre.mpy"), bytes).is_ok());
        assert!(std::fs::write(dir.join("bad.mpy"), b"M\x05\x00\x1f").is_ok());
        let root = Root {
            dir: dir.clone(),
            prefix: "pkg".into(),
        };
        let opts = Options {
            small_int_bits: 31,
            opt_level: 0,
        };
        // A corrupt .mpy stops the build with the reader's message.
        let err = freeze(std::slice::from_ref(&root), &opts)
            .err()
            .unwrap_or_default();
        assert!(err.contains("incompatible .mpy file"), "{err}");
        assert!(std::fs::remove_file(dir.join("bad.mpy")).is_ok());
        let out = freeze(&[root], &opts);
        let _ = std::fs::remove_dir_all(&dir);
        let out = out.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.modules, vec!["pkg/pre.mpy".to_string()]);
        assert!(out.code.contains("checked: true"));
        assert!(!out.code.contains("checked: false"));
    }
}
