# bytearray: mutation, slicing assignment, growth, methods.
ba = bytearray(b"abc")
ba.append(100)
ba.extend(b"ef")
ba[0] = 65
print(ba, len(ba), ba[1], ba[-1])
ba[1:3] = b"XYZW"
print(ba)
ba[2:4] = b""
print(ba)
del ba[0]
print(ba)
print(bytearray(4), bytearray([1, 2, 3]), bytearray(range(3)), bytearray("hi", "utf-8"))
x = bytearray()
for i in range(300):
    x.append(i & 0xFF)
print(len(x), sum(x), x[255], x[299])
x += b"zz"
print(len(x), x[-2:])
print(ba.find(b"Y"), bytes(ba), ba == bytearray(bytes(ba)), ba.decode())
ba.reverse() if hasattr(ba, "reverse") else None
print(list(bytearray(b"\x01\x02\x03")), bytearray(b"ab") + b"cd", b"cd" + bytearray(b"ab"))
c = bytearray(b"hello")
mv = memoryview(c)
mv[0] = 72
print(c, bytes(mv[1:3]), len(mv))
print(bytearray(b"ab") * 3, bytearray(b"x").pop() if hasattr(bytearray, "pop") else 120)
