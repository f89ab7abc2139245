# Deeply nested data and code: the interpreter reports an error or succeeds, never crashes.
print(eval("(" * 40 + "7" + ")" * 40))
print(eval("[" * 30 + "]" * 30))
l = []
for i in range(10000):
    l = [l]
depth = 0
x = l
while x:
    x = x[0]
    depth += 1
print(depth)
try:
    r = repr(l)
    print("repr ok", len(r))
except RuntimeError:
    print("RuntimeError repr")
d = {}
cur = d
for i in range(5000):
    cur["k"] = {}
    cur = cur["k"]
n = 0
cur = d
while cur:
    cur = cur["k"]
    n += 1
print(n)
def nest(k):
    if k == 0:
        return 0
    return nest(k - 1) + 1
for k in (10, 50, 90):
    print(nest(k))
try:
    nest(100000)
except RuntimeError:
    print("RuntimeError deep call")
print(nest(20))
