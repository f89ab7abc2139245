# Single and multiple inheritance, method resolution order, super().
class A:
    def who(self):
        return "A"
    def chain(self):
        return ["A"]
class B(A):
    def who(self):
        return "B>" + super().who()
    def chain(self):
        return ["B"] + super().chain()
class C(A):
    def who(self):
        return "C>" + super().who()
    def chain(self):
        return ["C"] + super().chain()
class Mixin:
    def mix(self):
        return "mix:" + self.who()
    def chain(self):
        return ["Mixin"]
class D(B, Mixin):
    def chain(self):
        return ["D"] + super().chain()
d = D()
print(d.who(), d.chain(), d.mix(), C().who(), C().chain())
print(isinstance(d, A), isinstance(d, Mixin), issubclass(D, B), issubclass(B, C), issubclass(D, (int, Mixin)))
class L:
    def f(self):
        return "L"
class R:
    def f(self):
        return "R"
    def g(self):
        return "R.g"
class LR(L, R):
    pass
class RL(R, L):
    pass
print(LR().f(), RL().f(), LR().g())

class Base:
    def __init__(self, x):
        self.x = x
        self.log = ["Base"]
class Child(Base):
    def __init__(self, x, y):
        super().__init__(x)
        self.y = y
        self.log.append("Child")
c = Child(1, 2)
print(c.x, c.y, c.log)

class Explicit(Base):
    def __init__(self):
        Base.__init__(self, 99)
print(Explicit().x)

class Counter:
    count = 0
    def __init__(self):
        Counter.count += 1
class Sub(Counter):
    pass
Sub(); Sub(); Counter()
print(Counter.count, Sub.count)

class Over(Base):
    x = "class attr"
o = Over(5)
print(o.x, Over.x)

class ListChild(list):
    def total(self):
        return sum(self)
lc = ListChild([1, 2, 3])
lc.append(4)
print(lc.total(), len(lc), lc[0], isinstance(lc, list))

class DictChild(dict):
    pass
dc = DictChild(a=1)
dc["b"] = 2
print(sorted(dc.items()), type(dc).__name__)

class ExcChild(ValueError):
    def __init__(self, code):
        super().__init__("code %d" % code)
        self.code = code
try:
    raise ExcChild(7)
except ValueError as e:
    print(type(e).__name__, e.code, e.args)
