# Shadows the built-in json, then pulls it in by importing with an empty sys.path.
import sys

_saved = sys.path
sys.path = ()
from json import *

sys.path = _saved
del _saved
shadowed = True
