# __getattr__, __setattr__, __delattr__, getattr/setattr/hasattr/delattr builtins.
class Dyn:
    def __init__(self):
        self.real = 1
    def __getattr__(self, name):
        if name.startswith("x_"):
            return name[2:]
        raise AttributeError(name)
d = Dyn()
print(d.real, d.x_hello, hasattr(d, "x_y"), hasattr(d, "nope"), getattr(d, "nope", "dflt"))

class Rec:
    def __init__(self):
        object.__setattr__(self, "log", [])
    def __setattr__(self, name, value):
        self.log.append(name)
        object.__setattr__(self, name, value * 2)
    def __delattr__(self, name):
        self.log.append("del " + name)
        object.__delattr__(self, name)
r = Rec()
r.a = 5
setattr(r, "b", 7)
print(r.a, r.b, r.log)
del r.a
print(r.log, hasattr(r, "a"))

class Plain:
    pass
p = Plain()
p.z = 3
setattr(p, "w", 4)
print(p.z, getattr(p, "w"), sorted(p.__dict__.items()))
delattr(p, "z")
try:
    p.z
except AttributeError:
    print("AttributeError")
try:
    getattr(p, "q")
except AttributeError:
    print("AttributeError getattr")
try:
    del p.nothing
except AttributeError:
    print("AttributeError del")
