# marshal: code objects survive dumps/loads and run in any namespace (CPython agrees).
import marshal

ftype = type(lambda: 0)


def scale(values, factor=2):
    def one(v):
        return v * factor

    return [one(v) for v in values] + [LIMIT, "text", b"raw", 1.25, 10**25, (1, (2, "three"))]


code = marshal.loads(marshal.dumps(scale.__code__))
print(type(code).__name__)
print(ftype(code, {"LIMIT": 7})([1, 2, 3], 2))
print(ftype(code, {"LIMIT": 8})([4], 3))

# A module body compiled from text, then marshalled.
src = "def greet(who):\n    return 'hi ' + who\nresult = greet(name)\n"
blob = marshal.dumps(compile(src, "greet.py", "exec"))
print(type(blob))
ns = {"name": "there"}
exec(marshal.loads(blob), ns)
print(ns["result"], ns["greet"]("again"))

# Generators and keyword-only arguments keep working.
def gen(n, *, step=1):
    i = 0
    while i < n:
        yield i
        i += step

g = ftype(marshal.loads(marshal.dumps(gen.__code__)), {})
print(list(g(5, step=1)), list(g(7, step=3)))

for bad in (type, print):
    try:
        marshal.dumps(bad)
    except ValueError as e:
        print("ValueError", e)
