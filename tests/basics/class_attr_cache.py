# Class attribute lookups are cached per (class, name); every way of changing a class
# namespace must be seen by the next lookup.


class Base:
    def m(self):
        return "base"

    x = 1


class Mid(Base):
    pass


class Leaf(Mid):
    pass


o = Leaf()
for _ in range(3):
    print(o.m(), o.x, Leaf.x, getattr(o, "y", "no y"))

# Shadowing in an intermediate class after the lookup was cached.
Mid.m = lambda self: "mid"
Mid.y = 5
print(o.m(), o.y, hasattr(o, "y"))

# Deleting the shadowing attribute makes the base's visible again.
del Mid.m
del Mid.y
print(o.m(), getattr(o, "y", "no y"))

# Replacing a method on the defining class.
Base.m = lambda self: "base2"
print(o.m(), Leaf().m())

# Changing a class with setattr/delattr.
setattr(Base, "x", 10)
print(o.x, Leaf.x)
setattr(Leaf, "x", 20)
print(o.x, Mid.x)
delattr(Leaf, "x")
print(o.x)

# Descriptors set after a miss was cached take effect.
class P:
    pass


p = P()
print(hasattr(p, "a"))
P.a = property(lambda self: "prop")
print(p.a)
try:
    p.a = 2
except AttributeError:
    print("AttributeError")
del P.a
p.a = 3
print(p.a)

# Many classes with the same method name, created and dropped in a loop.
for i in range(50):

    class C:
        def f(self, i=i):
            return i

    if C().f() != i:
        print("wrong", i)
print("loop done")

# __getattr__ added after misses were cached.
class G:
    pass


g = G()
print(hasattr(g, "zz"))
G.__getattr__ = lambda self, name: "dyn " + name
print(g.zz)
del G.__getattr__
print(hasattr(g, "zz"))
