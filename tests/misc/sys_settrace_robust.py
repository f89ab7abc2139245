# sys.settrace under stress: deep recursion, collections inside the trace function, frames
# kept after their function returned, a trace function that raises or turns tracing off,
# generators closed or thrown into while traced, and non-callable arguments. The .exp is
# MicroPython's behaviour (each resume of a generator is a `call`, an exception thrown in
# before any line ran reports line 0, no `return` when an exception leaves a frame).
import sys
import gc

try:
    sys.settrace
except AttributeError:
    print("SKIP")
    raise SystemExit

saved = []


def keeper(frame, event, arg):
    saved.append(frame)
    gc.collect()
    return keeper


def rec(n):
    if n == 0:
        return 0
    return 1 + rec(n - 1)


sys.settrace(keeper)
print(rec(200))
sys.settrace(None)
# Frames outlive their functions: they are snapshots.
last = saved[-1]
print(last.f_code.co_name, last.f_lineno, type(last.f_back).__name__)


def depth(f):
    n = 0
    while f:
        n += 1
        f = f.f_back
    return n


print("max depth", max(depth(f) for f in saved))
gc.collect()
print(saved[0].f_code.co_name, saved[0].f_back.f_code.co_name)


def raiser(frame, event, arg):
    if event == "line":
        raise ValueError("from the trace function")
    return raiser


def victim():
    x = 1
    return x


sys.settrace(raiser)
try:
    victim()
except ValueError as e:
    print("caught:", e)
sys.settrace(None)


def once(frame, event, arg):
    print("once", event, frame.f_code.co_name)
    sys.settrace(None)
    return once


def outer():
    inner()
    return 1


def inner():
    return 2


sys.settrace(once)
outer()
print(sys.settrace(None))


def show(frame, event, arg):
    print(event, frame.f_code.co_name, frame.f_lineno)
    return show


def gen():
    try:
        yield 1
        yield 2
    finally:
        print("finally")


sys.settrace(show)
g = gen()
next(g)
g.close()
g = gen()
next(g)
try:
    g.throw(KeyError("k"))
except KeyError as e:
    print("KeyError", e)
sys.settrace(None)

for arg in (5, None, "x"):
    print(sys.settrace(arg))
    outer()
sys.settrace(None)
print("done")

# With the heap locked no frame object can be made: the call runs untraced.
import micropython

sys.settrace(show)
micropython.heap_lock()
outer()
micropython.heap_unlock()
outer()
sys.settrace(None)
