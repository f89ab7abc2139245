# Closures, nonlocal and late binding.
def counter():
    n = 0
    def inc(by=1):
        nonlocal n
        n += by
        return n
    return inc
c1 = counter()
c2 = counter()
print(c1(), c1(), c1(10), c2())

def make_adders():
    return [lambda x, i=i: x + i for i in range(3)]
print([f(10) for f in make_adders()])

def late():
    fs = []
    for i in range(3):
        fs.append(lambda: i)
    return [f() for f in fs]
print(late())

def outer():
    a = 1
    def mid():
        b = 2
        def inner():
            nonlocal a
            a += b
            return a
        return inner
    f = mid()
    f()
    return a, f()
print(outer())

def shared():
    v = []
    def push(x):
        v.append(x)
    def get():
        return list(v)
    return push, get
push, get = shared()
push(1); push(2)
print(get())

def fib_memo():
    cache = {}
    def fib(n):
        if n in cache:
            return cache[n]
        r = n if n < 2 else fib(n - 1) + fib(n - 2)
        cache[n] = r
        return r
    return fib
print(fib_memo()(60))

def cell_after_def():
    def g():
        return later
    later = "set"
    return g()
print(cell_after_def())
