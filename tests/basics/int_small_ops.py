# Small-int operators on the interpreter's fast paths, at the edges where results leave
# the small-int range or the divisor's sign changes the rounding.
vals = [0, 1, -1, 2, -2, 7, -7, 13, -13, 2**30 - 1, -(2**30), 2**31, 2**61, -(2**61), 2**62 - 1, -(2**62)]
shifts = [0, 1, 2, 31, 32, 60, 61, 62, 63, 64, 100]
for a in vals:
    for b in vals:
        print(a * b, end=" ")
        if b:
            print(a // b, a % b, divmod(a, b), end=" ")
        print()
    for s in shifts:
        print(a << s, a >> s)
x = 5
x *= 3
x //= 2
x %= 4
x <<= 62
x >>= 1
print(x)
try:
    1 << -1
except ValueError as e:
    print("ValueError", e)
try:
    1 >> -1
except ValueError as e:
    print("ValueError", e)
try:
    1 // 0
except ZeroDivisionError:
    print("ZeroDivisionError")
try:
    1 % 0
except ZeroDivisionError:
    print("ZeroDivisionError")
