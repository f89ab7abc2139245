# super() in various positions: classmethods, properties, __init__ chains with arguments,
# and explicit two-argument super().
class Base:
    def __init__(self, *parts):
        self.parts = list(parts)
    @classmethod
    def create(cls, n):
        return cls(*range(n))
    def describe(self):
        return "Base" + str(self.parts)
    @property
    def size(self):
        return len(self.parts)
class Mid(Base):
    def __init__(self, *parts):
        super().__init__(*parts, "mid")
    @classmethod
    def create(cls, n):
        obj = super().create(n)
        obj.parts.append("created")
        return obj
    def describe(self):
        return "Mid>" + super().describe()
    @property
    def size(self):
        return len(self.parts) * 10
class Leaf(Mid):
    def describe(self):
        return "Leaf>" + super(Leaf, self).describe()
l = Leaf.create(2)
print(l.describe(), l.size, type(l).__name__)
m = Mid(1)
print(m.describe(), m.size)
class Greeter:
    def hello(self):
        return "hi from " + type(self).__name__
class Loud(Greeter):
    def hello(self):
        f = super().hello
        return f().upper()
print(Loud().hello())
class A:
    def go(self, n):
        return n
class B(A):
    def go(self, n):
        if n > 3:
            return super().go(n)
        return self.go(n + 1)
print(B().go(0))
class WithStr(str):
    def shout(self):
        return self.upper() + "!"
print(WithStr("abc").shout(), len(WithStr("xy")), WithStr("q") + "r")
class WithInt(int):
    def double(self):
        return self * 2
print(WithInt(21).double(), WithInt(5) + 1, isinstance(WithInt(1), int))
