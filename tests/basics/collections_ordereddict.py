# collections.OrderedDict: insertion order, deletion, popitem and ordered equality
from collections import OrderedDict

d = OrderedDict([("z", 1), ("a", 2)])
d["m"] = 3
print(list(d.items()), len(d), d["a"], "z" in d)
del d["z"]
d["z"] = 4
print(list(d.keys()), list(d.values()))
print(d.popitem(), list(d.items()))
print(isinstance(d, dict))

x = OrderedDict()
y = OrderedDict()
x["a"] = 1
x["b"] = 2
y["b"] = 2
y["a"] = 1
print(x == y, x == OrderedDict([("a", 1), ("b", 2)]))
print(OrderedDict(a=1) == OrderedDict(a=1))
