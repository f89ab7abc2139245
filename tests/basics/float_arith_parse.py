# float arithmetic, mixed with ints, floor division and modulo signs, parsing

print(1.5 + 2, 2 + 1.5, 1.5 - 3, 3 - 1.5, 2.5 * 4, 4 * 2.5, 7.5 / 2, 7 / 2.5)
for x, y in ((7.5, 2), (-7.5, 2), (7.5, -2), (-7.5, -2), (0.0, 3), (-0.0, 3), (1e308, 1e-308), (5, 0.75)):
    print(x // y, x % y, divmod(x, y))
print(2.0**10, 2**0.5, (-8.0) ** 3, 4**-0.5, 0.0**0, 1.0**float("nan"))
print(10**20 * 1.0, 2**70 + 0.5, float(2**70), float(-(10**30)))
print(1.0 == 1, 1 == 1.0, 2**53 + 1 == 2.0**53, 2**53 + 1 > 2.0**53, 2.0**53 < 2**53 + 1)
print(0.1 + 0.2 == 0.3, float("nan") == float("nan"), float("nan") != float("nan"))
print(1e400 > 10**300, -1e400 < -(10**300), 10**400 < float("inf"))
print(abs(-2.5), -(-0.0), +1.5, bool(0.0), bool(-0.0), bool(1e-300))
print(hash(1.0) == hash(1), hash(-2.0) == hash(-2), hash(0.5) == hash(0.5))
for s in ("1", " 1.5 ", "-2.5e3", "1_000.5", ".5", "5.", "1e-3", "+inf", "-Infinity", "nan",
          "1e500", "-1e-500", "0x10" if False else "16", "1.7976931348623157e308", "4.9e-324"):
    print(repr(s), float(s))
for s in ("", " ", "abc", "1e", "1.5x", ".", "e5", "1 2", "--1", "infx", "1e+"):
    try:
        float(s)
    except ValueError:
        print("ValueError", repr(s))
print(float(), float(3), float(-(2**100)), float(True), float(b"2.5"))
for f in (lambda: 1.0 / 0, lambda: 1.0 // 0, lambda: 1.0 % 0, lambda: divmod(1.0, 0), lambda: 0.0**-1):
    try:
        f()
    except ZeroDivisionError:
        print("ZeroDivisionError")
try:
    float([])
except TypeError:
    print("TypeError")
print(round(2.5), round(3.5), round(-2.5), round(0.125, 2), round(2.675, 2), round(1234.5, -2))
print(round(1e300, 2), round(-0.4), round(5, -1), round(15, -1), round(25, -1), round(12345, -2))
print(type(round(2.5)), type(round(2.5, 0)), round(7, 3))
