extern crate std;

use super::*;

use std::string::ToString;

#[allow(dead_code)]
fn parse_ok(src: &str) -> Vec<Stmt> {
    match parse(src, ParseMode::File) {
        Ok(m) => m.body,
        Err(e) => panic!("parse failed for {:?}: {:?}", src, e),
    }
}

#[allow(dead_code)]
fn parse_err(src: &str) -> SyntaxError {
    match parse(src, ParseMode::File) {
        Ok(m) => panic!("expected an error for {:?}, got {:?}", src, m),
        Err(e) => e,
    }
}

/// Parses one line holding one expression statement and returns the expression.
#[allow(dead_code)]
fn expr(src: &str) -> Expr {
    let mut body = parse_ok(src);
    match body.pop().map(|s| s.kind) {
        Some(StmtKind::Expr(e)) => e,
        other => panic!("not an expression statement: {:?}", other),
    }
}

#[allow(dead_code)]
fn kind(src: &str) -> ExprKind {
    expr(src).kind
}

#[allow(dead_code)]
fn name(line: u32, n: &str) -> Expr {
    Expr::new(line, ExprKind::Name(n.to_string()))
}

#[allow(dead_code)]
fn int(line: u32, v: i64) -> Expr {
    Expr::new(line, ExprKind::Int(v))
}

#[test]
fn smoke() {
    let m = parse("x = 1\n", ParseMode::File).unwrap();
    assert_eq!(m.body.len(), 1);
}

/// Parses every upstream basics test and lists the files that fail; run with
/// `cargo test -p upy-compiler -- --ignored --nocapture upstream_corpus`.
#[test]
#[ignore]
fn upstream_corpus() {
    let mut failures = Vec::new();
    let mut count = 0;
    for dir in [
        "basics",
        "float",
        "micropython",
        "misc",
        "extmod",
        "stress",
        "import",
        "io",
    ] {
        let path = std::format!("/work/mp/micropython/tests/{}", dir);
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        files.sort();
        for f in files {
            if f.extension().and_then(|e| e.to_str()) != Some("py") {
                continue;
            }
            let Ok(src) = std::fs::read(&f) else { continue };
            count += 1;
            if let Err(e) = parse_bytes(&src, ParseMode::File) {
                failures.push(std::format!("{}: {:?}", f.display(), e));
            }
        }
    }
    for f in &failures {
        std::println!("{}", f);
    }
    std::println!("{} files, {} failed", count, failures.len());
}
