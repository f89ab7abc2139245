# __len__/__bool__ truthiness, __eq__/__hash__ in containers, default identity equality.
class L:
    def __len__(self):
        return 0
class B:
    def __len__(self):
        return 5
    def __bool__(self):
        return False
class N:
    pass
print(bool(L()), bool(B()), not L(), bool(N()), "yes" if B() else "no")
class Eq:
    def __init__(self, v):
        self.v = v
    def __eq__(self, o):
        return isinstance(o, Eq) and self.v == o.v
    def __hash__(self):
        return hash(self.v)
print(Eq(1) in [Eq(0), Eq(1)], [Eq(2)].index(Eq(2)), [Eq(1), Eq(1)].count(Eq(1)), {Eq(3): "x"}[Eq(3)])
print(Eq(1) == Eq(1), Eq(1) != Eq(2), Eq(1) == 1, len({Eq(1), Eq(1), Eq(2)}))
p = N()
print({p: 1}[p], p == p, p != N(), p in [N(), p], [N()].count(p))
class Seq:
    def __init__(self, *items):
        self.items = items
    def __len__(self):
        return len(self.items)
    def __getitem__(self, i):
        return self.items[i]
s = Seq(1, 2, 3)
print(len(s), list(s), 2 in s, bool(Seq()), sorted(Seq(3, 1, 2)))
