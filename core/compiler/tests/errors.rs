//! Compile-time errors: message and line must match MicroPython's. Each case is checked
//! against fixed expectations (taken from mpy-cross); with the reference binary present the
//! ignored test also re-checks them against it.

use upy_compiler::compile::{compile, CompileOptions};

const CASES: &[(&str, &str, u32)] = &[
    ("x = 1\nreturn 5\n", "'return' outside function", 2),
    ("x = 1\nbreak\n", "'break'/'continue' outside loop", 2),
    (
        "def f():\n    continue\n",
        "'break'/'continue' outside loop",
        2,
    ),
    (
        "def f():\n    x = 1\n    def g():\n        nonlocal x\n        global x\n",
        "identifier redefined as global",
        5,
    ),
    ("nonlocal x\n", "can't declare nonlocal in outer code", 1),
    (
        "def f():\n    nonlocal y\n",
        "no binding for nonlocal found",
        2,
    ),
    ("x = 1\n1 = x\n", "can't assign to expression", 2),
    ("f() = 1\n", "can't assign to expression", 1),
    ("del 1\n", "can't delete expression", 1),
    ("x = *a\n", "*x must be assignment target", 1),
    ("a, *b, *c = x\n", "multiple *x in assignment", 1),
    ("f(a=1, b)\n", "positional arg after keyword arg", 1),
    ("f(**a, b)\n", "positional arg after **", 1),
    ("f(a=1, *b)\n", "* arg after kwarg", 1),
    (
        "def f(a=1, b):\n    pass\n",
        "non-default argument follows default argument",
        1,
    ),
    ("def f(a, a):\n    pass\n", "argument name reused", 1),
    ("x = yield 1\n", "'yield' outside function", 1),
    (
        "def f():\n    from m import *\n",
        "import * not at module level",
        2,
    ),
    (
        "try:\n    pass\nexcept:\n    pass\nexcept ValueError:\n    pass\n",
        "default 'except' must be last",
        3,
    ),
    ("X = const(f())\n", "not a constant", 1),
    // A `const()` name is replaced wherever it is read as an expression, as upstream's
    // parser does: a keyword argument or `:=` target of that name no longer names anything.
    (
        "X = const(1)\nf(X=2)\n",
        "LHS of keyword arg must be an id",
        2,
    ),
    (
        "X = const(1)\nprint((X := 2))\n",
        "can't assign to expression",
        2,
    ),
    (
        "def f():\n    async with a:\n        pass\n",
        "async for/with outside async function",
        2,
    ),
    (
        "@micropython.native\ndef f():\n    pass\n",
        "invalid arch",
        1,
    ),
    (
        "@micropython.foo\ndef f():\n    pass\n",
        "invalid micropython decorator",
        1,
    ),
    ("def f():\n    super()\n", "super() can't find self", 2),
    ("x = {1: 2, 3}\n", "expecting key:value for dict", 1),
];

fn ours(src: &str) -> Option<(String, u32)> {
    match compile(src, "e.py", &CompileOptions::default()) {
        Ok(_) => None,
        Err(e) => Some((e.msg, e.line)),
    }
}

#[test]
fn compile_errors_have_upstream_text_and_line() {
    for (src, msg, line) in CASES {
        assert_eq!(
            ours(src),
            Some((String::from(*msg), *line)),
            "source: {src:?}"
        );
    }
}

#[test]
#[ignore]
fn compile_errors_match_mpy_cross() {
    let bin = "/work/mp/micropython/mpy-cross/build/mpy-cross";
    if !std::path::Path::new(bin).exists() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("upy-err-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("e.py");
    for (src, _, _) in CASES {
        std::fs::write(&path, src).unwrap_or(());
        let out = std::process::Command::new(bin)
            .arg("-o")
            .arg(dir.join("e.mpy"))
            .arg(&path)
            .output();
        let text = out
            .map(|o| {
                String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr)
            })
            .unwrap_or_default();
        let got = ours(src);
        let expect_line = text
            .split("line ")
            .nth(1)
            .and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse::<u32>().ok());
        let expect_msg = text
            .lines()
            .last()
            .and_then(|l| l.strip_prefix("SyntaxError: "))
            .map(String::from);
        println!("{src:?}: ref {expect_msg:?} line {expect_line:?}, ours {got:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn compile_errors_name_their_code_block() {
    use upy_compiler::compile::compile_detailed;
    let block = |src: &str| {
        compile_detailed(src, "e.py", &CompileOptions::default())
            .err()
            .and_then(|e| e.block)
    };
    assert_eq!(block("x = 1\nreturn 5\n").as_deref(), Some("<module>"));
    assert_eq!(block("def f():\n  nonlocal q\n").as_deref(), Some("f"));
    assert_eq!(
        block("class C:\n  def g(self):\n    break\n").as_deref(),
        Some("g")
    );
    assert_eq!(block("x = lambda: (yield from)\n"), None);
    assert_eq!(block("X = const(f())\n"), None);
    assert_eq!(block("x = (\n"), None);
}
