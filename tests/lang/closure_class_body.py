# Closures crossing class bodies: methods capturing enclosing function variables, class
# bodies reading enclosing locals, and nonlocal updates from methods.
def make_class(prefix):
    count = 0
    class Tagged:
        label = prefix + "!"
        def tag(self, s):
            nonlocal count
            count += 1
            return prefix + ":" + s
        @staticmethod
        def total():
            return count
    return Tagged
T = make_class("pre")
t = T()
print(T.label, t.tag("a"), t.tag("b"), T.total())
U = make_class("other")
print(U().tag("x"), U.total(), T.total())
def factory():
    funcs = {}
    for name in ("a", "b"):
        def f(n=name):
            return n * 2
        funcs[name] = f
    return funcs
fs = factory()
print(fs["a"](), fs["b"]())
def gen_closure():
    base = 10
    def g():
        for i in range(3):
            yield base + i
    base = 100
    return g
print(list(gen_closure()()))
def counter_gen():
    n = 0
    def bump():
        nonlocal n
        n += 1
    def values():
        while n < 3:
            bump()
            yield n
    return values
print(list(counter_gen()()))
