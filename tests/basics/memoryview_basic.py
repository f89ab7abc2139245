# memoryview: a window on another buffer, without copying
b = bytearray(b"abcdef")
m = memoryview(b)
print(len(m), m[0], m[-1], list(m[1:3]), bytes(m[2:]))
m[0] = 65
m[1:3] = b"BC"
print(b)
t = m[3:]
t[0] = 68
print(b, len(t), bytes(t), t[-1])
try:
    t[0:2] = b"abc"
except ValueError:
    print("ValueError")
r = memoryview(b"readonly")
print(r[0], bytes(r[4:]))
try:
    r[0] = 1
except TypeError:
    print("TypeError")
try:
    memoryview(1)
except TypeError:
    print("TypeError")
try:
    m[6]
except IndexError:
    print("IndexError")
print(memoryview(b"ab") == b"ab", b"xy" + memoryview(b"z"), [x for x in memoryview(b"\x01\x02")])
print(str(memoryview(b"hi"), "utf-8"), bytearray(memoryview(b"q")))
