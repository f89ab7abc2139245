# Generators: iteration, state, return value, StopIteration.
def count(n):
    i = 0
    while i < n:
        yield i
        i += 1
print(list(count(5)), sum(count(101)))
g = count(2)
print(next(g), next(g))
try:
    next(g)
except StopIteration:
    print("StopIteration")
print(next(g, "default"))

def with_return():
    yield 1
    return "result"
g = with_return()
next(g)
try:
    next(g)
except StopIteration as e:
    print("value", e.value if hasattr(e, "value") else e.args[0])

def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
out = []
for v in fib():
    if v > 100:
        break
    out.append(v)
print(out)

def pipeline():
    evens = (x for x in range(20) if x % 2 == 0)
    squares = (x * x for x in evens)
    return list(squares)
print(pipeline())
g = (c for c in "ab")
print(iter(g) is g, list(g))

def gen_finally():
    try:
        yield 1
        yield 2
    finally:
        print("gen cleanup")
for v in gen_finally():
    print("got", v)

def nested():
    for i in range(3):
        for j in range(i):
            yield (i, j)
print(list(nested()))

def args_gen(*a, **k):
    yield from a
    yield from sorted(k)
print(list(args_gen(1, 2, z=0, y=0)))
print(list(zip(count(3), "xyz")), list(enumerate(count(2))), list(map(lambda v: -v, count(3))), list(filter(None, count(4))))
