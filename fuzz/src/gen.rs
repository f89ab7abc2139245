//! A grammar-aware program generator for the `run_gen` target: the fuzzer's bytes are read
//! as a stream of choices that pick statements, expressions, literals, built-ins, methods
//! and modules. Every program parses, starts from a prologue that binds variables of many
//! types, and wraps each top-level statement in `try`, so the bytes mostly steer what the
//! VM and the object model do rather than where the lexer gives up. Loops are bounded by
//! counters; nothing catches KeyboardInterrupt, so the watchdog can always end a case.

use std::fmt::Write;

const VARS: &[&str] = &["a", "b", "c", "d", "e", "f", "g", "h", "k", "s"];

const PROLOGUE: &str = "\
a = 7
b = 'xy\u{e9}'
c = [1, 2.5, 'z', None]
d = {'k': 1, 2: (3,)}
e = (3, -4, 5)
f = 2.5
g = b'ab\\x00'
h = bytearray(b'xyz')
k = {1, 2, 3}
s = 'a,b,c'
class K:
    cls_attr = 3
    def __init__(self, v=0):
        self.v = v
    def m(self, x=1):
        return self.v
    def __add__(self, o):
        return K(self.v)
    def __eq__(self, o):
        return isinstance(o, K)
    def __hash__(self):
        return 1
    def __len__(self):
        return 2
    def __iter__(self):
        return iter((1, 2))
    def __getitem__(self, i):
        return i
    def __repr__(self):
        return 'K()'
    def __enter__(self):
        return self
    def __exit__(self, *a):
        return False
    @property
    def p(self):
        return self.v
    @staticmethod
    def st(x):
        return x
    @classmethod
    def cm(cls, x):
        return cls
class E(Exception):
    pass
def fn(x=0, y=2, *r, **kw):
    return x
def gn(n=3):
    for i in range(n):
        yield i
    return n
";

const INTS: &[&str] = &[
    "0", "1", "-1", "2", "3", "7", "255", "-128", "2**31", "2**62", "2**63", "2**64", "10**30",
    "-(2**100)", "0x7fffffff", "0o17", "0b101", "1_000", "True", "False",
];
const FLOATS: &[&str] = &[
    "0.0", "-0.0", "1.5", "1e308", "1e-320", "float('inf')", "float('nan')", "-2.5e-3", "3.",
    "1j", "(1+2j)",
];
const STRS: &[&str] = &[
    "''", "'abc'", "'\\u20ac\\U0001f600'", "'\\x00'", "'a' * 40", "'%d-%s'", "'{}{!r}'",
    "'{0:>8}'", "' x y '", "'ABC'", "\"q'\"", "'\\n\\t'",
];
const BYTES: &[&str] = &["b''", "b'abc'", "b'\\xff\\x00'", "bytearray(4)", "bytes(range(8))"];
const BINOPS: &[&str] = &[
    "+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "@", "==", "!=", "<", "<=",
    ">", ">=", "in", "not in", "is", "is not", "and", "or",
];
const UNOPS: &[&str] = &["-", "+", "~", "not "];
const AUGOPS: &[&str] = &["+=", "-=", "*=", "//=", "%=", "|=", "&=", "^=", "<<=", ">>=", "**="];
const BUILTINS: &[(&str, usize)] = &[
    ("len", 1), ("abs", 1), ("min", 2), ("max", 1), ("sum", 1), ("sorted", 1),
    ("reversed", 1), ("enumerate", 1), ("zip", 2), ("any", 1), ("all", 1), ("int", 1),
    ("int", 2), ("float", 1), ("str", 1), ("bytes", 1), ("bytearray", 1), ("list", 1),
    ("tuple", 1), ("dict", 1), ("set", 1), ("frozenset", 1), ("repr", 1), ("hash", 1),
    ("hex", 1), ("oct", 1), ("bin", 1), ("chr", 1), ("ord", 1), ("round", 2), ("divmod", 2),
    ("pow", 3), ("pow", 2), ("isinstance", 2), ("getattr", 2), ("hasattr", 2), ("iter", 1),
    ("next", 1), ("range", 3), ("slice", 3), ("memoryview", 1), ("complex", 2),
    ("callable", 1), ("type", 1), ("map", 2), ("filter", 2), ("print", 2), ("id", 1),
    ("format", 2), ("setattr", 3), ("delattr", 2), ("eval", 1), ("exec", 1),
];
const METHODS: &[(&str, usize)] = &[
    ("append", 1), ("pop", 0), ("pop", 1), ("insert", 2), ("sort", 0), ("reverse", 0),
    ("index", 1), ("count", 1), ("join", 1), ("split", 0), ("split", 1), ("rsplit", 2),
    ("replace", 2), ("strip", 0), ("find", 1), ("rfind", 1), ("format", 2), ("encode", 0),
    ("decode", 0), ("keys", 0), ("values", 0), ("items", 0), ("get", 2), ("setdefault", 2),
    ("update", 1), ("copy", 0), ("extend", 1), ("remove", 1), ("startswith", 1),
    ("endswith", 1), ("upper", 0), ("lower", 0), ("isdigit", 0), ("center", 2),
    ("partition", 1), ("to_bytes", 2), ("bit_length", 0), ("hex", 0), ("add", 1),
    ("discard", 1), ("union", 1), ("intersection", 1), ("difference", 1), ("clear", 0),
    ("popitem", 0), ("m", 1), ("cm", 1), ("st", 1), ("fromkeys", 1), ("zfill", 1),
    ("splitlines", 0), ("ljust", 2), ("title", 0), ("issubset", 1), ("isspace", 0),
];
const ATTRS: &[&str] = &["v", "p", "cls_attr", "real", "imag", "__class__", "__name__", "x"];
const MODULES: &[(&str, &[(&str, usize)])] = &[
    ("math", &[("sqrt", 1), ("floor", 1), ("log", 2), ("frexp", 1), ("isnan", 1), ("fmod", 2),
               ("pow", 2), ("ldexp", 2), ("gamma", 1), ("atan2", 2), ("trunc", 1)]),
    ("json", &[("dumps", 1), ("loads", 1)]),
    ("struct", &[("pack", 2), ("unpack", 2), ("calcsize", 1), ("pack_into", 3)]),
    ("collections", &[("OrderedDict", 1), ("deque", 2), ("namedtuple", 2)]),
    ("array", &[("array", 2)]),
    ("heapq", &[("heappush", 2), ("heappop", 1), ("heapify", 1)]),
    ("binascii", &[("hexlify", 1), ("unhexlify", 1), ("a2b_base64", 1), ("b2a_base64", 1),
                   ("crc32", 2)]),
    ("random", &[("getrandbits", 1), ("randrange", 2), ("choice", 1), ("seed", 1)]),
    ("io", &[("StringIO", 1), ("BytesIO", 1)]),
    ("gc", &[("collect", 0), ("mem_free", 0), ("threshold", 1)]),
    ("micropython", &[("const", 1), ("heap_lock", 0), ("heap_unlock", 0), ("mem_info", 0)]),
    ("sys", &[("print_exception", 1), ("getsizeof", 1)]),
    ("errno", &[]),
    ("time", &[("ticks_diff", 2), ("ticks_add", 2), ("localtime", 1), ("mktime", 1)]),
    ("cmath", &[("sqrt", 1), ("phase", 1), ("exp", 1)]),
];
const EXCEPTIONS: &[&str] = &[
    "Exception", "ValueError", "TypeError", "KeyError", "IndexError", "ZeroDivisionError",
    "AttributeError", "StopIteration", "MemoryError", "RuntimeError", "OSError", "E",
    "(TypeError, ValueError)", "ArithmeticError", "LookupError", "OverflowError",
];

struct Gen<'a> {
    data: &'a [u8],
    pos: usize,
    out: String,
    indent: usize,
    /// Names of counters, so nested loops get distinct ones.
    counters: usize,
}

impl Gen<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    fn done(&self) -> bool {
        self.pos >= self.data.len()
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let i = self.byte() as usize % items.len();
        items[i]
    }

    fn line(&mut self, text: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn var(&mut self) -> &'static str {
        self.pick(VARS)
    }

    fn literal(&mut self) -> String {
        match self.byte() % 9 {
            0 | 1 => self.pick(INTS).to_string(),
            2 => self.pick(FLOATS).to_string(),
            3 | 4 => self.pick(STRS).to_string(),
            5 => self.pick(BYTES).to_string(),
            6 => "None".to_string(),
            7 => "K(1)".to_string(),
            _ => format!("{}", self.byte() as i8),
        }
    }

    fn args(&mut self, n: usize, depth: u32) -> String {
        let mut parts = Vec::new();
        for _ in 0..n {
            parts.push(self.expr(depth + 1));
        }
        match self.byte() % 16 {
            0 => parts.push(format!("*{}", self.expr(depth + 1))),
            1 => parts.push(format!("key={}", self.expr(depth + 1))),
            _ => {}
        }
        parts.join(", ")
    }

    fn expr(&mut self, depth: u32) -> String {
        if depth > 3 {
            return match self.byte() % 2 {
                0 => self.literal(),
                _ => self.var().to_string(),
            };
        }
        let d = depth + 1;
        match self.byte() % 24 {
            0 | 1 => self.literal(),
            2 | 3 | 4 => self.var().to_string(),
            5 | 6 => {
                let op = self.pick(BINOPS);
                format!("({} {op} {})", self.expr(d), self.expr(d))
            }
            7 => {
                let op = self.pick(UNOPS);
                format!("({op}{})", self.expr(d))
            }
            8 | 9 => {
                let (name, n) = self.pick(BUILTINS);
                format!("{name}({})", self.args(n, d))
            }
            10 | 11 => {
                let (name, n) = self.pick(METHODS);
                format!("({}).{name}({})", self.expr(d), self.args(n, d))
            }
            12 => format!("({})[{}]", self.expr(d), self.expr(d)),
            13 => {
                let parts: Vec<String> = (0..3)
                    .map(|_| match self.byte() % 3 {
                        0 => String::new(),
                        _ => self.expr(d),
                    })
                    .collect();
                format!("({})[{}:{}:{}]", self.expr(d), parts[0], parts[1], parts[2])
            }
            14 => format!("({}).{}", self.expr(d), self.pick(ATTRS)),
            15 => format!("({} if {} else {})", self.expr(d), self.expr(d), self.expr(d)),
            16 => match self.byte() % 5 {
                0 => format!("[{}, {}]", self.expr(d), self.expr(d)),
                1 => format!("({},)", self.expr(d)),
                2 => format!("{{{}: {}}}", self.expr(d), self.expr(d)),
                3 => format!("{{{}, {}}}", self.expr(d), self.expr(d)),
                _ => format!("[*{}, *{}]", self.expr(d), self.expr(d)),
            },
            17 => {
                let v = self.var();
                match self.byte() % 4 {
                    0 => format!("[{} for {v} in {} if {}]", self.expr(d), self.iterable(d), self.expr(d)),
                    1 => format!("{{{v}: {} for {v} in {}}}", self.expr(d), self.iterable(d)),
                    2 => format!("{{{} for {v} in {}}}", self.expr(d), self.iterable(d)),
                    _ => format!("list({} for {v} in {})", self.expr(d), self.iterable(d)),
                }
            }
            18 => format!("(lambda {}=1: {})", self.var(), self.expr(d)),
            19 => format!("({} := {})", self.var(), self.expr(d)),
            20 => {
                let (m, funcs) = self.pick(MODULES);
                if funcs.is_empty() {
                    format!("__import__('{m}')")
                } else {
                    let (f, n) = self.pick(funcs);
                    format!("__import__('{m}').{f}({})", self.args(n, d))
                }
            }
            21 => {
                let spec = match self.byte() % 6 {
                    0 => "",
                    1 => "!r",
                    2 => ":>8",
                    3 => ":.3f",
                    4 => ":x",
                    _ => ":,",
                };
                // Not a full expression: MicroPython (and so upy) cut an f-string field at
                // the first ':' even inside parentheses, so a walrus would not parse.
                let field = match self.byte() % 2 {
                    0 => self.var().to_string(),
                    _ => format!("{}({})", self.pick(&["len", "str", "abs", "repr"]), self.var()),
                };
                format!("f'<{{{field}{spec}}}>'")
            }
            22 => format!("({} % {})", self.pick(STRS), self.expr(d)),
            _ => format!("fn({})", self.args(2, d)),
        }
    }

    fn iterable(&mut self, depth: u32) -> String {
        match self.byte() % 5 {
            0 => format!("range({})", self.byte() % 12),
            1 => format!("range({}, {}, {})", self.byte() as i8, self.byte() as i8, self.pick(&["1", "-1", "3", "-7"])),
            2 => self.var().to_string(),
            3 => "gn(4)".to_string(),
            _ => self.expr(depth + 1),
        }
    }

    fn block(&mut self, depth: u32) {
        self.indent += 1;
        let n = 1 + self.byte() % 3;
        for _ in 0..n {
            self.stmt(depth + 1);
        }
        self.indent -= 1;
    }

    fn stmt(&mut self, depth: u32) {
        let choice = if depth > 2 { self.byte() % 6 } else { self.byte() % 20 };
        match choice {
            0 | 1 => {
                let (v, e) = (self.var(), self.expr(0));
                self.line(&format!("{v} = {e}"));
            }
            2 => {
                let (v, op, e) = (self.var(), self.pick(AUGOPS), self.expr(0));
                self.line(&format!("{v} {op} {e}"));
            }
            3 => {
                let e = self.expr(0);
                self.line(&format!("print({e})"));
            }
            4 => {
                let (v, i, e) = (self.var(), self.expr(1), self.expr(1));
                self.line(&format!("{v}[{i}] = {e}"));
            }
            5 => {
                let e = self.expr(0);
                self.line(&e);
            }
            6 => {
                let e = self.expr(0);
                self.line(&format!("if {e}:"));
                self.block(depth);
                if self.byte() % 2 == 0 {
                    self.line("else:");
                    self.block(depth);
                }
            }
            7 => {
                let (v, it) = (self.var(), self.iterable(0));
                self.line(&format!("for {v} in {it}:"));
                self.block(depth);
                if self.byte() % 4 == 0 {
                    self.line("else:");
                    self.block(depth);
                }
            }
            8 => {
                self.counters += 1;
                let n = self.counters;
                let limit = self.byte() % 20;
                self.line(&format!("_n{n} = 0"));
                self.line(&format!("while _n{n} < {limit}:"));
                self.indent += 1;
                self.line(&format!("_n{n} += 1"));
                if self.byte() % 3 == 0 {
                    let e = self.expr(1);
                    self.line(&format!("if {e}: break"));
                }
                self.indent -= 1;
                self.block(depth);
            }
            9 => {
                self.line("try:");
                self.block(depth);
                let exc = self.pick(EXCEPTIONS);
                self.line(&format!("except {exc} as _x:"));
                self.block(depth);
                if self.byte() % 2 == 0 {
                    self.line("finally:");
                    self.block(depth);
                }
            }
            10 => {
                let (v, p) = (self.var(), self.var());
                self.line(&format!("def {v}({p}=1, *_r, **_k):"));
                self.indent += 1;
                if self.byte() % 3 == 0 {
                    let q = self.var();
                    self.line(&format!("nonlocal_or_global = {q}"));
                }
                self.indent -= 1;
                self.block(depth);
                self.indent += 1;
                let e = self.expr(1);
                let kw = if self.byte() % 3 == 0 { "yield" } else { "return" };
                self.line(&format!("{kw} {e}"));
                self.indent -= 1;
                let a = self.args(1, 1);
                self.line(&format!("{v} = list({v}({a})) if {v}.__name__ else 0"));
            }
            11 => {
                let (v, base) = (self.var(), self.pick(&["K", "E", "object", "list", "dict", "int", "str", "Exception"]));
                self.line(&format!("class C_{v}({base}):"));
                self.indent += 1;
                self.line("x = 1");
                let e = self.expr(1);
                let m = self.pick(&["__init__", "__repr__", "__eq__", "__getattr__", "__iter__", "m", "__bool__", "__len__"]);
                self.line(&format!("def {m}(self, *a):"));
                self.indent += 1;
                self.line(&format!("return {e}"));
                self.indent -= 2;
                let a = self.args(1, 1);
                self.line(&format!("{v} = C_{v}({a})"));
            }
            12 => {
                let e = self.expr(0);
                self.line(&format!("with K({e}) as _w:"));
                self.block(depth);
            }
            13 => {
                let e = self.expr(1);
                let exc = self.pick(&["ValueError", "E", "StopIteration", "KeyError", "OSError"]);
                self.line(&format!("raise {exc}({e})"));
            }
            14 => {
                let (v, e) = (self.var(), self.expr(1));
                self.line(&format!("del {v}[{e}]"));
            }
            15 => {
                let (x, y, e) = (self.var(), self.var(), self.expr(0));
                self.line(&format!("{x}, *{y} = {e}"));
            }
            16 => {
                let e = self.expr(0);
                self.line(&format!("assert {e}, 'msg'"));
            }
            17 => {
                let (m, _) = self.pick(MODULES);
                self.line(&format!("import {m}"));
            }
            18 => {
                let (v, e) = (self.var(), self.expr(0));
                let attr = self.pick(ATTRS);
                self.line(&format!("{v} = {v}.{attr}"));
                self.line(&format!("setattr(K, 'x', {e})"));
            }
            _ => {
                let v = self.var();
                let n = self.byte() % 5;
                self.line(&format!("for _g in gn({n}):"));
                self.indent += 1;
                self.line(&format!("{v} = _g"));
                self.indent -= 1;
            }
        }
    }
}

/// The program for one input: the prologue, then statements while choices last (at most
/// 32), each in its own `try` so a failing one does not end the program.
pub fn program(data: &[u8]) -> String {
    let mut g = Gen {
        data,
        pos: 0,
        out: String::from(PROLOGUE),
        indent: 0,
        counters: 0,
    };
    let mut n = 0;
    while !g.done() && n < 32 {
        g.line("try:");
        g.indent += 1;
        g.stmt(0);
        g.indent -= 1;
        let exc = g.pick(&["Exception", "Exception", "BaseException if 0 else Exception"]);
        g.line(&format!("except {exc} as _e:"));
        g.line("    print(repr(_e))");
        n += 1;
    }
    let mut tail = String::new();
    let _ = writeln!(tail, "print(a, b, c)");
    g.out.push_str(&tail);
    g.out
}

#[cfg(test)]
mod tests {
    #[test]
    fn programs_always_parse() {
        let mut seed = 12345u64;
        for len in 0..300 {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (seed >> 33) as u8
                })
                .collect();
            let src = super::program(&data);
            let r = upy_compiler::parse::parse(&src, upy_compiler::ast::ParseMode::File);
            assert!(r.is_ok(), "{:?}\n{src}", r.err());
        }
    }
}
