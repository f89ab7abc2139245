# Packages: __init__, submodules, relative imports.
import _pkg
print(_pkg.init_value, _pkg.leaf.leaf_func(), _pkg.exported(), _pkg.leaf.name)
import _pkg.sub
print(_pkg.sub.sub_value)
from _pkg.sub.deep import deep
print(deep())
import _pkg.sub.deep as d
print(d.deep is deep)
from _pkg import leaf
print(leaf is _pkg.leaf)
import sys
print(sorted(k for k in sys.modules if k.startswith("_pkg")))
