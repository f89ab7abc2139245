# Truthiness, boolean operators, chained and identity comparisons.
for v in [0, 1, -1, 0.0, 0.5, "", "a", [], [0], (), {}, {0: 0}, set(), None, True, False, range(0), b""]:
    print(repr(v), bool(v), not v)
print(1 and 2, 0 and 2, 1 or 2, 0 or 2, None or "x", "" and "y", [] or [] or 0)
print(1 < 2 < 3, 1 < 3 < 2, 3 > 2 > 1 > 0, 1 == 1.0 == True, 1 < 2 > 0, 2 != 2 == 2)
calls = []
def v(x):
    calls.append(x)
    return x
print(v(1) < v(0) < v(5), calls)
calls.clear()
print(v(0) and v(1), v(1) or v(2), calls)
a = [1]
b = a
print(a is b, a is not [1], a == [1], None is None, type(None).__name__)
print(True + 1, True == 1, False < True, True * 3)
x = 5
print("big" if x > 3 else "small", "a" if "" else "b", (1 if x else 2) + 1)
print(not 1 == 2, not (1 and 0), 2 in [1, 2] in [[1, 2]])
n = 0
while n < 3:
    n += 1
else:
    print("while else", n)
for i in range(3):
    if i == 5:
        break
else:
    print("for else ran")
for i in range(3):
    if i == 1:
        break
else:
    print("not printed")
print("done", i)
