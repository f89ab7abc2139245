# float <-> text on many values: repr round-trips and is shortest, %-formats are correctly
# rounded, float() is correctly rounded (halfway cases included); compared with CPython
# through a checksum of every string, with a few printed in full.
import struct


def from_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def bits_of(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


state = 0x2545F4914F6CDD1D


def rand64():
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
    return state


def checksum(strings):
    h = 0
    for s in strings:
        for c in s:
            h = (h * 31 + ord(c)) & 0x3FFFFFFF
    return h


values = [from_bits(rand64() & 0x7FFFFFFFFFFFFFFF) for _ in range(1500)]
values += [from_bits(i) for i in range(1, 40)]  # subnormals
values += [from_bits(0x7FEFFFFFFFFFFFFF - i) for i in range(40)]  # near the largest
values += [from_bits(0x0010000000000000 + i - 20) for i in range(40)]  # normal boundary
values += [i / 7 for i in range(1, 200)] + [float("1e%d" % i) for i in range(-30, 30)]
values = [v for v in values if v == v and v not in (float("inf"),)]

bad = [v for v in values if float(repr(v)) != v]
print("round trips:", len(values) - len(bad), "of", len(values))
print("repr", checksum(repr(v) for v in values))
for f in ("%.17g", "%.3e", "%.10f", "%g", "%.0e", "%.25e", "%.1f"):
    print(f, checksum(f % v for v in values if f[-1] != "f" or v < 1e20))

# Parsing: long expansions of each value, and exact halfway points between neighbours
# (ties to even) with and without a digit beyond.
print("parse", checksum(repr(float("%.25e" % v)) for v in values))
print("parse long", checksum(repr(float("%.40e" % v)) for v in values[:300]))
for text in ("9007199254740993", "9007199254740993.0000000000000000001", "9007199254740995",
             "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623158e308",
             "1.7976931348623159e308", "1e23", "8.98846567431158e307", "0.1e-400", "1e-400",
             "123456789012345678901234567890e-20", "0." + "0" * 330 + "5", "1" + "0" * 400 + "e-400",
             "2.2250738585072011e-308", "2.2250738585072012e-308", "4.9406564584124654e-324",
             "1_000.000_1", "  -3.5e+2  ", ".5", "5.", "1E5"):
    print(text[:40], repr(float(text)))
for x in (0.5, 1.5, 2.5, 0.125, 0.375, 2.675, 1.005, 1e22, 5e-324):
    print("%.0f %.2f %.1e" % (x, x, x), round(x, 2), round(x, 1), round(-x, 2))
