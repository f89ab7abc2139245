# Deep recursion raises RuntimeError (RecursionError in CPython is a subclass) and the
# interpreter stays usable afterwards.
def down(n):
    return down(n + 1)
try:
    down(0)
except RuntimeError:
    print("RuntimeError caught")
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
print(depth(100))
l = []
for i in range(100):
    l = [l]
d = 0
while l:
    l = l[0]
    d += 1
print(d)
def mutual_a(n):
    return "a" if n == 0 else mutual_b(n - 1)
def mutual_b(n):
    return "b" if n == 0 else mutual_a(n - 1)
print(mutual_a(101), mutual_a(100))
