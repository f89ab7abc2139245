# int(): parsing strings in various bases and converting floats

for s in ("0", "-0", " 12 ", "+7", "-42", "1_000_000", "123456789012345678901234567890", "\t-99\n"):
    print(repr(s), int(s))
for s, base in (("ff", 16), ("0xff", 16), ("0xff", 0), ("0o17", 0), ("0b101", 0), ("z", 36),
                ("101", 2), ("-0b11", 0), ("0", 0), ("00", 0), ("FFFFFFFFFFFFFFFFFFFFFFFF", 16)):
    print(s, base, int(s, base))
for s, base in (("", 10), (" ", 10), ("12a", 10), ("0x", 16), ("08", 0), ("1 2", 10),
                ("2", 2), ("-", 10), ("0b2", 0), ("9", 8)):
    try:
        int(s, base)
    except ValueError:
        print("ValueError", repr(s), base)
for base in (1, 37, -1):
    try:
        int("1", base)
    except ValueError:
        print("ValueError base", base)
print(int(b"123"), int(bytearray(b"-45")))
for f in (0.0, -0.0, 1.9, -1.9, 1e18, -1e19, 1e30, 2.0**100, 123456.789):
    print(f, int(f))
for f in (float("inf"), float("-inf")):
    try:
        int(f)
    except OverflowError:
        print("OverflowError")
try:
    int(float("nan"))
except ValueError:
    print("ValueError")
print(int(), int(True), int(False), int(7))
try:
    int([])
except TypeError:
    print("TypeError")
