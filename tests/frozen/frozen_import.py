# Frozen modules: found through sys.path's ".frozen" entry, with upstream's __file__
# (the path below .frozen) and __path__ (".frozen/pkg"), packages and submodules included.
import sys

print(sys.path.index(".frozen") >= 0)

import bisect

print(bisect.__name__, bisect.__file__)
print(sys.modules["bisect"] is bisect)

import upysh

print(upysh.__file__, upysh.__path__)
print(upysh.fs.__name__, upysh.fs.__file__)
from upysh.fs import pwd
import upysh.fs

print(upysh.fs.pwd is pwd)
print(sorted(upysh.__all__))

# A traceback names the frozen source by its path.
try:
    bisect.bisect_right([], 0, -5)
except ValueError as e:
    print(repr(e))

# Without ".frozen" on sys.path, frozen modules are not found.
del sys.modules["bisect"]
saved = sys.path[:]
sys.path[:] = [p for p in sys.path if p != ".frozen"]
try:
    import bisect
except ImportError as e:
    print("ImportError")
sys.path[:] = saved
import bisect

print(bisect.bisect([1, 2], 1))

# Names made at run time are the same qstrs as the frozen code's own names.
n = "bisect_" + "left"
print(getattr(bisect, n) is bisect.bisect_left, bisect.bisect_left.__name__ == n)
print({n: 1}.get("bisect_left"), "insort_right" in bisect.__dict__)
try:
    import upysh.nope
except ImportError as e:
    print("ImportError", e)
