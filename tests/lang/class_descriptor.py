# Descriptors (__get__/__set__/__delete__), __set_name__ and __init_subclass__.
class Typed:
    def __set_name__(self, owner, name):
        self.name = "_" + name
        self.owner = owner.__name__
    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return getattr(obj, self.name, None)
    def __set__(self, obj, value):
        if not isinstance(value, int):
            raise TypeError("need int")
        setattr(obj, self.name, value)
    def __delete__(self, obj):
        setattr(obj, self.name, "deleted")

class Point:
    x = Typed()
    y = Typed()
p = Point()
p.x = 3
p.y = 4
print(p.x, p.y, Point.x.name, Point.y.owner, type(Point.x).__name__)
try:
    p.x = "s"
except TypeError as e:
    print("TypeError", e)
del p.x
print(p.x)

class Const:
    def __get__(self, obj, objtype=None):
        return 42
class H:
    c = Const()
print(H().c, H().c + 1)

