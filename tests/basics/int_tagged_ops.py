# The interpreter's inline small-int paths for + - & | ^ and comparisons, at the edges of
# the small-int range (31-bit on 32-bit boards, 63-bit on 64-bit hosts) and with operands
# that must take the general path (bools, floats, big ints).
edges = [0, 1, -1, 5, -5, 2**29, 2**30 - 1, -(2**30), 2**30, 2**61, 2**62 - 1, -(2**62), 2**62, 2**64]
for a in edges:
    for b in edges:
        print(a + b, a - b, a & b, a | b, a ^ b, a < b, a > b, a == b, a <= b, a >= b, a != b)
        x = a
        x += b
        y = a
        y -= b
        z = a
        z &= b
        w = a
        w |= b
        v = a
        v ^= b
        print(x, y, z, w, v)
for other in [True, False, 2.5, -1.0]:
    for a in [0, 1, -3, 2**62 - 1]:
        print(a + other, a - other, other + a, other - a, a < other, a == other, other >= a)
print(True & 1, True | 2, False ^ 3, 3 & True)
try:
    1 + "a"
except TypeError:
    print("TypeError")
try:
    "a" < 1
except TypeError:
    print("TypeError")
# A loop counter crossing the 32-bit small-int limit keeps counting.
n = 2**30 - 3
for i in range(6):
    n = n + 1
print(n, n - 2**30)
# Constants of one to five bytes in the bytecode, both signs.
print(0, 63, -64, 64, -65, 8191, -8192, 8192, 0xFFFF, 100000, -100000, 2**20, -(2**20))
print(2**27 - 1, -(2**27), 2**27, 2**29, -(2**29), 2**30 - 1, -(2**30), 2**31 - 1, -(2**31))
