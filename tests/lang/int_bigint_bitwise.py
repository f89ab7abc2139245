# Bitwise operations on big ints, including negative values (two's complement semantics).
a = 2 ** 70 + 12345
b = -(2 ** 68) - 777
small = [0, 1, -1, 255, -256, 2 ** 31, -(2 ** 31)]
for x in [a, b, -a, 2 ** 64 - 1, -(2 ** 64)]:
    row = []
    for y in small + [a, b]:
        row.append((x & y, x | y, x ^ y))
    print(x, sum(p[0] + 2 * p[1] + 3 * p[2] for p in row), row[3], row[4])
print(~a, ~b, ~(2 ** 64), -a >> 1, -a >> 69, -a >> 200, b >> 68, b << 3)
print(a & -a, (a - 1) & a, b & 0xFFFFFFFF, b % 2 ** 32, (b & 0xFFFFFFFF) == b % 2 ** 32)
print((-1) & a == a, (-1) | a, 0 ^ b == b, a ^ a, b ^ -1 == ~b)
m = 0
for i in range(0, 200, 7):
    m |= 1 << i
print(m, bin(m).count("1"), m & (m - 1) != 0, (m >> 190) & 0xFF)
