# Function and class decorators, with and without arguments; stacking order.
calls = []
def trace(f):
    def wrapper(*a, **k):
        calls.append(f.__name__)
        return f(*a, **k)
    return wrapper
@trace
def add(a, b):
    return a + b
print(add(1, 2), add(3, b=4), calls)

def repeat(n):
    def deco(f):
        def wrapper(*a):
            return [f(*a) for _ in range(n)]
        return wrapper
    return deco
@repeat(3)
def hi(name):
    return "hi " + name
print(hi("x"))

order = []
def tag(label):
    def deco(f):
        order.append(label)
        def w():
            return label + "(" + f() + ")"
        return w
    return deco
@tag("outer")
@tag("inner")
def base():
    return "base"
print(base(), order)

registry = {}
def register(cls):
    registry[cls.__name__] = cls
    cls.registered = True
    return cls
@register
class Thing:
    pass
print(sorted(registry), Thing.registered)

memo_caches = []
def memo(f):
    cache = {}
    def w(n):
        if n not in cache:
            cache[n] = f(n)
        return cache[n]
    memo_caches.append(cache)
    return w
@memo
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(80), len(memo_caches[0]))

class Counted:
    def __init__(self, f):
        self.f = f
        self.n = 0
    def __call__(self, *a):
        self.n += 1
        return self.f(*a)
@Counted
def double(x):
    return 2 * x
print(double(2), double(5), double.n)

def method_deco(f):
    def w(self, *a):
        return "<" + str(f(self, *a)) + ">"
    return w
class M:
    @method_deco
    def get(self, v):
        return v
print(M().get(9))
