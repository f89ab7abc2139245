# getattr with a default and hasattr answer a missing attribute without raising; an
# AttributeError raised by __getattr__ still selects the default.
class A:
    x = 1


class B:
    def __getattr__(self, name):
        if name == "magic":
            return 42
        raise AttributeError(name)


class C:
    def __getattr__(self, name):
        raise KeyError(name)


a = A()
n = 0
for i in range(2000):
    n += getattr(a, "missing", 1)
print(n, getattr(a, "x", 5), hasattr(a, "x"), hasattr(a, "y"))
b = B()
print(getattr(b, "magic", 0), getattr(b, "other", "dflt"), hasattr(b, "magic"), hasattr(b, "zz"))
try:
    getattr(C(), "q", 0)
except KeyError as e:
    print("KeyError")
print(getattr(1, "nope", None), hasattr([], "append"))
