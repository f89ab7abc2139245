# Class definition basics: attributes, instances, __class__, type(), methods bound and unbound.
class A:
    """doc"""
    x = 1
    def m(self, y):
        return self.x + y
a = A()
print(type(a) is A, a.__class__ is A, type(A).__name__, A.__name__, a.m(2), A.m(a, 3))
f = a.m
print(f(10))
a.x = 100
print(a.x, A.x, a.m(1))
A.x = 5
print(A().x, a.x)
def extra(self):
    return "extra " + str(self.x)
A.extra = extra
print(a.extra(), A().extra())
B = type("B", (A,), {"y": 2})
b = B()
print(b.y, b.x, isinstance(b, A), B.__name__)
class E:
    pass
print(E() != E(), isinstance(E(), object), callable(E), callable(E()))
class WithNew:
    def __new__(cls, v):
        obj = super().__new__(cls)
        obj.v = v * 10
        return obj
    def __init__(self, v):
        self.w = v
w = WithNew(3)
print(w.v, w.w)
class Single:
    _inst = None
    def __new__(cls):
        if cls._inst is None:
            cls._inst = object.__new__(cls)
        return cls._inst
print(Single() is Single())
class Slots:
    def __init__(self):
        self.items = []
s1, s2 = Slots(), Slots()
s1.items.append(1)
print(s1.items, s2.items)
class Mutable:
    shared = []
Mutable().shared.append(1)
print(Mutable.shared)
