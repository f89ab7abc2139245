# dict operations (insertion order is preserved in both).
d = {"a": 1, "b": 2}
d["c"] = 3
d["a"] = 10
print(sorted(d.items()), len(d), d["b"], d.get("z"), d.get("z", 0), "a" in d, "z" not in d)
print(sorted(d.keys()), sorted(d.values()), sorted(d.items()))
print(d.pop("b"), d.pop("z", "dflt"), sorted(d.items()))
print(d.setdefault("e", 5), d.setdefault("a", 99), sorted(d.items()))
d.update({"f": 6}, g=7)
d.update([("h", 8)])
print(sorted(d.items()))
del d["f"]
print(sorted(d.items()), sorted(d), sorted({k: v for k, v in d.items() if v > 5}.items()))
k, v = d.popitem()
print(type(k).__name__, len(d), k in d)
try:
    d["missing"]
except KeyError as e:
    print("KeyError", e.args)
try:
    {}.popitem()
except KeyError:
    print("KeyError popitem")
print(dict(), dict(a=1), sorted(dict([(1, 2), (3, 4)]).items()), sorted(dict({"x": 1}, y=2).items()), sorted(dict.fromkeys("ab", 0).items()))
e = {1: "int", 1.5: "float", "s": "str", (1, 2): "tuple", None: "none", True: "true?"}
print(e[1], e[1.5], e["s"], e[(1, 2)], e[None], len(e))
print({1: 2} == {1: 2}, {1: 2} == {1: 3}, {1: 2, 3: 4} == {3: 4, 1: 2})
c = d.copy()
c["new"] = 0
print(len(c) - len(d), d.clear(), d)
big = {}
for i in range(1000):
    big[i] = i * i
for i in range(0, 1000, 2):
    del big[i]
print(len(big), big[999], sum(big.values()), sorted(big)[:5])
for key in list(big):
    if key % 3:
        del big[key]
print(len(big), sorted(big)[:4])
