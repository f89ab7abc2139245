# Fast paths of the VM: names through the map position cache, direct calls of Python
# functions, instance attributes. Each must behave as the full lookup.

# Module-level names rebound, deleted and replaced through globals().
x = 1
for i in range(3):
    x = x + i
print(x, i)
globals()["x"] = 10
print(x)
del x
try:
    print(x)
except NameError:
    print("NameError")
x = 5
print(x)

# A heap str key equal to a name is found by that name.
key = "".join(["dyn", "name"])
globals()[key] = 42
print(dynname)
dynname = 43
print(globals()[key])

# Many globals (past the small linear map): rebinding keeps each distinct.
for n in range(20):
    globals()["g%d" % n] = n
g3 = 300
g17 += 1
print(g3, g17, g4)


# Globals seen from a function, shadowed builtins.
def getx():
    return x


print(getx())
x = 6
print(getx())
len = lambda s: -1
print(len("abc"))
del len
print(len("abc"))


def setg():
    global gnew
    gnew = "set"


setg()
print(gnew)


# Calls: plain, defaults, keywords, *args, **kwargs, keyword-only, closures, generators.
def f0():
    return "f0"


def f2(a, b):
    return a - b


def fd(a, b=2):
    return a * b


def fk(a, *, k=3):
    return a + k


def fv(*a):
    return a


def fkw(**k):
    return sorted(k.items())


def outer(v):
    def inner():
        return v + 1

    return inner


def gen(n):
    yield n
    yield n + 1


print(f0(), f2(7, 2), f2(b=1, a=9), fd(4), fd(4, 5), fk(1), fk(1, k=10))
print(fv(), fv(1, 2), fkw(a=1, b=2), outer(9)(), list(gen(3)))
try:
    f2(1)
except TypeError:
    print("TypeError missing")
try:
    f2(1, 2, 3)
except TypeError:
    print("TypeError too many")


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(fib(15))


# Instance attributes: own attribute first, class attribute, property, __getattr__.
class A:
    c = "class"

    def m(self, v):
        return v * 2

    @property
    def p(self):
        return "prop"

    def __getattr__(self, name):
        return "missing " + name


a = A()
a.x = 1
for i in range(3):
    a.x = a.x + 1
print(a.x, a.c, a.p, a.nothere, a.m(4))
a.c = "own"
print(a.c, A.c)
del a.c
print(a.c)
a.m = lambda v: "replaced"
print(a.m(1))
b = A()
print(b.m(2))


# Stores to an existing instance attribute: plain, then with a class attribute, a
# property and a __setattr__ added to the class afterwards.
class B:
    pass


b = B()
b.v = 0
for i in range(3):
    b.v = b.v + 1
print(b.v)
B.v = "class v"
b.v = 10
print(b.v, B.v)


def getw(self):
    return "w is " + str(self.__dict__["w"])


def setw(self, value):
    print("setter", value)


b.w = 1
b.w = 2
B.w = property(getw, setw)
b.w = 3
# (Loading b.w here differs: MicroPython looks at the instance's own attributes first.)
print(b.__dict__["w"])


def setattr_hook(self, name, value):
    print("hook", name, value)


b.z = 1
b.z = 2
B.__setattr__ = setattr_hook
b.z = 3
print(b.__dict__["z"])
