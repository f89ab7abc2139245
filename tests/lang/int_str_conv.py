# Conversions between int and str in various bases, including big values.
for n in [0, 1, -1, 255, -256, 2 ** 31, 2 ** 63 - 1, -(2 ** 63), 2 ** 100]:
    s = str(n)
    assert int(s) == n
    print(s, hex(n), oct(n), bin(n)[:20], int(hex(n), 16) == n, int(bin(n), 0) == n)
for base in [2, 8, 10, 16, 36]:
    print(base, int("101", base), int("-11", base))
print(int("0" * 50 + "1"), int("9" * 40) + 1 == 10 ** 40, int("+5"), int("-0"))
print(repr(123), "%d %5d %-5d| %+d %x %X %o" % (7, 42, 42, 3, 255, 255, 8))
print("{:d} {:6d} {:<6d}| {:^7d} {:06d} {:x} {:#x} {:b}".format(1, 2, 3, 4, -5, 254, 254, 6))
print(str(-0), int(" 12\n"), int(12.9), int(-12.9), int(True), int("1" * 25))
