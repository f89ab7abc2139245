# range objects.
r = range(2, 20, 3)
print(list(r), len(r), r[0], r[-1], r[1:3], 5 in r, 6 in r, list(r[::-1]))
print(list(range(5)), list(range(0)), list(range(-3)), list(range(5, 0, -1)), list(range(0, 10, 4)))
print(len(range(0, 100, 7)), len(range(10, 0, -2)), list(range(1, 2)))
try:
    range(1, 2, 0)
except ValueError:
    print("ValueError")
print(sum(range(10 ** 6, 10 ** 6 + 3)), list(range(-5, 5, 5)))
print(r.start, r.stop, r.step)
big = range(0, 10 ** 10, 10 ** 9)
print(len(big), big[5])
try:
    r[100]
except IndexError:
    print("IndexError")
