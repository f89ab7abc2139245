# struct: pack_into and unpack_from with offsets, and buffer errors
import struct

buf = bytearray(8)
struct.pack_into("<H", buf, 0, 0x4142)
struct.pack_into(">H", buf, 2, 0x4344)
struct.pack_into("<I", buf, -4, 0x48474645)
print(buf)

print(struct.unpack_from("<H", b"1234", 2))
print(struct.unpack_from("<h", b"1234", -2))
print(struct.unpack_from(">I", buf))
print(struct.unpack_from("2B", memoryview(b"xyz"), 1))

for args in (("i", b"12"), ("<h", b"1234", 3), ("<h", b"1234", -5)):
    try:
        struct.unpack_from(*args)
    except Exception as e:
        print(type(e).__name__ in ("error", "ValueError"))

try:
    struct.pack_into("<i", bytearray(4), 2, 1)
except Exception as e:
    print(type(e).__name__ in ("error", "ValueError"))
