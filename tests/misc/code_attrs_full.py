# Code object attributes that come with sys.settrace (upstream's "full" code objects).
import sys

if not hasattr(sys, "settrace"):
    print("SKIP")
    raise SystemExit


def outer(a, b):
    def inner():
        return a

    c = a + b
    return c * inner()


code = outer.__code__
print(code.co_name, code.co_filename.split("/")[-1], code.co_firstlineno)
print(type(code.co_code), len(code.co_code) > 0)
consts = code.co_consts
print(len(consts), consts[-1], type(consts[0]).__name__, consts[0].co_name)
print(consts[0].co_firstlineno)
print("outer" in code.co_names)
lines = list(code.co_lines())
print(lines[0][0], lines[-1][1] == len(code.co_code))
print(sorted(set(n for _, _, n in lines)))
print(type(code.co_lnotab), len(code.co_lnotab) % 2)
print(repr(code).startswith("<code object outer at 0x"), repr(code).endswith(", line 9>"))
