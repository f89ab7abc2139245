# mpy-cross: beyond
# Capture and wildcard patterns, AS patterns, and match/case as ordinary names.

match 42:
    case x:
        print("captured", x)
print("still bound", x)

match "w":
    case _:
        print("wildcard")
try:
    _
    print("_ bound?")
except NameError:
    print("_ not bound")

match (1, 2):
    case (a, b) as whole:
        print(a, b, whole)

match [1, [2, 3]]:
    case [p, [q, r] as inner] as outer:
        print(p, q, r, inner, outer)

match 5:
    case (1 | 5) as n:
        print("or-as", n)

# The soft keywords stay usable as names.
match = 1
case = 2
print(match, case)
match = [3, 4]
print(match[0], match[1:])
match = {"k": 1}
print(match["k"])


def match(*args):
    return args


print(match(1), match(1, 2), match())
print(match (1))


class C:
    match = 10
    case = 20


print(C.match, C().case)
c = C()
c.match = "attr"
print(c.match)
match, case = 7, 8
print(match, case)
match: int = 9
print(match)
match += 1
print(match)
del match
print([match for match in range(3)])
match = 0
# `match` as the subject of a match statement, and `case` as a capture name.
match match:
    case case:
        print("case captured", case)
match = [1]
match match:
    case [match]:
        print("inner", match)


def f(match, case):
    return match + case


print(f(match=1, case=2))
class Matcher:
    def match(self, s):
        return "matched " + s


match = Matcher()
print(match.match("x"))
