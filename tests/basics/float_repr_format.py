# float repr (shortest round-trip) and %-formatting

for x in (0.0, -0.0, 1.0, 0.1, 0.2 + 0.1, 1 / 3, 2 / 3, 1e15, 1e16, 1.5e16, 123456789012345678.0,
          1e-4, 1e-5, 1.25e-7, 5e-324, 1.7976931348623157e308, 1e22, 1e23, 100.0, 12345.678,
          float("inf"), float("-inf"), float("nan"), 2.0**53, 2.0**63, -2.5e-300):
    print(x, repr(x), str(x))
for x in (0.0, 1.5, -2.25, 1234.5678, 0.000123456, 1e100, 9.9999, 0.5, 2.5, 1e-10):
    print("%e|%.2e|%E|%f|%.0f|%.3f|%g|%.3g|%G|%.10g" % (x, x, x, x, x, x, x, x, x, x))
print("%#.0f %#.0e %#g %#.3g" % (2.0, 3.0, 1.0, 5.0))
print("%.0f %.0f %.0f %.0f" % (0.5, 1.5, 2.5, -0.5))
print("%.20f" % 0.1, "%.17g" % 0.1, "%.25e" % (1 / 3))
print("{:.3f} {:e} {:g} {:.2%}".format(3.14159, 1234.5, 0.00001234, 0.256))
print(format(1e300, ".3g"), format(-1.5, "f"), format(float("nan"), "F"), format(float("inf"), "E"))
