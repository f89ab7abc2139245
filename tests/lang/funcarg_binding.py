# Argument binding: defaults, *args, **kwargs, keyword-only arguments and binding errors.
def f(a, b=2, *args, c, d=4, **kw):
    return a, b, args, c, d, sorted(kw.items())
print(f(1, c=3))
print(f(1, 5, 6, 7, c=3, e=9))
print(f(a=1, b=2, c=3, d=0, z=1))
def g(*, only):
    return only
print(g(only=1))
def defaults(x=[]):
    x.append(1)
    return len(x)
print(defaults(), defaults(), defaults([]))
def mixed(a, *rest, **named):
    return a, rest, sorted(named)
print(mixed(*range(4), **{"k": 1, "j": 2}))
bad_calls = [
    lambda: f(),
    lambda: f(1),
    lambda: f(1, c=1, a=2),
    lambda: g(1),
    lambda: g(),
    lambda: g(only=1, other=2),
    lambda: (lambda x: x)(1, 2),
    lambda: (lambda: 0)(x=1),
    lambda: len(),
    lambda: f(1, 2, 3, a=1, c=0),
]
for i, call in enumerate(bad_calls):
    try:
        call()
        print(i, "no error")
    except TypeError as e:
        print(i, type(e).__name__)
def kw_default_eval():
    base = 10
    def inner(x=base * 2):
        return x
    base = 0
    return inner()
print(kw_default_eval())
def many(a, b, c, d, e, f, g, h):
    return a + b + c + d + e + f + g + h
print(many(*range(8)), many(1, 2, 3, 4, *[5, 6], g=7, h=8))
def kwonly_defaults(a, *, b=1, c):
    return a + b + c
print(kwonly_defaults(1, c=2), kwonly_defaults(1, c=2, b=10))
