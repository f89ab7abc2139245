# A Python __import__ hook sees relative imports (empty name, level > 0) and can pass
# them on to the original __import__.
import builtins

orig = builtins.__import__


def hook(name, globals=None, locals=None, fromlist=(), level=0):
    if level > 0:
        print("hook:", repr(name), fromlist, level)
    return orig(name, globals, locals, fromlist, level)


builtins.__import__ = hook
try:
    import _relpkg.sub.mod
finally:
    builtins.__import__ = orig
print(_relpkg.value)
try:
    __import__("")
except ValueError:
    print("ValueError")
