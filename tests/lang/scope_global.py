# global and local scoping rules.
g = 1
def read():
    return g
def write():
    global g
    g = 2
def shadow():
    g = 3
    return g
print(read(), shadow(), g)
write()
print(g, read())

def unbound():
    try:
        print(h)
    except NameError:
        print("NameError")
    try:
        y = y_local + 1
    except NameError:
        print("NameError local")
unbound()

def local_before_assign():
    try:
        print(z)
        z = 1
    except NameError:
        print("NameError unbound local")
local_before_assign()

def make_global():
    global newg
    newg = "created"
make_global()
print(newg)

class C:
    attr = g
    def m(self):
        return attr_check()
def attr_check():
    return "module-level"
print(C.attr, C().m())

x = "module"
class D:
    x = "class"
    y = [x for _ in range(1)]
print(D.x, D.y)
print(sorted(k for k in locals() if k in ("g", "x", "C")))
