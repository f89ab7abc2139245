# list.index with ranges, count, insert at edges, negative-step slicing and slice copies.
l = [5, 3, 5, 1, 5, 9]
print(l.index(5), l.index(5, 1), l.index(5, 3, 5), l.index(9, -2), l.count(5), l.count(7))
try:
    l.index(5, 5)
except ValueError:
    print("ValueError")
print(l[::-1], l[-2::-2], l[4:1:-1], l[10:0:-3], l[:], l[:] is not l, l[1:-1])
c = l[:]
c[0] = 99
print(l[0], c[0])
nested = [[1, 2], [3]]
shallow = nested[:]
shallow[0].append(9)
print(nested)
x = list(range(10))
x[0] = "a"
x[2:8] = []
print(x)
x[len(x):] = [100, 200]
x[:0] = ["start"]
print(x)
print([1, 2, 3] * 0, [] * 5, [[0]] * 2 == [[0], [0]], [1, [2, [3]]] == [1, [2, [3]]])
