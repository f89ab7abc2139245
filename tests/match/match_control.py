# mpy-cross: beyond
# match inside functions, loops, generators, classes and closures; control flow in cases.


def loop(items):
    out = []
    for it in items:
        match it:
            case "skip":
                continue
            case "stop":
                break
            case ("ret", v):
                return out, v
            case _:
                out.append(it)
    else:
        out.append("else")
    return out


print(loop([1, "skip", 2]))
print(loop([1, "stop", 2]))
print(loop([1, ("ret", 9), 2]))

# while loop with break/continue from a case.
i = 0
seen = []
while True:
    i += 1
    match i:
        case 2:
            continue
        case 5:
            break
    seen.append(i)
print(seen)

# Deep stack: match inside nested loops and with blocks.
class CM:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        print("exit")


for a in range(2):
    for b in range(3):
        with CM():
            match (a, b):
                case (1, 1):
                    print("found", a, b)
                    break
                case (0, x):
                    continue


def gen(xs):
    for x in xs:
        match x:
            case int():
                yield x * 10
            case [*inner]:
                yield from gen(inner)


print(list(gen([1, [2, [3]], 4])))


def closure():
    match [1, 2]:
        case [a, b]:
            pass

    def inner():
        return a + b

    return inner()


print(closure())


class K:
    match (1, 2):
        case (x, y):
            total = x + y


print(K.total, K.x)


# Nested match statements.
def nested(v):
    match v:
        case (kind, payload):
            match kind:
                case "num":
                    return payload + 1
                case "str":
                    return payload.upper()
        case _:
            return None


print(nested(("num", 1)), nested(("str", "s")), nested(("other", 1)), nested(3))

# try/except around a failing guard.
try:
    match 1:
        case 1 if 1 / 0:
            pass
except ZeroDivisionError:
    print("guard raised")

# match in a lambda-free comprehension context: names leak out of statements only.
results = []
for v in [(1, 2), (3,), 4]:
    match v:
        case (x, y):
            results.append(x * y)
        case (x,):
            results.append(-x)
        case _:
            results.append(0)
print(results)
