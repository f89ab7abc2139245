# micropython.opt_level: query and set; level 1 and above strips asserts and makes
# __debug__ false in code compiled afterwards.
import micropython
print(micropython.opt_level())
exec("assert False, 'kept'") if False else None
try:
    exec("assert False, 'kept'")
except AssertionError as e:
    print("AssertionError", e.args)
print(eval("__debug__"))
micropython.opt_level(1)
print(micropython.opt_level())
exec("assert False, 'stripped'")
print("assert stripped", eval("__debug__"))
micropython.opt_level(0)
try:
    exec("assert 0")
except AssertionError:
    print("assert back")
print(micropython.opt_level())
