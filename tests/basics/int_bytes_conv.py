# int.to_bytes and int.from_bytes, small and big

print((1).to_bytes(), (255).to_bytes(1, "big"), (256).to_bytes(2, "little"))
print((2**64).to_bytes(9, "big"), (2**64 + 1).to_bytes(9, "little"))
print((-1).to_bytes(4, "big", signed=True), (-(2**70)).to_bytes(10, "little", signed=True))
print((0).to_bytes(0, "big"), (127).to_bytes(1, "big", signed=True))
for v, n, signed in ((256, 1, False), (128, 1, True), (-129, 1, True), (2**80, 10, False),
                     (-1, 2, False), (1, 0, False)):
    try:
        v.to_bytes(n, "big", signed=signed)
    except OverflowError:
        print("OverflowError", v, n)
print(int.from_bytes(b"\x01\x00", "big"), int.from_bytes(b"\x01\x00", "little"))
print(int.from_bytes(b"\xff" * 12, "big"), int.from_bytes(bytes(12), "little"))
print(int.from_bytes(b"\xff\xfe", "big", signed=True), int.from_bytes(b"\x80" + bytes(9), "big", signed=True))
print(int.from_bytes(bytearray(b"\x12\x34"), "big"))
x = 0x0123456789ABCDEF0123456789
print(int.from_bytes(x.to_bytes(13, "little"), "little") == x)
