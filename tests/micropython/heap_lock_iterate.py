# Iterating the built-in containers needs no heap: for loops and all/any/min/max/sum keep
# the iterator on the stack.
import array
import micropython

items = [
    (1, 2, 3),
    [4, 5],
    b"ab",
    bytearray(b"cd"),
    array.array("h", [-1, 7]),
    range(3, 6),
    {8: "x", 9: "y"},
    {10},
    frozenset([11]),
]


def walk(x):
    total = 0
    micropython.heap_lock()
    for v in x:
        total += v
    a = all(x)
    b = any(x)
    lo = min(x)
    hi = max(x)
    s = sum(x)
    micropython.heap_unlock()
    return (total, a, b, lo, hi, s)


for x in items:
    print(type(x).__name__, walk(x))


# Nested loops and early exits leave the stack balanced.
def nested():
    n = 0
    d = {1: 2}
    r = range(4)
    micropython.heap_lock()
    for a in b"xyz":
        for b in r:
            if b == 2:
                break
            for c in d:
                n += a + b + c
    micropython.heap_unlock()
    return n


print(nested())


# A generator suspended inside such a loop resumes it.
def gen():
    for k in {"a": 1, "b": 2}:
        yield k
    for c in bytearray(b"\x05\x06"):
        yield c


print(list(gen()))


# A str constant (interned, no heap object) iterates in place too; its characters are
# names the compiler interned above (`a`, `b`), so making them allocates nothing either.
def chars():
    n = 0
    micropython.heap_lock()
    for c in "ab":
        n += 1
    micropython.heap_unlock()
    return n, c


print(chars())
