# collections.namedtuple: construction, fields, tuple behaviour
from collections import namedtuple

P = namedtuple("P", ["x", "y"])
p = P(1, 2)
q = P(y=4, x=3)
print(p, q, P(5, y=6))
print(p.x, p.y, p[0], p[-1], len(p), list(p))
print(isinstance(p, tuple), p == (1, 2), (1, 2) == p, p == q)
print(p + (9,), p * 2, p[:1], 2 in p)
print(hash(p) == hash((1, 2)))
x, y = q
print(x, y)

S = namedtuple("S", "a b c")
print(S(1, 2, 3))
T = namedtuple("T", ("one",))
print(T("x"))
E = namedtuple("E", [])
print(E(), len(E()))

for args, kw in (((1,), {}), ((1, 2, 3), {}), ((1,), {"x": 2}), ((1,), {"z": 2})):
    try:
        P(*args, **kw)
    except TypeError:
        print("TypeError")
try:
    p.x = 5
except AttributeError:
    print("AttributeError")
try:
    p[0] = 5
except TypeError:
    print("TypeError")


class Q(P):
    def total(self):
        return self.x + self.y


print(Q(3, 4).total(), Q(3, 4).x)
