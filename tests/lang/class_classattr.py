# Class attributes versus instance attributes, shadowing, class-level mutation seen by
# instances, attributes set on the class after instances exist, and methods stored as data.
class Config:
    debug = False
    items = []
    def toggle(self):
        self.debug = not self.debug
c1 = Config()
c2 = Config()
c1.toggle()
print(c1.debug, c2.debug, Config.debug)
Config.debug = "class-level"
print(c1.debug, c2.debug)
del c1.debug
print(c1.debug)
c1.items.append(1)
print(c2.items, Config.items is c1.items)
Config.later = lambda self: "added later"
print(c2.later())
def plain(x):
    return x * 2
class Holder:
    fn = plain
    st = staticmethod(plain)
h = Holder()
print(Holder.fn(4), h.st(5))
try:
    h.fn(4)
except TypeError:
    print("TypeError bound plain function")
class Counter:
    total = 0
    def __init__(self):
        type(self).total += 1
class SubCounter(Counter):
    pass
Counter(); SubCounter(); SubCounter()
print(Counter.total, SubCounter.total)
print(hasattr(Config, "toggle"), hasattr(c1, "nope"), getattr(Config, "debug"))
