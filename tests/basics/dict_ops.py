# dict construction, access, methods, order and operators

print(dict(), dict(a=1, b=2), dict([(1, 2), [3, 4]]), dict({1: 2}, x=3), dict(zip("ab", (1, 2))))
d = {"b": 1, "a": 2}
d["c"] = 3
d["b"] = 4
print(d, len(d), list(d), bool(d), bool({}))
print(d["a"], "a" in d, "z" in d, "z" not in d)
try:
    d["z"]
except KeyError as e:
    print("KeyError", e.args)
del d["b"]
print(d)
try:
    del d["b"]
except KeyError as e:
    print("KeyError", e.args)
d["b"] = 5
print(d)
print(d.get("a"), d.get("q"), d.get("q", 0))
print(d.setdefault("a", 9), d.setdefault("n", 9), d.setdefault("m"), d)
print(d.pop("n"), d.pop("n", "dflt"), d)
try:
    d.pop("n")
except KeyError as e:
    print("KeyError", e.args)
print(d.popitem(), d.popitem(), d)
try:
    {}.popitem()
except KeyError:
    print("KeyError popitem")
e = d.copy()
d.clear()
print(d, e)
e.update({"x": 1}, y=2)
e.update([("z", 3)])
e.update(w=4)
print(e)
try:
    e.update([(1, 2, 3)])
except ValueError:
    print("ValueError")
print(dict.fromkeys([1, 2]), dict.fromkeys("ab", 0), {}.fromkeys((3,), [1]))
print({1: 2} == {1: 2}, {1: 2} == {1: 3}, {1: 2} == {2: 1}, {1: 2, 3: 4} == {3: 4, 1: 2}, {} == [])
a = {1: "a", 2: "b"}
b = {2: "B", 3: "C"}
print(a | b, b | a)
a |= b
print(a)
try:
    a | [1]
except TypeError:
    print("TypeError or")
try:
    hash({})
except TypeError:
    print("TypeError hash")
print({True: 1, 1: 2, 1.0: 3})
d = {}
for i in range(100):
    d[i] = i * i
for i in range(0, 100, 3):
    del d[i]
print(len(d), sum(d), sum(d.values()), list(d)[:5], d[98])
for i in range(100, 120):
    d[i] = 0
print(len(d), list(d)[-3:])
d = {}
d[(1, 2)] = 1
d[frozenset([1])] = 2
d[None] = 3
d[1.5] = 4
print(d[(1, 2)], d[frozenset([1])], d[None], d[1.5])
print({i: str(i) for i in range(5)})
nested = {"a": {"b": [1, {"c": ()}]}}
print(nested, nested["a"]["b"][1]["c"])


class Key:
    def __init__(self, v):
        self.v = v

    def __hash__(self):
        return 1

    def __eq__(self, other):
        return self.v == other.v


d = {Key(1): "one", Key(2): "two"}
print(d[Key(1)], d[Key(2)], Key(3) in d)
