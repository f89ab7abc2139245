# uctypes: reading and writing fields of a buffer through descriptors (MicroPython only;
# the .exp file is checked against upstream's unix build).
import uctypes

buf = bytearray(range(16))
addr = uctypes.addressof(buf)

desc = {
    "u8": uctypes.UINT8 | 0,
    "i8": uctypes.INT8 | 15,
    "u16": uctypes.UINT16 | 2,
    "i32": uctypes.INT32 | 4,
    "u64": uctypes.UINT64 | 8,
    "bf_lo": uctypes.BFUINT8 | 1 | 0 << uctypes.BF_POS | 3 << uctypes.BF_LEN,
    "bf_hi": uctypes.BFUINT16 | 2 | 9 << uctypes.BF_POS | 5 << uctypes.BF_LEN,
    "inner": (4, {"a": uctypes.UINT8 | 0, "b": uctypes.UINT16 | 1}),
    "bytes4": (uctypes.ARRAY | 12, uctypes.UINT8 | 4),
    "words": (uctypes.ARRAY | 0, uctypes.UINT16 | 4),
    "recs": (uctypes.ARRAY | 0, 3, {"x": uctypes.UINT8 | 0, "y": uctypes.INT8 | 1}),
}

for layout in ("LITTLE_ENDIAN", "BIG_ENDIAN"):
    buf[:] = bytes(range(16))
    buf[15] = 0xFE
    s = uctypes.struct(addr, desc, getattr(uctypes, layout))
    print(layout, uctypes.sizeof(s))
    print(s.u8, s.i8, hex(s.u16), hex(s.i32), hex(s.u64))
    print(s.bf_lo, s.bf_hi, s.inner.a, hex(s.inner.b))
    print(s.bytes4, [hex(s.words[i]) for i in range(4)])
    print([(s.recs[i].x, s.recs[i].y) for i in range(3)])
    s.u16 = 0xABCD
    s.i32 = -2
    s.bf_lo = 7
    s.bf_hi = 0x1F
    s.words[3] = 0x1234
    s.recs[2].y = -1
    s.u64 = 1 << 63
    s.bytes4[0] = 0x55
    print(buf)
    try:
        s.words[4]
    except IndexError as e:
        print("IndexError", e)

# sizeof with layouts and alignment
d = {"a": uctypes.UINT8 | 0, "b": uctypes.UINT32 | 4, "c": uctypes.UINT8 | 8}
print(uctypes.sizeof(d), uctypes.sizeof(d, uctypes.LITTLE_ENDIAN), uctypes.sizeof({}))
print(uctypes.sizeof((uctypes.ARRAY | 0, uctypes.INT16 | 5)))
print(uctypes.sizeof((uctypes.ARRAY | 0, 2, {"q": uctypes.UINT64 | 0})))
print(uctypes.sizeof({"f": uctypes.FLOAT32 | 0, "d": uctypes.FLOAT64 | 8}))

# floats
fbuf = bytearray(12)
f = uctypes.struct(uctypes.addressof(fbuf), {"f": uctypes.FLOAT32 | 0, "d": uctypes.FLOAT64 | 4}, uctypes.LITTLE_ENDIAN)
f.f = 1.5
f.d = -0.25
print(fbuf, f.f, f.d)

# pointers
target = b"\x10\x20\x30\x40"
pbuf = bytearray(uctypes.addressof(target).to_bytes(uctypes.sizeof({"p": (uctypes.PTR | 0, uctypes.UINT8)}), "little"))
p = uctypes.struct(uctypes.addressof(pbuf), {"p": (uctypes.PTR | 0, uctypes.UINT8), "q": (uctypes.PTR | 0, {"v": uctypes.UINT16 | 0})}, uctypes.LITTLE_ENDIAN)
print(int(p.p) == uctypes.addressof(target), p.p[0], p.p[3], hex(p.q[0].v), hex(p.q[1].v))

# raw memory helpers
print(uctypes.bytes_at(addr, 3), uctypes.bytearray_at(addr + 1, 2))
ba = uctypes.bytearray_at(addr, 2)
ba[0] = 99
print(buf[0], uctypes.addressof(ba) == addr)

# errors
s = uctypes.struct(addr, desc)
for bad in (lambda: s[0], lambda: setattr(s, "inner", 1), lambda: uctypes.sizeof(s.u8),
            lambda: uctypes.sizeof(("x",)), lambda: uctypes.struct(addr, [1]).x, lambda: hash(s)):
    try:
        bad()
    except TypeError as e:
        print("TypeError", e)
try:
    s.missing
except KeyError:
    print("KeyError")
print(uctypes.struct(0, {}), uctypes.struct(16, (uctypes.ARRAY | 0, uctypes.UINT8 | 1)))
