# cmdline: -X heapsize=64M
# Source nested 100,000 levels deep, compiled at run time: every construct must end in a
# Python exception (or run), never a native stack overflow. upy reports the depth as
# RuntimeError: maximum recursion depth exceeded (MicroPython runs out of parser memory and
# CPython says SyntaxError: too many nested parentheses), so this test has a checked .exp.
N = 100000


def attempt(what, src):
    try:
        exec(src, {})
        print(what, "ran")
    except (RuntimeError, MemoryError, SyntaxError) as e:
        print(what, type(e).__name__, e)


attempt("parens", "x = " + "(" * N + "1" + ")" * N)
attempt("lists", "x = " + "[" * N + "]" * N)
attempt("dicts", "x = " + "{1:" * N + "1" + "}" * N)
attempt("tuples", "x = " + "(1," * N + ")" * N)
attempt("unary minus", "x = " + "-" * N + "1")
attempt("not", "x = " + "not " * N + "1")
attempt("power", "x = " + "2**" * N + "1")
attempt("calls", "x = " + "f(" * N + ")" * N)
attempt("subscripts", "x = a" + "[0]" * N)
attempt("attributes", "x = a" + ".b" * N)
attempt("lambdas", "x = " + "lambda: " * N + "1")
attempt("conditionals", "x = " + "1 if 1 else " * N + "1")
attempt("f-strings", "x = " + "f'{" * 50 + "1" + "}'" * 50)
attempt("comprehensions", "x = " + "[0 for _ in " * N + "[]" + "]" * N)
attempt("sum chain", "x = 1" + "+1" * N)
attempt("compare chain", "x = 1" + "<2" * N)
attempt("and chain", "x = 1" + " and 1" * N)
attempt("string concat", "x = " + "'a' " * N)
# Blocks: each level needs one more column, so the source grows as the square of the
# depth; 3,000 levels (4.5 MB of source) is far past any limit.
B = 3000
attempt("blocks", "".join(" " * i + "if 1:\n" for i in range(B)) + " " * B + "pass\n")
attempt("defs", "".join(" " * i + "def f():\n" for i in range(B)) + " " * B + "pass\n")
print("still alive")
