# Float arithmetic and formatting of results that print identically in both interpreters.
print(0.1 + 0.2 == 0.3, abs((0.1 + 0.2) - 0.3) < 1e-9)
print(1.5 + 2, 3 * 0.5, 7 / 2, 7 // 2.0, 7 % 2.5, -7 % 2.5, -7 // 2.0)
print(divmod(7.5, 2), divmod(-7.5, 2))
print(2.0 ** 10, 2 ** -1, 4 ** 0.5, (-8) ** 2.0)
print(float("1.5"), float("-0.25"), float("  3  "), float("1e3"), float("inf"), float("-inf"))
print(float("nan") != float("nan"), 1e308 * 10, -1e308 * 10)
print(int(3.9), int(-3.9), round(2.5), round(3.5), round(-2.5), round(1.25, 1), round(7.0))
print(1.0 == 1, 1.5 > 1, hash(1.0) == hash(1), 0.0 == -0.0)
print(abs(-2.5), max(1.5, 2), min(-0.5, 0))
print(float(10), float(-3), float(True))
print(1 / 4, 3 / 8, 1e-3, 1e22, 123.0, -0.0)
print(str(2.5), repr(0.5), "%s" % 1.25, "{}".format(0.75))
try:
    1.0 / 0
except ZeroDivisionError:
    print("ZeroDivisionError")
try:
    float("abc")
except ValueError:
    print("ValueError")
print((1.5).is_integer() if hasattr(float, "is_integer") else False)
