# str methods
print("  a b\t c  ".split(), "a,b,,c".split(","), "a,b,,c".split(",", 1))
print("  a  b  ".split(None, 1), "a b c".rsplit(None, 1), "  a b  c ".rsplit(None, 1))
print("a,b,c".rsplit(",", 1), "a,b,c".rsplit(","), "".split(), "".split(","))
print("a\nb\r\nc\rd\n".splitlines(), "a\nb\r\n".splitlines(True), "".splitlines())
print("-".join(["a", "b", "c"]), "".join(("x", "y")), ",".join(iter(["p", "q"])))
print(" \t ab \n".strip(), "xxabyx".strip("xy"), "xxabyx".lstrip("x"), "xxabyx".rstrip("xy"))
print("aXbXc".replace("X", "--"), "aXbXc".replace("X", "", 1), "ab".replace("", "-"), "abc".replace("z", "y"))
print("a=b=c".partition("="), "a=b=c".rpartition("="), "abc".partition("="), "abc".rpartition("="))
print("abcabc".find("c"), "abcabc".rfind("c"), "abcabc".find("c", 3), "abcabc".find("c", -2, -1))
print("abc".find("", 3), "abc".find("", 4), "abc".rfind(""), "abc".count(""), "aaaa".count("aa"))
print("abcabc".index("b", 2), "abcabc".rindex("b", 0, 4), "abcabc".count("bc", 1, 5))
print("abc".startswith("ab"), "abc".startswith("bc", 1), "abc".startswith(("x", "a")))
print("abc".endswith("bc"), "abc".endswith("b", 0, 2), "abc".endswith(("x", "y")), "abc".startswith("", 3))
print("abc".center(6), "a".center(4), "abc".center(7), "abc".center(2))
print("aBc1".upper(), "AbC1".lower())
print(" \t\n".isspace(), "".isspace(), "abc".isalpha(), "ab1".isalpha(), "123".isdigit(), "12a".isdigit())
print("ABC1".isupper(), "AbC".isupper(), "abc1".islower(), "1".islower(), "".isupper())
for bad in ("index", "rindex"):
    try:
        getattr("abc", bad)("z")
    except ValueError:
        print(bad, "ValueError")
for args in (("",), ("", 1)):
    try:
        "abc".split(*args)
    except ValueError as e:
        print("ValueError", e)
try:
    "abc".partition("")
except ValueError as e:
    print("ValueError", e)
try:
    ",".join(["a", 1])
except TypeError:
    print("TypeError")
