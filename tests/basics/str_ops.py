# str operators and constructor
print("ab" + "cd", "ab" * 3, 3 * "ab", "ab" * 0, "ab" * -2)
s = "x"
s += "y"
s *= 2
print(s)
print("abc" < "abd", "abc" < "ab", "b" > "abc", "abc" <= "abc", "abc" >= "abd", "é" > "z")
print("abc" == "abc", "abc" != "abd", "1" == 1)
print(hash("abc") == hash("ab" + "c"), {"ab" + "c": 1}["abc"])
print(str(), str(12), str("x"), str([1, "a"]), str(None), str(b"ab"))
print(repr(str(b"ab", "ascii")), bool(""), bool("a"), len(""))
for a, b in (("a", 1), ("a", b"b"), (1, "a")):
    try:
        a + b
    except TypeError:
        print("TypeError", type(a).__name__, type(b).__name__)
try:
    1 in "abc"
except TypeError:
    print("TypeError in")
try:
    "abc"[1] = "x"
except TypeError:
    print("TypeError assign")
try:
    k = "x"
    "abc"[k]
except TypeError:
    print("TypeError index")
try:
    str(b"\xff", "utf-8")
except UnicodeError:
    print("UnicodeError")
print(str(b"a\xffb", "utf-8", "ignore"), repr(str(b"a\xffb", "utf-8", "replace")))
