# Importing a module from the test's folder: import, from-import, aliases, caching.
import _modhelper
print(_modhelper.value, _modhelper.double(21), _modhelper.Thing.kind, _modhelper.__name__)
import _modhelper as mh
print(mh is _modhelper, mh.loaded)
from _modhelper import double, value as v
print(double(5), v)
import _modhelper
print(_modhelper.loaded)
import sys
print("_modhelper" in sys.modules, sys.modules["_modhelper"] is mh)
_modhelper.value = 7
import _modhelper as again
print(again.value)
from _modhelper import *
print(Thing.kind, "_private" in globals())
try:
    import _does_not_exist
except ImportError:
    print("ImportError")
try:
    from _modhelper import missing_name
except ImportError as e:
    print("ImportError from")
def local_import():
    import _modhelper as m
    return m.double(100)
print(local_import())
