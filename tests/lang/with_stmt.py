# with statement: __enter__/__exit__, suppression, nesting, exceptions and returns.
class CM:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress
    def __enter__(self):
        print("enter", self.name)
        return self.name.upper()
    def __exit__(self, typ, val, tb):
        print("exit", self.name, typ.__name__ if typ else None, val.args if val else None)
        return self.suppress

with CM("a") as v:
    print("body", v)
with CM("b", suppress=True):
    raise ValueError("hidden")
print("after suppressed")
try:
    with CM("c"):
        raise KeyError("shown")
except KeyError as e:
    print("caught", e.args)
with CM("x") as x, CM("y") as y:
    print("both", x, y)
def ret():
    with CM("r"):
        return "returned"
print(ret())
for i in range(3):
    with CM("loop%d" % i):
        if i == 1:
            continue
        if i == 2:
            break
        print("loop body")

class Res:
    def __init__(self):
        self.open = False
    def __enter__(self):
        self.open = True
        return self
    def __exit__(self, *a):
        self.open = False
r = Res()
with r as rr:
    print(rr is r, r.open)
print(r.open)
with CM("outer"):
    with CM("inner", True):
        raise ZeroDivisionError("z")
    print("between")
