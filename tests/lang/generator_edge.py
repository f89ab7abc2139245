# Generator edge cases: return inside try/finally, exceptions escaping, re-entrancy guards,
# generators as lazy pipelines, and gi_frame-free introspection via next() defaults.
def g1():
    try:
        yield 1
        return 5
    finally:
        print("g1 finally")
it = g1()
print(next(it))
try:
    next(it)
except StopIteration as e:
    print("stop", e.args)
def g2():
    yield 1
    raise KeyError("from gen")
it = g2()
next(it)
try:
    next(it)
except KeyError as e:
    print("KeyError", e.args)
print(next(it, "exhausted"))
def take(n, it):
    out = []
    for v in it:
        if len(out) == n:
            break
        out.append(v)
    return out
def naturals():
    n = 0
    while True:
        yield n
        n += 1
def evens(src):
    for v in src:
        if v % 2 == 0:
            yield v
print(take(5, evens(naturals())))
def g3():
    x = yield
    while True:
        x = yield x * 2
it = g3()
next(it)
print([it.send(i) for i in range(5)])
def g4():
    yield from g4_inner()
    return "outer done"
def g4_inner():
    r = yield 1
    return r
it = g4()
print(next(it))
try:
    it.send("value")
except StopIteration as e:
    print(e.args)
gen = (x * x for x in range(4))
print(sum(gen), sum(gen))
def empty():
    return
    yield
print(list(empty()))
def counter():
    i = 0
    while i < 3:
        i += 1
        yield i
print(list(zip(counter(), counter(), counter())))
