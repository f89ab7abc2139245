# mpy-cross: beyond
# OR patterns, guards, evaluation order and case fall-through.

calls = []


def g(tag, result):
    calls.append(tag)
    return result


def classify(v):
    match v:
        case 1 | 2 | 3:
            return "small"
        case [x, y] | (x, y, _):
            return ("pair-ish", x, y)
        case {"a": x} | {"b": x}:
            return ("a-or-b", x)
        case str() | bytes() as s if len(s) > 2:
            return ("long text", s)
        case str():
            return "short text"
        case int(n) if n < 0:
            return "negative"
        case int(n) if g("guard2", n % 2 == 0):
            return "even"
        case int(n):
            return "odd"


for v in [1, 3, [4, 5], (6, 7, 8), {"a": 1}, {"b": 2}, "hello", "hi", -5, 10, 11, b"xyz"]:
    print(repr(v), classify(v))
print(calls)

# Guards run only after the pattern matched, in case order; the first true guard wins.
order = []


def trace(x, r):
    order.append(x)
    return r


match 5:
    case 1 if trace("a", True):
        pass
    case int() if trace("b", False):
        pass
    case int() if trace("c", True):
        print("c chosen")
    case int() if trace("d", True):
        pass
print(order)

# A guard sees the names the pattern bound, and may bind with :=.
match [3, 4]:
    case [a, b] if (total := a + b) > 5:
        print("total", total)

# Names bound by a matched case are visible afterwards, also when the guard failed.
match 7:
    case n if n > 10:
        print("big")
    case m:
        print("n", n, "m", m)

# Nested OR inside sequences.
match [1, "x"]:
    case [1 | 2, "x" | "y"]:
        print("nested or")

match (2, [3]):
    case (1, [x]) | (2, [x]):
        print("or with bindings", x)

# Or-pattern alternatives tried left to right.
match 0:
    case (0 as z) | (1 as z):
        print("z", z)

# No case matches: nothing happens, subject evaluated once.
def subject():
    calls.append("subject")
    return 99


calls.clear()
match subject():
    case 1:
        print("one")
    case 2:
        print("two")
print(calls)
