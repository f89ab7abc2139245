# mpy-cross: beyond
# Class patterns: isinstance, __match_args__, keyword attributes, self-matching built-ins,
# and the TypeErrors of CPython.


class Point:
    __match_args__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


class Point3(Point):
    __match_args__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        super().__init__(x, y)
        self.z = z


def where(p):
    match p:
        case Point(0, 0):
            return "origin"
        case Point3(x, y, z=0):
            return ("flat 3d", x, y)
        case Point(0, y):
            return ("y axis", y)
        case Point(x=0, y=y):
            return "unreachable"
        case Point(x, 0):
            return ("x axis", x)
        case Point(y=5):
            return "y is five"
        case Point():
            return "some point"
    return "not a point"


for p in [Point(0, 0), Point(0, 3), Point(4, 0), Point(1, 5), Point(1, 2), Point3(1, 2, 0),
          Point3(0, 0, 1), 5, "p"]:
    print(where(p))

# Built-in types match the subject itself with one positional sub-pattern.
for v in [5, 2.5, "s", b"b", [1], (2,), {3: 4}, {5}, frozenset([6]), bytearray(b"x"), True]:
    match v:
        case bool(b):
            print("bool", b)
        case int(i):
            print("int", i)
        case float(f):
            print("float", f)
        case str(s):
            print("str", s)
        case bytes(b):
            print("bytes", b)
        case list(l) | tuple(l):
            print("list/tuple", l)
        case dict(d):
            print("dict", d)
        case set(s) | frozenset(s):
            print("set", sorted(s))
        case bytearray(b):
            print("bytearray", b)


class MyInt(int):
    pass


match MyInt(7):
    case MyInt(v):
        print("int subclass self-match", v)
    case _:
        print("no")


class NoArgs:
    pass


class WithAttrs:
    def __init__(self):
        self.a = 1
        self.b = 2


match WithAttrs():
    case WithAttrs(a=1, b=b, c=c):
        print("has c?")
    case WithAttrs(a=1, b=b):
        print("keywords", b)

# Attribute lookups happen in order, each once.
log = []


class Lazy:
    __match_args__ = ("p", "q")

    @property
    def p(self):
        log.append("p")
        return 1

    @property
    def q(self):
        log.append("q")
        return 2


match Lazy():
    case Lazy(1, 3):
        print("wrong")
    case Lazy(1, 2):
        print("lazy matched", log)
match Lazy():
    case Lazy(0, 2):
        print("wrong")
    case _:
        print("short-circuit", log)


def err(subject, code):
    try:
        exec(code, {"s": subject, "Point": Point, "NoArgs": NoArgs, "WithAttrs": WithAttrs,
                    "Bad": Bad, "BadName": BadName, "One": One, "Dup": globals().get("Dup")})
    except TypeError as e:
        print("TypeError:", e)


class One:
    __match_args__ = ("v",)
    v = 3


class Bad:
    __match_args__ = ["x"]


class BadName:
    __match_args__ = (1,)


err(Point(1, 2), "match s:\n case Point(1, 2, 3): pass")
err(Point(1, 2), "match s:\n case Point(a, b, c, d): pass")
err(NoArgs(), "match s:\n case NoArgs(1): pass")
err(NoArgs(), "match s:\n case NoArgs(1, 2): pass")
err(5, "match s:\n case int(1, 2): pass")
err(Bad(), "match s:\n case Bad(1): pass")
err(BadName(), "match s:\n case BadName(1): pass")
err(5, "match s:\n case len(): pass")
err(5, "match s:\n case NoArgs(1, 2): pass\n case _: print('no error: isinstance failed first')")


err(One(), "match s:\n case One(1, 2): pass")

import collections

P = collections.namedtuple("P", "a b")
match P(1, 2):
    case (a, b):
        print("namedtuple as sequence", a, b)


class Dup:
    __match_args__ = ("a", "b")
    a = 1
    b = 2


err(Dup(), "match s:\n case Dup(1, a=1): pass")
err(Dup(), "match s:\n case Dup(1, 2, b=2): pass")
match Dup():
    case Dup(1, b=2):
        print("distinct keyword ok")
