# Single-precision floats as MicroPython's float32 boards print and read them; the expected
# output (float32.py.exp) is what MicroPython's own mps2-an385 (qemu) firmware prints.
import math
import struct

for v in (0.1, 1 / 3, 2 / 3, 1e10, 1e-5, 123456789.0, 16777217.0, 3.14159, 1e16, 1e38, 1e-38, 1e-45,
          12345.678, 2.675, 99.9, 8.888e32, 1234567.0, 0.0001234, -0.0, float("inf"), float("nan")):
    print(repr(v), "%.3f" % v, "{:g}".format(v), "%e" % v, "{:.10f}".format(v), "%.12g" % v)
for v in (1.0, 1 / 3, 1e-10, 123.456, 1e30):
    print("%.0f %.5f %.20f %.30f|%.0e %.9e|%.1g %.15g %G" % (v, v, v, v, v, v, v, v, v))
    print("{} {:10} {:<12.3} {:^14.2%} {:+f} {: g} {:010.3f} {:,.2f}".format(v, v, v, v, v, v, v, v))
    print(-v, "%.25f" % -v, "{:.20e}".format(-v), str(-v * 1e20))
for s in ("0.1", "1.0000001", "3.14159265358979323846", "123456789012345678901234567890", "1e-40",
          "1e39", "9999999.5", "16777217", "1_000.5", " -2.5e3 ", "3.4028235e38", "1.4e-45", "7e-46",
          "0.00000123456789", "1.00000011920928955078125", ".5", "5.", "-.0", "+inf", "1e+05"):
    print(s, float(s), complex(s + "j"))
for v in (1.5, 2.5, -2.5, 0.125, 2.675, 1.005, 123.456, 1e20):
    print(round(v), round(v, 1), round(v, 2), round(v, -1))
print(round(1.5, 50), [int(v) for v in (1e10, 1e20, 1e30, 2.0 ** 40, -3.7e15)])
for n in (7, 16777216, 2 ** 31 - 1, 2 ** 53 + 1, 10 ** 20, -10 ** 30):
    print(n, float(n), n / 7, n + 0.5, int(float(n)))
print(0.1 * 3, 0.1 + 0.2, 1e38 * 10, 1e-45 / 2, 10 / 3, 7.5 // 2, -7.5 % 2, divmod(10.1, 3), 2 ** 0.5)
print(sum([0.1] * 100), 1.0 == 1, hash(1.0), hash(0.5) == hash(0.5), float(2 ** 100), 2 ** 100 / 3)
for f in ("sqrt", "exp", "log", "cos", "atan", "log10", "log2", "sinh", "cosh", "tanh", "gamma", "lgamma",
          "erf", "erfc", "expm1", "asinh", "acosh", "atanh", "degrees"):
    out = []
    for x in (-2.5, 0.5, 1.5, 3.7, 10.0, 88.0, 1e10):
        try:
            out.append(repr(getattr(math, f)(x)))
        except (ValueError, OverflowError) as e:
            out.append(type(e).__name__)
    print(f, " ".join(out))
print(math.pi, math.e, math.pow(2, 0.5), math.atan2(1, 2), math.fmod(10.5, 3), math.frexp(10.5),
      math.modf(-2.5), math.ldexp(1.5, 10), math.isclose(1.0, 1.0000001))
for z in (1 + 1j, -2 + 0.5j, 3j):
    print(z, abs(z), z ** 2, 1 / z, z ** z, (1 + 2j) / z)
for v in (1 / 3, 1e24, 123.456, 2.5):  # a sign leaves upstream's 33-byte buffer a byte less
    print("%.29f|%.29f|{:.24e}|{:+.31f}".format(-v, v) % (v, -v))
print(struct.pack("<d", 0.1), struct.unpack("<d", struct.pack("<d", 1 / 3)), struct.pack("<f", 0.1))
# Trigonometry without doubles: large arguments (exact reduction) and near multiples of pi/2.
for f in ("sin", "cos", "tan"):
    print(f, " ".join(repr(getattr(math, f)(x)) for x in (0.3, -0.75, 1.5, 3.7, 100.0, 12345.0, 1e10, 1e30, 4.712389)))
print("asin", " ".join(repr(math.asin(x)) for x in (-0.99, -0.75, -0.3, 0.0001, 0.3, 0.5, 0.7, 0.98)))
# Just below a power of ten 'f' turns into 'g' only where upstream's buffer overflows.
for b in (0x42C7FFFF, 0x4479FFFF):
    x = struct.unpack("<f", struct.pack("<I", b))[0]
    print("%.30f|%.29f|%.28f|{:.29f}".format(-x) % (x, x, -x))
