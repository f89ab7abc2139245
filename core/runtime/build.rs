//! Collects every interned name the runtime uses (`Q::name` in its sources) into one static
//! qstr table, the way MicroPython's makeqstrdefs.py does, so built-in names cost no RAM and
//! no start-up time. The first 165 entries are MicroPython's fixed static qstr list (their
//! numbers appear in .mpy files); the rest follow in hash order, so interning binary-searches
//! their hashes in place and only the fixed list needs an index.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

/// MicroPython's static qstr list, ids 1..=165, fixed by the .mpy format (one list, kept by
/// the compiler's .mpy code).
const MP_STATIC: &[&str] = &upy_compiler::mpy::STATIC_QSTRS;

/// Rust names for strings that are not plain identifiers (or are reserved words that raw
/// identifiers cannot spell).
const SPECIAL: &[(&str, &str)] = &[
    ("_empty_", ""),
    ("_newline_", "\n"),
    ("_space_", " "),
    ("_star_", "*"),
    ("_slash_", "/"),
    ("_underscore_", "_"),
    ("_dot_", "."),
    ("_dot_frozen", ".frozen"),
    ("_lt_module_gt_", "<module>"),
    ("_lt_lambda_gt_", "<lambda>"),
    ("_lt_listcomp_gt_", "<listcomp>"),
    ("_lt_dictcomp_gt_", "<dictcomp>"),
    ("_lt_setcomp_gt_", "<setcomp>"),
    ("_lt_genexpr_gt_", "<genexpr>"),
    ("_lt_stdin_gt_", "<stdin>"),
    ("_lt_string_gt_", "<string>"),
    ("utf_dash_8", "utf-8"),
    ("self_", "self"),
    ("super_", "super"),
    ("crate_", "crate"),
    ("Self_", "Self"),
];

fn rust_name(s: &str) -> String {
    if let Some((n, _)) = SPECIAL.iter().find(|(_, v)| *v == s) {
        return (*n).to_string();
    }
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern",
        "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
        "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use",
        "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
        "typeof", "unsized", "virtual", "yield", "try", "gen",
    ];
    if KEYWORDS.contains(&s) {
        format!("r#{s}")
    } else {
        s.to_string()
    }
}

fn string_of(name: &str) -> String {
    if let Some((_, v)) = SPECIAL.iter().find(|(n, _)| *n == name) {
        return (*v).to_string();
    }
    name.trim_start_matches("r#").to_string()
}

/// Sources compiled only with a cargo feature (`src/`-relative files or folders): when the
/// feature is off, their names stay out of the table, as upstream's qstr list holds only
/// what a build compiles (about 80 names, 1.2 KB of flash, in the mps2 firmware).
const FEATURE_SOURCES: &[(&str, &[&str])] = &[
    ("ASYNCIO", &["modules/asyncio.rs"]),
    ("CRYPTOLIB", &["modules/cryptolib.rs"]),
    ("DEFLATE", &["modules/deflate.rs"]),
    ("FRAMEBUF", &["modules/framebuf.rs"]),
    ("HASHLIB", &["modules/hashlib.rs"]),
    ("MACHINE", &["modules/machine.rs"]),
    ("MARSHAL", &["modules/marshal.rs"]),
    ("SELECT", &["modules/select.rs"]),
    ("THREAD", &["modules/thread.rs", "thread.rs"]),
    ("UCTYPES", &["modules/uctypes.rs"]),
    ("VFS_FAT", &["modules/vfs_fat.rs", "modules/vfs_fat"]),
    ("VFS_LFS", &["modules/vfs_lfs.rs", "modules/vfs_lfs"]),
    ("WEBSOCKET", &["modules/websocket.rs"]),
    ("SETTRACE", &["trace.rs"]),
];

/// Whether `p` is a source the build leaves out (see [`FEATURE_SOURCES`]). Board targets
/// (no OS) build no hosted port, so the unix and cross ports' names stay out there too.
fn left_out(p: &Path) -> bool {
    let src = Path::new("src");
    let off = |f: &str| std::env::var_os(format!("CARGO_FEATURE_{f}")).is_none();
    if FEATURE_SOURCES
        .iter()
        .any(|(f, paths)| off(f) && paths.iter().any(|q| p == src.join(q)))
    {
        return true;
    }
    let bare = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "none");
    let ports = Path::new("../../ports");
    bare && (p == ports.join("unix") || p == ports.join("cross"))
}

fn scan(dir: &Path, names: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if left_out(&p) {
            continue;
        }
        if p.is_dir() {
            scan(&p, names);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            let bytes = text.as_bytes();
            // Names given to the table macros: `entry!(name, ...)`, `fun!(name, ...)`.
            for mac in ["entry!(", "fun!("] {
                let mut j = 0;
                while let Some(off) = text[j..].find(mac) {
                    let mut start = j + off + mac.len();
                    while start < bytes.len() && bytes[start].is_ascii_whitespace() {
                        start += 1;
                    }
                    if text[start..].starts_with("r#") {
                        start += 2;
                    }
                    let mut end = start;
                    while end < bytes.len()
                        && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_')
                    {
                        end += 1;
                    }
                    if end > start && !text[start..end].starts_with('$') {
                        names.insert(string_of(&text[start..end]));
                    }
                    j = end.max(start);
                }
            }
            let mut i = 0;
            while let Some(off) = text[i..].find("Q::") {
                let start = i + off + 3;
                // Must not be part of a longer path like `XQ::`.
                let prev_ok = i + off == 0 || {
                    let c = bytes[i + off - 1];
                    !(c.is_ascii_alphanumeric() || c == b'_')
                };
                let mut end = start;
                if text[start..].starts_with("r#") {
                    end += 2;
                }
                while end < bytes.len()
                    && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_')
                {
                    end += 1;
                }
                if prev_ok && end > start && &text[start..end] != "NULL" {
                    names.insert(string_of(&text[start..end]));
                }
                i = end.max(start);
            }
        }
    }
}

fn hash(s: &str) -> u32 {
    let mut h: u32 = 5381;
    for b in s.bytes() {
        h = h.wrapping_mul(33) ^ b as u32;
    }
    // Zero means "not computed" in MicroPython's tables; keep the same convention.
    let h = h & 0xffff;
    if h == 0 {
        1
    } else {
        h
    }
}

fn main() {
    let src = Path::new("src");
    println!("cargo:rerun-if-changed=src");
    let mut names = BTreeSet::new();
    scan(src, &mut names);
    // The ports' own modules name things too; as upstream gathers qstrs from every source
    // of a build, their names join the static table.
    let ports = Path::new("../../ports");
    if ports.is_dir() {
        println!("cargo:rerun-if-changed=../../ports");
        scan(ports, &mut names);
    }
    // Names every runtime needs even if no source spells them yet.
    for s in ["__init__", "__main__", "<module>"] {
        names.insert(s.to_string());
    }
    let mut all: Vec<String> = MP_STATIC.iter().map(|s| s.to_string()).collect();
    let mut rest: Vec<String> = names
        .into_iter()
        .filter(|n| !MP_STATIC.contains(&n.as_str()))
        .collect();
    rest.sort_by_key(|n| hash(n));
    all.extend(rest);
    let mut out = String::new();
    out.push_str("// Generated by build.rs from every `Q::name` in src/. Do not edit.\n");
    out.push_str("#[allow(non_upper_case_globals, non_snake_case, dead_code)]\npub mod Q {\n    use super::Qstr;\n");
    out.push_str("    pub const NULL: Qstr = Qstr(0);\n");
    let mut seen = BTreeSet::new();
    for (i, s) in all.iter().enumerate() {
        let n = rust_name(s);
        if n.is_empty() || !seen.insert(n.clone()) {
            continue;
        }
        let ok = n
            .trim_start_matches("r#")
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !n
                .trim_start_matches("r#")
                .starts_with(|c: char| c.is_ascii_digit());
        if ok {
            writeln!(out, "    pub const {n}: Qstr = Qstr({});", i + 1).unwrap();
        }
    }
    out.push_str("}\n");
    writeln!(
        out,
        "pub(crate) const STATIC_COUNT: usize = {};",
        all.len() + 1
    )
    .unwrap();
    writeln!(out, "/// Static qstr count that .mpy files may refer to by number.\npub const MPY_STATIC_COUNT: usize = {};", MP_STATIC.len() + 1).unwrap();
    // One text with every name back to back plus end offsets: far less flash than a table
    // of `&str` (8 bytes a name on 32-bit targets, plus the text).
    let mut text = String::new();
    let mut ends = Vec::new();
    for s in &all {
        text.push_str(s);
        ends.push(text.len());
    }
    assert!(
        text.len() <= u16::MAX as usize,
        "static qstr text over 64 KiB"
    );
    writeln!(out, "pub(crate) static STATIC_TEXT: &str = {text:?};").unwrap();
    // End offsets in two parts: a 16-bit base per block of 2^shift names (the end of the
    // block's first name) plus an 8-bit offset per name from it, half the flash of one
    // 16-bit end each. The widest block size whose offsets all fit a byte wins.
    ends.insert(0, 0);
    let shift = (2..=5)
        .rev()
        .find(|&k| {
            ends.chunks(1 << k)
                .all(|c| c.last().unwrap_or(&0) - c.first().unwrap_or(&0) <= u8::MAX as usize)
        })
        .expect("static qstr names too long for 8-bit end offsets");
    writeln!(out, "const STATIC_ENDS_SHIFT: usize = {shift};").unwrap();
    out.push_str("pub(crate) static STATIC_END_BASES: [u16; STATIC_COUNT.div_ceil(1 << STATIC_ENDS_SHIFT)] = [\n");
    for c in ends.chunks(1 << shift) {
        writeln!(out, "    {},", c[0]).unwrap();
    }
    out.push_str("];\n");
    out.push_str("pub(crate) static STATIC_END_OFFSETS: [u8; STATIC_COUNT] = [\n");
    for c in ends.chunks(1 << shift) {
        for e in c {
            writeln!(out, "    {},", e - c[0]).unwrap();
        }
    }
    out.push_str("];\n");
    out.push_str("pub(crate) static STATIC_HASHES: [u16; STATIC_COUNT] = [0,\n");
    for s in &all {
        writeln!(out, "    {},", hash(s)).unwrap();
    }
    out.push_str("];\n");
    // The fixed list's ids ordered by (hash, id); the names after it need no index.
    let mut by_hash: Vec<(u32, usize)> = (1..=MP_STATIC.len())
        .map(|i| (hash(&all[i - 1]), i))
        .collect();
    by_hash.sort_unstable();
    assert!(MP_STATIC.len() <= u8::MAX as usize);
    writeln!(
        out,
        "pub(crate) static MPY_STATIC_BY_HASH: [u8; {}] = [",
        by_hash.len()
    )
    .unwrap();
    for (_, i) in by_hash {
        writeln!(out, "    {i},").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("qstr_generated.rs");
    std::fs::write(dest, out).unwrap();
}
