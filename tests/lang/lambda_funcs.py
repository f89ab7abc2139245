# Lambdas as values, defaults, closures and sort keys.
sq = lambda x: x * x
print(sq(7), (lambda: "no args")(), (lambda *a: len(a))(1, 2, 3), (lambda **k: sorted(k))(b=1, a=2))
add = lambda a, b=10: a + b
print(add(1), add(1, 2), add(b=5, a=1))
pairs = [(3, "c"), (1, "a"), (2, "b")]
print(sorted(pairs, key=lambda p: p[1], reverse=True), max(pairs, key=lambda p: -p[0]))
compose = lambda f, g: lambda x: f(g(x))
inc_then_sq = compose(sq, lambda x: x + 1)
print(inc_then_sq(3))
print(list(map(lambda x, y: x * y, [1, 2, 3], [4, 5, 6])), list(filter(lambda s: "a" in s, ["ab", "cd", "ca"])))
fact = lambda n: 1 if n <= 1 else n * fact(n - 1)
print(fact(20))
table = {"+": lambda a, b: a + b, "-": lambda a, b: a - b}
print(table["+"](2, 3), table["-"](2, 3))
print((lambda x: (lambda y: x + y))(10)(5))
print(type(sq).__name__, callable(sq))
