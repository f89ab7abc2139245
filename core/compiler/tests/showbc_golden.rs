//! Disassembly golden test: the text of `showbc::show_module` must equal what upstream's
//! `micropython -v -v` prints for the same program (expected text generated with that
//! binary; addresses are replaced by `PTR` on both sides).

use upy_compiler::compile::{compile, CompileOptions};
use upy_compiler::showbc::show_module;

const SOURCE: &str = r#"def f(a, *b, c=1, **d):
    x = [i for i in b if i]
    try:
        return a(x)
    except E as e:
        raise
    finally:
        del x
class C(B):
    def m(self):
        return super().m() + 1.5
for k in range(3):
    print(f"{k}", k, b"xy", (1, "s"))
"#;

const EXPECTED: &str = r#"File sb.py, code block '<module>' (descriptor: PTR, bytecode @PTR 64 bytes)
Raw bytecode (code_info_size=7, bytecode_size=57):
 28 0a 01 8b 08 6b 26 53 2c 00 81 10 02 62 33 00
 16 06 54 32 01 10 03 11 09 34 03 16 03 80 42 58
 57 16 0a 11 0b 10 04 14 05 11 0a 36 01 11 0a 23
 00 23 01 34 04 59 81 e5 57 83 d7 43 23 59 51 63
arg names:
(N_STATE 6)
(N_EXC_STACK 0)
  bc=0 line=1
  bc=11 line=9
  bc=22 line=12
  bc=28 line=13
00 LOAD_NULL
01 BUILD_MAP 0
03 LOAD_CONST_SMALL_INT 1
04 LOAD_CONST_STRING 'c'
06 STORE_MAP
07 MAKE_FUNCTION_DEFARGS PTR
09 STORE_NAME f
11 LOAD_BUILD_CLASS
12 MAKE_FUNCTION PTR
14 LOAD_CONST_STRING 'C'
16 LOAD_NAME B
18 CALL_FUNCTION n=3 nkw=0
20 STORE_NAME C
22 LOAD_CONST_SMALL_INT 0
23 JUMP 49
25 DUP_TOP
26 STORE_NAME k
28 LOAD_NAME print
30 LOAD_CONST_STRING '{}'
32 LOAD_METHOD format
34 LOAD_NAME k
36 CALL_METHOD n=1 nkw=0
38 LOAD_NAME k
40 LOAD_CONST_OBJ PTR=b'xy'
42 LOAD_CONST_OBJ PTR=(1, 's')
44 CALL_FUNCTION n=4 nkw=0
46 POP_TOP
47 LOAD_CONST_SMALL_INT 1
48 BINARY_OP 14 __iadd__
49 DUP_TOP
50 LOAD_CONST_SMALL_INT 3
51 BINARY_OP 0 __lt__
52 POP_JUMP_IF_TRUE 25
54 POP_TOP
55 LOAD_CONST_NONE
56 RETURN_VALUE
File sb.py, code block 'f' (descriptor: PTR, bytecode @PTR 53 bytes)
Raw bytecode (code_info_size=14, bytecode_size=39):
 dd 8a c0 c0 40 10 06 0c 02 20 26 24 4e 4a 32 00
 b2 34 01 c4 49 1a 48 05 b0 b4 34 01 63 57 12 0d
 df 44 4b c5 49 01 64 51 c5 28 05 5d 4a 01 5d 51
 28 04 5d 51 63
arg names: a c
(N_STATE 12)
(N_EXC_STACK 3)
  bc=0 line=1
  bc=0 line=2
  bc=6 line=3
  bc=10 line=4
  bc=24 line=6
  bc=34 line=8
00 MAKE_FUNCTION PTR
02 LOAD_FAST 2
03 CALL_FUNCTION n=1 nkw=0
05 STORE_FAST 4
06 SETUP_FINALLY 34
08 SETUP_EXCEPT 15
10 LOAD_FAST 0
11 LOAD_FAST 4
12 CALL_FUNCTION n=1 nkw=0
14 RETURN_VALUE
15 DUP_TOP
16 LOAD_GLOBAL E
18 BINARY_OP 8 
19 POP_JUMP_IF_FALSE 32
21 STORE_FAST 5
22 SETUP_FINALLY 25
24 RAISE_LAST
25 LOAD_CONST_NONE
26 STORE_FAST 5
27 DELETE_FAST 5
29 END_FINALLY
30 POP_EXCEPT_JUMP 33
32 END_FINALLY
33 LOAD_CONST_NONE
34 DELETE_FAST 4
36 END_FINALLY
37 LOAD_CONST_NONE
38 RETURN_VALUE
File sb.py, code block 'C' (descriptor: PTR, bytecode @PTR 22 bytes)
Raw bytecode (code_info_size=6, bytecode_size=16):
 08 07 03 88 09 00 11 0e 16 0f 10 03 16 10 b0 20
 00 01 16 08 b0 63
arg names:
(N_STATE 2)
(N_EXC_STACK 0)
(INIT_CELL 0)
  bc=0 line=1
  bc=8 line=10
00 LOAD_NAME __name__
02 STORE_NAME __module__
04 LOAD_CONST_STRING 'C'
06 STORE_NAME __qualname__
08 LOAD_FAST 0
09 MAKE_CLOSURE PTR 1
12 STORE_NAME m
14 LOAD_FAST 0
15 RETURN_VALUE
File sb.py, code block '<listcomp>' (descriptor: PTR, bytecode @PTR 21 bytes)
Raw bytecode (code_info_size=5, bytecode_size=16):
 39 06 07 11 20 2b 00 b0 5f 4b 09 c1 b1 44 3a b1
 2f 14 42 35 63
arg names: *
(N_STATE 8)
(N_EXC_STACK 0)
  bc=0 line=1
  bc=0 line=2
00 BUILD_LIST 0
02 LOAD_FAST 0
03 GET_ITER_STACK
04 FOR_ITER 15
06 STORE_FAST 1
07 LOAD_FAST 1
08 POP_JUMP_IF_FALSE 4
10 LOAD_FAST 1
11 STORE_COMP 20
13 JUMP 4
15 RETURN_VALUE
File sb.py, code block 'm' (descriptor: PTR, bytecode @PTR 20 bytes)
Raw bytecode (code_info_size=7, bytecode_size=13):
 22 0a 08 11 12 80 0a 12 13 25 00 b1 15 08 36 00
 23 02 f2 63
arg names: * self
(N_STATE 5)
(N_EXC_STACK 0)
  bc=0 line=1
  bc=0 line=11
00 LOAD_GLOBAL super
02 LOAD_DEREF 0
04 LOAD_FAST 1
05 LOAD_SUPER_METHOD m
07 CALL_METHOD n=0 nkw=0
09 LOAD_CONST_OBJ PTR=1.5
11 BINARY_OP 27 __add__
12 RETURN_VALUE
"#;

/// Replaces the hex address after each of the given prefixes by `PTR`.
fn normalise(text: &str) -> String {
    let prefixes = [
        "descriptor: ",
        "@",
        "MAKE_FUNCTION ",
        "MAKE_FUNCTION_DEFARGS ",
        "MAKE_CLOSURE ",
        "MAKE_CLOSURE_DEFARGS ",
        "LOAD_CONST_OBJ ",
    ];
    let mut out = String::new();
    for line in text.lines() {
        let mut l = line.to_string();
        for p in prefixes {
            if let Some(i) = l.find(p) {
                let start = i + p.len();
                let end = l[start..]
                    .find(|c: char| !c.is_ascii_hexdigit())
                    .map_or(l.len(), |e| start + e);
                if end > start {
                    l.replace_range(start..end, "PTR");
                }
            }
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

#[test]
fn disassembly_matches_upstream_verbose_output() {
    let m = compile(SOURCE, "sb.py", &CompileOptions::default()).expect("compiles");
    let got = normalise(&show_module(&m));
    assert_eq!(got, EXPECTED);
}
