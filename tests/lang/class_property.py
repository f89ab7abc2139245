# property, classmethod, staticmethod.
class Temp:
    def __init__(self):
        self._c = 0
    @property
    def c(self):
        return self._c
    @c.setter
    def c(self, v):
        if v < -273:
            raise ValueError("too cold")
        self._c = v
    @c.deleter
    def c(self):
        self._c = None
    @property
    def f(self):
        return self._c * 9 // 5 + 32
t = Temp()
t.c = 100
print(t.c, t.f)
try:
    t.c = -300
except ValueError as e:
    print("ValueError", e)
try:
    t.f = 1
except AttributeError:
    print("AttributeError")
del t.c
print(t.c)

class P:
    def get(self):
        return 1
    x = property(get)
print(P().x)

class K:
    n = 0
    @classmethod
    def make(cls, v):
        obj = cls()
        obj.v = v
        cls.n += 1
        return obj
    @staticmethod
    def add(a, b):
        return a + b
class K2(K):
    pass
k = K2.make(5)
print(type(k).__name__, k.v, K2.n, K.n, K.add(1, 2), k.add(3, 4), K2.add(5, 6))
print(K.make(1).v, K.n)
