# __dict__ of built-in types, user classes and built-in modules.
import sys


class Foo:
    a = 1

    def m(self):
        return 2


print("from_bytes" in int.__dict__, "append" in list.__dict__, "nope" in int.__dict__)
print(Foo.__dict__["a"], "m" in Foo.__dict__)
print(sys.__dict__["__name__"], "exit" in sys.__dict__)
print(type(type("")).__dict__ is not None)
