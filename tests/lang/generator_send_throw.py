# Generator send(), throw(), close() and yield from delegation.
def echo():
    received = []
    try:
        while True:
            v = yield len(received)
            received.append(v)
    except GeneratorExit:
        print("closing with", received)
        raise
g = echo()
print(g.send(None), g.send("a"), g.send("b"))
g.close()
g.close()

def acc():
    total = 0
    while True:
        try:
            v = yield total
        except ValueError as e:
            print("thrown in:", e)
            total = -1
            continue
        if v is None:
            return total
        total += v
g = acc()
next(g)
print(g.send(5), g.send(10), g.throw(ValueError("reset")), g.send(3))
try:
    g.send(None)
except StopIteration as e:
    print("returned", e.args)

def not_started():
    yield 1
g = not_started()
try:
    g.send(5)
except TypeError:
    print("TypeError send non-None")
g = not_started()
try:
    g.throw(KeyError("k"))
except KeyError as e:
    print("KeyError propagated", e.args)
try:
    next(g)
except StopIteration:
    print("exhausted after throw")

def sub():
    x = yield "s1"
    print("sub got", x)
    y = yield "s2"
    print("sub got", y)
    return "sub-result"
def deleg():
    r = yield from sub()
    print("deleg got", r)
    yield "after"
g = deleg()
print(next(g), g.send("A"), g.send("B"))

def sub_catch():
    try:
        yield 1
    except KeyError:
        yield "caught in sub"
def outer():
    yield from sub_catch()
g = outer()
next(g)
print(g.throw(KeyError))

def closing():
    try:
        yield 1
    finally:
        print("finally on close")
g = closing()
next(g)
g.close()
def bad_close():
    try:
        yield 1
    except GeneratorExit:
        yield 2
g = bad_close()
next(g)
try:
    g.close()
except RuntimeError:
    print("RuntimeError ignored GeneratorExit")
print(list(x for x in []))
def yf_iter():
    yield from [1, 2]
    yield from range(3, 5)
    yield from "ab"
print(list(yf_iter()))
def running():
    yield g2.send(None)
g2 = running()
try:
    next(g2)
except ValueError:
    print("ValueError running")
