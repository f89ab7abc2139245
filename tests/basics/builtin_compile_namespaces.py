# compile() makes a code object that exec/eval run later, in the namespaces given then.
c = compile("y = x * 2\nprint('y is', y)", "<c>", "exec")
g = {"x": 5}
exec(c, g)
print(g["y"])
exec(c, {"x": "ab"})
print(eval(compile("x + 1", "<e>", "eval"), {"x": 41}))
exec(compile("print(7 * 6)", "<s>", "single"))
d = {}
exec(compile("def f():\n    return z\nz = 'global z'", "<f>", "exec"), d)
print(d["f"]())
loc = {}
exec(compile("w = 3", "<l>", "exec"), {}, loc)
print(loc)
for mode in ("", "execs"):
    try:
        compile("1", "<m>", mode)
    except ValueError:
        print("ValueError", repr(mode))
try:
    compile("1 +", "<bad>", "exec")
except SyntaxError:
    print("SyntaxError")
try:
    exec(compile("undefined_name", "<n>", "exec"), {})
except NameError:
    print("NameError")
print(type(hash(compile("", "", "exec"))).__name__)
