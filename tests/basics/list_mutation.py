# containers mutated by the code their own operations call back into
l = list(range(10))
def g():
    while l:
        l.pop()
    yield 1
l[5:8] = g()
print(l)
l = list(range(10))
def h():
    del l[:]
    yield 1
    yield 2
try:
    l[::2] = h()
except ValueError as e:
    print("ValueError")
print(l)
l = [3, 1, 2]
def k(x):
    l.append(0)
    return x
try:
    l.sort(key=k)
except ValueError:
    print("ValueError sort")
print(len(l))
d = {1: 1}
class K:
    def __hash__(self):
        return 1
    def __eq__(self, o):
        d.clear()
        return False
d[K()] = 2
print(len(d))
s = {1}
class S:
    def __hash__(self):
        return 1
    def __eq__(self, o):
        s.clear()
        return False
s.add(S())
print(len(s))
