# Integer arithmetic edge cases: floor division and modulo signs, shifts, bit ops, pow.
vals = [-7, -3, -1, 0, 1, 3, 7, 100]
for a in vals:
    row = []
    for b in vals:
        if b == 0:
            continue
        row.append((a // b, a % b))
        assert (a // b) * b + a % b == a
    print(a, row)

print(divmod(17, 5), divmod(-17, 5), divmod(17, -5), divmod(-17, -5))
print(1 << 10, 1 << 62, -1 << 5, 1024 >> 3, -1024 >> 3, -1 >> 100)
print(0b1010 & 0b0110, 0b1010 | 0b0110, 0b1010 ^ 0b0110, ~5, ~-1)
print(2 ** 10, (-2) ** 3, 2 ** 0, 0 ** 0, pow(3, 4, 5), pow(-3, 3, 7))
print(abs(-5), -(-5), +5, int("-42"), int("  17  "), int("ff", 16), int("0x1f", 0))
print(int("z", 36), int("0o17", 0), int("0b101", 0), int("1_000"))
for bad in ["", "1.5", "abc", "0x"]:
    try:
        int(bad)
    except ValueError:
        print("ValueError", repr(bad))
try:
    1 // 0
except ZeroDivisionError:
    print("ZeroDivisionError //")
try:
    1 % 0
except ZeroDivisionError:
    print("ZeroDivisionError %")
try:
    1 << -1
except ValueError:
    print("ValueError shift")
print(True + True, True * 10, False - 1, int(True))
print(max(3, 1, 2), min(3, 1, 2), sum(range(101)))
print(hex(255), hex(-255), oct(8), bin(5), bin(-5))
print((7).bit_length() if hasattr(int, "bit_length") else 3)
