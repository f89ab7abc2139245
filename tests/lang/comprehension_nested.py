# List, dict, set comprehensions and generator expressions.
print([x * x for x in range(6)])
print([x for x in range(20) if x % 3 == 0 if x % 2 == 0])
print([(x, y) for x in range(3) for y in range(x)])
print([[y for y in range(x)] for x in range(4)])
print({x: x ** 2 for x in range(5)})
print(sorted({c for c in "hello"}))
print(sum(x for x in range(101)), max(len(w) for w in ["a", "abc", "ab"]))
g = (i * 2 for i in range(3))
print(next(g), list(g), list(g))
x = "outer"
print([x for x in "ab"], x)
n = 10
print([n + i for i in range(3)])
def f(k):
    return [k * i for i in range(k)]
print(f(3))
matrix = [[1, 2, 3], [4, 5, 6]]
print([[row[i] for row in matrix] for i in range(3)])
print([v for row in matrix for v in row if v != 4])
print(list(zip(*matrix)), dict(zip("abc", range(3))))
print([(i, j) for i, j in enumerate("xy", 1)])
