# struct: sizes, packing and unpacking with each byte order
import struct

for fmt in ("<b", "<H", ">i", "!I", "<q", ">Q", "<e", "<f", ">d", "<2s3x", "bi", "@hq", "<bi", "5B"):
    print(fmt, struct.calcsize(fmt))

print(struct.pack("<bBhH", -1, 255, -2, 65535))
print(struct.pack(">iI", -3, 4000000000))
print(struct.pack("<qQ", -(2**63), 2**64 - 1))
print(struct.pack("!h", 513), struct.pack("<h", 513))
print(struct.pack("<e", 1.5), struct.pack(">f", -0.25), struct.pack("<d", 2.0))
print(struct.pack("3s", b"ab"), struct.pack("2s", b"abcd"))
print(struct.pack("bi", 1, 2))
print(struct.pack("<?", True) if False else struct.pack("<B", True))

print(struct.unpack("<bBhH", b"\xff\xff\xfe\xff\xff\xff"))
print(struct.unpack(">iI", b"\xff\xff\xff\xfd\xee\x6b\x28\x00"))
print(struct.unpack("<qQ", b"\xff" * 16))
print(struct.unpack("<e", b"\x00\x3e"), struct.unpack(">e", b"\x7c\x00"))
print(struct.unpack("<f", struct.pack("<f", 0.5)))
print(struct.unpack("4s", b"abcd"), struct.unpack("<2xH", b"\x00\x00\x01\x02"))

for v in (0, 1, -1, 127, -128, 2**31 - 1, -(2**31)):
    print(v, struct.unpack("<i", struct.pack("<i", v))[0], struct.unpack(">q", struct.pack(">q", v))[0])
