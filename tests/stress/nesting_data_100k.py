# cmdline: -X heapsize=64M
# Data nested 100,000 levels deep: printing, comparing, hashing and serialising it must
# raise RuntimeError (maximum recursion depth) rather than overflow the native stack.
import json

N = 100000


def attempt(what, f):
    try:
        r = f()
        print(what, "ok", r)
    except RuntimeError as e:
        print(what, "RuntimeError", e)


l = []
for i in range(N):
    l = [l]
l2 = []
for i in range(N):
    l2 = [l2]
d = {}
for i in range(N):
    d = {1: d}
t = ()
for i in range(N):
    t = (t,)
attempt("list repr", lambda: len(repr(l)))
attempt("list str", lambda: len(str(l)))
attempt("list ==", lambda: l == l2)
attempt("list <", lambda: l < l2)
attempt("list in", lambda: l2 in [l])
attempt("dict repr", lambda: len(repr(d)))
attempt("dict ==", lambda: d == {1: d})
attempt("tuple hash", lambda: hash(t) is not None)
attempt("tuple repr", lambda: len(repr(t)))
attempt("json dumps", lambda: len(json.dumps(l)))
attempt("json loads", lambda: json.loads("[" * N + "]" * N) is not None)
attempt("print", lambda: print(l))

# Iterators and generators chained 100,000 deep.
it = iter([1, 2, 3])
for i in range(N):
    it = map(abs, it)
attempt("map chain", lambda: next(it))
e = [5]
for i in range(N):
    e = enumerate(e)
attempt("enumerate chain", lambda: next(iter(e)) is not None)


def gen(inner):
    yield from inner


g = iter([7])
for i in range(N):
    g = gen(g)
attempt("yield from chain", lambda: next(g))

# Python recursion.
def deep(n):
    return deep(n + 1)


attempt("recursion", lambda: deep(0))


class R:
    def __repr__(self):
        return repr(self)


attempt("__repr__ recursion", lambda: repr(R()))
attempt("nested list depth", lambda: sum(1 for _ in range(N)))
print("still alive")
