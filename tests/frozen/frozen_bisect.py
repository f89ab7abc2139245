# bisect is frozen into upy; its results must be CPython's.
import bisect

a = [1, 2, 2, 2, 5, 8]
for x in (0, 1, 2, 3, 8, 9):
    print(x, bisect.bisect_left(a, x), bisect.bisect_right(a, x), bisect.bisect(a, x))
print(bisect.bisect_left(a, 2, 2), bisect.bisect_right(a, 2, 0, 3))

b = []
for x in (5, 1, 4, 1, 3, 9, 2):
    bisect.insort(b, x)
print(b)
bisect.insort_left(b, 4)
bisect.insort_right(b, 4.0)
print(b)

pairs = [(1, "a"), (3, "b"), (5, "c")]
print(bisect.bisect_left(pairs, 3, key=lambda p: p[0]))
print(bisect.bisect_right(pairs, 3, key=lambda p: p[0]))
bisect.insort(pairs, (4, "d"), key=lambda p: p[0])
print(pairs)

try:
    bisect.bisect_left(a, 1, -1)
except ValueError as e:
    print("ValueError", e)
