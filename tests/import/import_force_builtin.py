# A file on sys.path may shadow an extensible built-in module and still reach the
# built-in by importing it while sys.path is empty; `usys` is always the built-in sys.
import sys

sys.path.insert(0, "_shadow")
import json

print(json.shadowed, json.dumps({"k": [1, 2]}), json.loads("[3]"))
sys.path.pop(0)
import usys

print(usys is sys, hasattr(usys, "__file__"))
sys.path = ()
import json as j2

print(j2 is json, hasattr(j2, "shadowed"))
sys.path = []
print(type(sys.path).__name__, len(sys.path))
