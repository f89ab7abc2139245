# keys and items views are set-like: set operators and comparisons
d = {1: "a", 2: "b", 3: "c"}
e = {2: "b", 4: "d"}
print(d.keys() & e.keys(), d.keys() | [9], d.keys() - {1}, d.keys() ^ e.keys())
print({1, 5} & d.keys(), [7] | d.keys(), {2} - d.keys(), (1, 8) ^ d.keys())
print(sorted(d.items() & e.items()), sorted(d.items() - {(1, "a")}))
print(d.keys() == {1, 2, 3}, d.keys() == e.keys(), d.keys() == {1: 0, 2: 0, 3: 0}.keys())
print(d.keys() < {1, 2, 3, 4}, d.keys() <= {1}, {1, 2, 3, 4} > d.keys())
print(d.keys() == [1, 2, 3], d.values() == d.values())
for bad in (lambda: d.values() | {1}, lambda: d.keys() + [1], lambda: d.keys() & 5):
    try:
        bad()
    except TypeError:
        print("TypeError")
