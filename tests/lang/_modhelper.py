# A plain module imported by import_module.py.
value = 42
loaded = []
def double(x):
    return 2 * x
class Thing:
    kind = "thing"
loaded.append("once")
_private = "hidden from star"
