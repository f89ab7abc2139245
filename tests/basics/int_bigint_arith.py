# arbitrary-precision ints: promotion from small ints, arithmetic, normalisation back

a = 2**62
print(a, a - 1, -a, -a - 1)
print(a * a, a * a // a == a)
b = 123456789012345678901234567890
c = -98765432109876543210
for x, y in ((b, c), (c, b), (b, 7), (-b, 7), (b, -7), (7, b), (-7, b)):
    print(x + y, x - y, x * y)
    print(x // y, x % y, divmod(x, y))
print(b**3)
print((-3) ** 41, 3**80)
t, u = 10**30, 10**29
print(b / c, t / u, (t**14) / (u**14 * 10))
print(2**-3, (-2) ** -3)
print(1 << 100, (1 << 100) >> 99, -(1 << 100) >> 99, -1 >> 200)
print(b & c, b | c, b ^ c, ~b, ~c)
print(b & 0xFFFF, -b & 0xFFFF, b | 1, -b ^ 5)
print(abs(c), abs(-b), +c)
print(b == b + 0, b != c, b < c, c < b, b <= b, c >= b)
print(b > 5, 5 < b, c < -5)
print((b - b) == 0, type(b - b + 1), type(a * 2 // 2 - 1))
print(bool(b), bool(b - b))
print(pow(3, 1000, 10**9 + 7), pow(b, c * -1, 1000003))
print(sum([2**64] * 4), max(b, c), min(b, c))
print(int(b), int(str(c)), str(b), repr(c))
print(hex(b), oct(c), bin(2**70))
print(hash(2**70) == hash(2.0**70), hash(12345) == hash(12345.0))
s = 0
for i in range(100):
    s += 3**i
print(s, s % 1000)
for e in (ZeroDivisionError,):
    for f in (lambda: b // 0, lambda: b % 0, lambda: divmod(b, 0), lambda: b / 0):
        try:
            f()
        except e:
            print("ZeroDivisionError")
try:
    b << -1
except ValueError:
    print("ValueError")
try:
    1 >> -b
except ValueError:
    print("ValueError")
