# mpy-cross: beyond
# Sequence patterns: which subjects are sequences, lengths, star patterns, nesting.


def seq(x):
    match x:
        case []:
            return "empty"
        case [a]:
            return ("one", a)
        case [a, b]:
            return ("two", a, b)
        case [1, *mid, 9]:
            return ("1..9", mid)
        case [a, b, *rest]:
            return ("many", a, b, rest)
    return "not a sequence"


for v in [[], (), [1], (1,), [1, 2], (1, 2), [1, 2, 3, 9], [1, 9], [1, 2, 3, 4],
          "ab", b"ab", bytearray(b"ab"), {"a": 1}, {1, 2}, range(3), range(0), range(2),
          iter([1, 2]), 5, None, memoryview(b"abc")]:
    print(repr(v) if not isinstance(v, (set, memoryview, type(iter([])))) else "obj", seq(v))

# str/bytes/bytearray never match a sequence pattern, even a star-only one.
for v in ["", "abc", b"", bytearray()]:
    match v:
        case [*_]:
            print("sequence?", repr(v))
        case _:
            print("not sequence", repr(v))

match [1, 2, 3]:
    case [*_]:
        print("any sequence")

match [1, 2, 3, 4, 5]:
    case [first, *_, last]:
        print(first, last)

match [1, 2, 3, 4, 5]:
    case [*head, 4, 5]:
        print("head", head)

match (1, 2):
    case [*all_of_it]:
        print("star list from tuple", all_of_it, type(all_of_it).__name__)

match [[1, 2], [3, [4, 5]]]:
    case [[a, b], [c, [d, e]]]:
        print(a + b + c + d + e)

match (1, (2, 3)):
    case 1, (2, x):
        print("open sequence", x)

match 1, 2:
    case a, b:
        print("tuple subject", a, b)

match [1, "two", 3.0, None]:
    case [int(), str(), float(), None]:
        print("typed items")

match [0]:
    case [_, _]:
        print("wrong")
    case [_, *_]:
        print("at least one")

match []:
    case [_, *_]:
        print("wrong")
    case [*_]:
        print("empty star ok")


class L(list):
    pass


match L([1, 2]):
    case [a, b]:
        print("list subclass", a, b)

match (i for i in range(2)):
    case [a, b]:
        print("generator matched?")
    case _:
        print("generator is not a sequence")
