# range: printing, len, indexing, slicing, membership, equality, iteration

print(range(5), range(1, 5), range(1, 10, 2), range(10, 0, -1), range(0))
for r in (range(5), range(2, 8), range(1, 10, 3), range(10, 0, -3), range(5, 5), range(5, 0), range(0, -5, -1)):
    print(r, len(r), list(r), bool(r))
r = range(3, 30, 4)
print(r[0], r[-1], r[2], r.start, r.stop, r.step)
try:
    r[10]
except IndexError:
    print("IndexError")
print(r[1:3], r[::-1], r[::2], r[5:1:-2], r[100:], list(r[::-1]))
print(range(10)[::-1], range(10)[2:], range(0, 10, 3)[1:], range(10, 0, -2)[::-1])
print(7 in r, 8 in r, 31 in r, 3 in r, -1 in range(0, -5, -1), 4.0 in range(5), "a" in range(3))
print(range(0) == range(5, 2), range(0, 5) == range(5), range(1, 2, 5) == range(1, 3, 7), range(3) == range(4))
print(list(reversed(range(5))), list(reversed(range(1, 10, 3))), list(reversed(range(0))))
try:
    range(1, 2, 0)
except ValueError:
    print("ValueError")
try:
    range(1.5)
except TypeError:
    print("TypeError")
total = 0
for i in range(1000):
    total += i
print(total, sum(range(101)), max(range(7)), min(range(3, 9)))
print(list(range(-3, 3)), list(range(3, -3, -2)))
print(list(enumerate(range(3), 10)))
