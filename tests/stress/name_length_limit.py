# Names made at run time are limited to 255 bytes: longer ones are
# `RuntimeError: name too long` (class names, attribute names, module names).
def name(n):
    return "".join(chr(97 + i % 26) for i in range(n))


class A:
    pass


for n in (255, 256):
    try:
        t = type(name(n), (), {})
        print("type", len(t.__name__))
    except RuntimeError as e:
        print("type", n, e)
    a = A()
    try:
        setattr(a, name(n), n)
        print("setattr", getattr(a, name(n)))
    except RuntimeError as e:
        print("setattr", n, e)
    try:
        __import__(name(n))
    except ImportError:
        print("import", n, "ImportError")
    except RuntimeError as e:
        print("import", n, e)
