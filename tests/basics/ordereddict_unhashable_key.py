# OrderedDict keys need only equality: unhashable keys such as lists are kept in order
# (upstream's OrderedDict scans its keys). A plain dict still rejects them.
try:
    from collections import OrderedDict
except ImportError:
    print("SKIP")
    raise SystemExit

d = OrderedDict()
d[1] = "one"
d["b"] = 2
for i in range(20):
    d[i * 10] = i
print(list(d.keys())[:5], len(d))
print(d[1], d[190], 55 in d, 50 in d)
del d[50]
print(50 in d, len(d))
e = d.copy()
print(type(e).__name__, e == d, len(e))
try:
    {}[[1]] = 2
except TypeError:
    print("dict: TypeError")
o = OrderedDict()
o[[1, 2]] = "list key"
o[:3] = "slice key"
print(o[[1, 2]], list(o.values()))
o[[1, 2]] = "replaced"
print(len(o), o[[1, 2]])
