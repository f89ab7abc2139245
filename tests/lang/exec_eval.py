# exec and eval with explicit globals and locals dicts; syntax errors are catchable.
g = {"x": 2}
exec("y = x * 10\ndef f():\n    return y + 1", g)
print(g["y"], g["f"]())
print(eval("x + 1", {"x": 5}), eval("a * b", {"a": 2}, {"b": 3}), eval("[i * i for i in range(4)]"))
l = {}
exec("z = 7", {}, l)
print(l)
globals()["dyn"] = "set via globals"
print(dyn)
for src in ["1 +", "def f(:\n pass", "x = = 1", "return 5"]:
    try:
        exec(src)
        print("no error", repr(src))
    except SyntaxError:
        print("SyntaxError", repr(src))
n = 0
exec("n += 5")
print(n)
print(eval("'%s-%s' % (1, 2)"), eval("3 "))
