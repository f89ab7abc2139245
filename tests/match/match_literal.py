# mpy-cross: beyond
# Literal patterns: numbers (negative, float, complex), strings, bytes, singletons.


def lit(x):
    match x:
        case 0:
            return "zero"
        case -1:
            return "minus one"
        case 2.5:
            return "two and a half"
        case -0.5:
            return "minus half"
        case 1 + 2j:
            return "complex"
        case -1 - 2j:
            return "neg complex"
        case 3j:
            return "imag"
        case "abc":
            return "str abc"
        case "a" "b":
            return "joined"
        case "":
            return "empty str"
        case None:
            return "None"
        case True:
            return "True"
        case False:
            return "False"
        case 12345678901234567890:
            return "big"
    return "no match"


for v in [0, -1, 2.5, -0.5, 1 + 2j, -1 - 2j, 3j, "abc", "ab", "", None, True, False,
          12345678901234567890, 0.0, 5, "x", [], (), -0.0, 1]:
    print(repr(v), lit(v))


def b(x):
    match x:
        case b"xy":
            return "bytes"
        case b"":
            return "empty bytes"
    return "no"


print(b(b"xy"), b(b""), b(b"z"), b(bytearray(b"xy")))

# 1 == True, but True only matches itself (identity).
match 1:
    case True:
        print("1 is True?")
    case 1:
        print("1 matched 1")
match True:
    case 1:
        print("True matched 1")
match 1.0:
    case 1:
        print("1.0 matched 1")
