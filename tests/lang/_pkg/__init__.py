# Package imported by import_package.py.
init_value = "pkg init"
from . import leaf
from .leaf import leaf_func as exported
