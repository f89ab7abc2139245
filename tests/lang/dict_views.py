# dict views: keys/values/items iteration, membership, len, and live updates.
d = {"x": 1, "y": 2}
k = d.keys()
v = d.values()
it = d.items()
print(sorted(k), sorted(v), sorted(it), len(k), "x" in k, ("y", 2) in it, 2 in v)
d["z"] = 3
print(len(k), sorted(k), sorted(v), "z" in k)
del d["x"]
print(len(it), sorted(it))
for key, val in sorted(d.items()):
    print(key, val)
print(list(map(lambda kv: kv[0] * kv[1], sorted(d.items()))))
print(sorted(dict(zip(range(5), "abcde")).values()), sum(d.values()), max(d, key=d.get))
