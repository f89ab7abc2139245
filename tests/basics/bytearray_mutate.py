# bytearray: construction, mutation, slice assignment, shared methods
a = bytearray(b"abc")
print(a, len(a), a[0], a[-1], a[1:], list(a), bytearray(2), bytearray([1, 2]), bytearray("é", "utf-8"))
a.append(100)
a.extend(b"ef")
a.extend([103])
print(a)
a[0] = 65
a[-1] = 71
print(a)
a[1:3] = b"XYZW"
print(a)
a[0:5] = b""
print(a)
a[2:2] = bytearray(b"++")
print(a)
del a[0]
print(a)
del a[::2]
print(a)
a += b"!!"
print(a, a + b"?", a * 2, b"!" in a, 33 in a)
b = bytearray(b"0123456789")
b[::3] = b"abcd"
print(b)
try:
    b[::3] = b"ab"
except ValueError:
    print("ValueError")
try:
    b[10]
except IndexError:
    print("IndexError")
try:
    hash(b)
except TypeError:
    print("TypeError")
c = bytearray(b" a,b ")
print(c.strip(), c.split(b","), c.find(b"b"), c.decode(), c.hex(), bytearray.fromhex("0102"))
print(c == b" a,b ", b" a,b " == c, c < b"b", c.upper(), c.replace(b",", b";"))
d = bytearray(b"xy")
d.extend(d)
print(d)
