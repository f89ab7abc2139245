# compile() gives code objects that exec/eval run in the namespaces they are given, and
# function.__code__ plus the function type rebuild functions (CPython agrees).
c = compile("total = a + b", "sum.py", "exec")
print(type(c).__name__)
ns = {"a": 1, "b": 2}
exec(c, ns)
print(ns["total"])
g = {"a": 10}
loc = {"b": 5}
exec(c, g, loc)
print(loc["total"], "total" in g)

e = compile("a * 3", "mul.py", "eval")
print(eval(e, {"a": 4}), eval(e, {"a": "x"}))
exec(compile("print('single', 6 * 7)", "s.py", "single"))

try:
    compile("1", "f", "nonsense")
except ValueError:
    print("ValueError")
try:
    compile("1 +", "f", "eval")
except SyntaxError:
    print("SyntaxError")


def f():
    return value


ftype = type(f)
f1 = ftype(f.__code__, {"value": "one"})
f2 = ftype(f.__code__, {"value": "two"})
print(f1(), f2(), type(f1) is ftype)
print(ftype((lambda: (lambda: value)).__code__, {"value": 3})()())
for bad in ((None, {}), (f.__code__, None)):
    try:
        ftype(*bad)
    except TypeError:
        print("TypeError")
