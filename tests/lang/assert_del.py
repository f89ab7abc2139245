# assert and del statements.
assert True
assert 1 == 1, "not shown"
try:
    assert 1 == 2, "custom message"
except AssertionError as e:
    print("AssertionError", e.args)
try:
    assert False
except AssertionError as e:
    print("AssertionError", e.args)
x = 5
del x
try:
    x
except NameError:
    print("NameError after del")
l = [0, 1, 2, 3, 4, 5]
del l[0], l[-1]
print(l)
del l[1:3]
print(l)
d = {"a": 1, "b": 2}
del d["a"]
print(d)
class O:
    pass
o = O()
o.attr = 1
del o.attr
print(hasattr(o, "attr"))
a, b = 1, 2
del a, b
try:
    a
except NameError:
    print("NameError a")
def local_del():
    v = 1
    del v
    try:
        return v
    except NameError:
        return "local deleted"
print(local_del())
try:
    del d["missing"]
except KeyError:
    print("KeyError del")
