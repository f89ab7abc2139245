//! The compiler must return errors, never panic or overflow the stack, whatever the input.

use upy_compiler::ast::ParseMode;
use upy_compiler::compile::{compile, CompileOptions};

fn try_all_modes(src: &str) {
    for mode in [ParseMode::File, ParseMode::Single, ParseMode::Eval] {
        for opt_level in [0, 3] {
            for small_int_bits in [31, 63] {
                let opts = CompileOptions {
                    mode,
                    opt_level,
                    small_int_bits,
                    ..CompileOptions::default()
                };
                let _ = compile(src, "r.py", &opts);
            }
        }
    }
}

#[test]
fn awkward_inputs_do_not_panic() {
    let deep_expr = format!("x = {}1{}\n", "(".repeat(300), ")".repeat(300));
    let near_limit_expr = format!("x = {}1{}\n", "[".repeat(190), "]".repeat(190));
    let near_limit_lambda = format!("x = {}1\n", "lambda: ".repeat(190));
    let near_limit_call = format!("x = {}1{}\n", "f(".repeat(190), ")".repeat(190));
    let deep_neg = format!("x = {}1\n", "-".repeat(2000));
    let mut deep_if = String::new();
    for i in 0..195 {
        deep_if.push_str(&" ".repeat(i));
        deep_if.push_str("if x:\n");
    }
    deep_if.push_str(&" ".repeat(195));
    deep_if.push_str("pass\n");
    let many_args = format!("f({})\n", vec!["*a"; 100].join(", "));
    let many_kw = format!(
        "f({})\n",
        (0..300)
            .map(|i| format!("k{i}=1"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let big_jump = format!(
        "while x:\n{}\n",
        "    y = [1, 2, 3, 4, 5, 6]\n".repeat(3000)
    );
    let cases = [
        "",
        "\n\n",
        "x = 1 << 100000\n",
        "x = 2 ** 100000\n",
        "x = 10 ** 10 ** 10\n",
        "x = 1 // 0\nx = 1 % 0\nx = 1.0 // 0.0\n",
        "x = -(-9223372036854775808)\n",
        "x = 9223372036854775807 + 1\n",
        "X = const(1)\nX = const(2)\n",
        "def f(*, a):\n    pass\n",
        "class C:\n    def f(self):\n        super().f()\n        return __class__\n",
        "def f():\n    super()\n",
        "lambda: (yield)\n",
        "[(yield) for x in y]\n",
        "def f():\n    x = [(y := 1) for z in w]\n",
        "async def f():\n    async for x in y:\n        async with z as w:\n            await q\n",
        "try:\n    pass\nfinally:\n    for x in y:\n        break\n",
        "for x in range(10, 0, -1):\n    continue\nelse:\n    pass\n",
        "del (a, b), c[1], d.e\n",
        "a, *b = *c, d = e\n",
        "global x\nnonlocal y\n",
        "print(f'{x!r:>{width}}')\n",
        &deep_expr,
        &near_limit_expr,
        &near_limit_lambda,
        &near_limit_call,
        &deep_neg,
        &deep_if,
        &many_args,
        &many_kw,
        &big_jump,
    ];
    for c in cases {
        try_all_modes(c);
    }
}

/// Mutates every upstream basics test (line drops, duplicates, truncation) and compiles it.
#[test]
#[ignore]
fn mutated_upstream_tests_do_not_panic() {
    let dir = "/work/mp/micropython/tests/basics";
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut seed: u64 = 0x2545f4914f6cdd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for e in rd.filter_map(|e| e.ok()) {
        let Ok(src) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        let lines: Vec<&str> = src.lines().collect();
        for _ in 0..8 {
            if lines.is_empty() {
                break;
            }
            let mut v = lines.clone();
            let i = (next() as usize) % v.len();
            match next() % 3 {
                0 => {
                    v.remove(i);
                }
                1 => v.insert(i, lines[(next() as usize) % lines.len()]),
                _ => v.truncate(i),
            }
            let _ = compile(&v.join("\n"), "m.py", &CompileOptions::default());
        }
        let cut = src
            .char_indices()
            .map(|(i, _)| i)
            .nth((next() as usize) % src.len().max(1));
        if let Some(c) = cut {
            let _ = compile(&src[..c], "m.py", &CompileOptions::default());
        }
    }
}
