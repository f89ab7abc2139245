# Arbitrary-precision integers: overflow from small ints, arithmetic, conversions.
a = 2 ** 64
b = 3 ** 40
print(a, b, a + b, a - b, b - a, a * b)
print(a // 7, a % 7, -a // 7, -a % 7, divmod(b, 12345))
print(a >> 10, a << 10, -a >> 3, a & (b - 1), a | b, a ^ b)
f = 1
for i in range(1, 31):
    f *= i
print("30!", f)
print(f // (2 ** 26), f % 1000003)
x = 1 << 100
print(x, x - 1, hex(x), bin(x - 1).count("1"))
print(int("123456789012345678901234567890") * 2)
print(int("-ffffffffffffffffffff", 16))
print(str(10 ** 30), len(str(10 ** 50)))
print(10 ** 30 == 10 ** 30, 10 ** 30 < 10 ** 31, -10 ** 30 < 5, 2 ** 65 > 2 ** 64)
print(hash(2 ** 70) == hash(2 ** 70))
print(pow(2, 100, 1000007), pow(12345678901234567890, 3, 99))
print(abs(-(10 ** 25)), -(10 ** 25))
# A small int that overflows on multiplication then shrinks back.
y = (2 ** 40) * (2 ** 40) // (2 ** 70)
print(y, type(y).__name__)
s = 0
for i in range(200):
    s += i * 10 ** 18
print(s)
print(int(1e20), int(-1.5e19))
print((10 ** 20) // 3.0 > 0, 2 ** 64 / 2 ** 32)
