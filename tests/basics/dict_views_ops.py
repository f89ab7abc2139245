# dict views: printing, iteration, len, membership

d = {3: "c", 1: "a", 2: "b"}
print(d.keys(), d.values(), d.items())
print(list(d.keys()), list(d.values()), list(d.items()))
print(len(d.keys()), len(d.values()), len(d.items()))
print(1 in d.keys(), 5 in d.keys(), "a" in d.values(), "z" in d.values())
print((1, "a") in d.items(), (1, "b") in d.items(), 1 in d.items())
k = d.keys()
d[4] = "d"
print(k, len(k))
for key, value in d.items():
    print(key, value)
print({}.keys(), {}.values(), {}.items())
print(sorted(d.values()), max(d.keys()), sum(d.keys()))
try:
    d.keys() + 1
except TypeError:
    print("TypeError")
try:
    hash(d.keys())
except TypeError:
    print("TypeError hash keys")
it = iter(d)
print(next(it), next(it))
print([k for k in d], [v for v in d.values()])
