# str search methods with start/end arguments, negative indices and empty needles.
s = "abracadabra"
print(s.find("a", 1), s.find("a", 1, 3), s.find("a", -4), s.find("bra", 2, 9), s.find("", 5))
print(s.rfind("a", 0, 5), s.rfind("bra", 0, -1), s.index("c", 2), s.rindex("a", 0, 4), s.count("a", 3), s.count("a", 3, -3))
print(s.startswith("bra", 1), s.startswith("bra", 1, 3), s.endswith("cad", 0, 7), s.endswith(("x", "ra")), s.endswith("", 3))
print(s.split("a"), s.split("a", 2), s.rsplit("a", 2), s.split("abra"), "".split(","), " ".split())
print(s.replace("a", "A", 0), s.replace("a", "A", -1), s.replace("abra", ""), s.replace("z", "Q"), "aaa".replace("a", "aa"))
print(s.strip("ab"), s.lstrip("abr"), s.rstrip("bar"), "  \t x \n".strip(), "xyx".strip("xy"))
print(s.upper().lower() == s, s.partition("cad"), s.rpartition("a"), s.partition("zz"))
try:
    s.index("zz")
except ValueError:
    print("ValueError index")
try:
    s.split("")
except ValueError:
    print("ValueError empty separator")
print("a\tb\nc  d".split(), "a,b,".split(","), ",a".split(","), "k=v=w".split("=", 1), "k=v=w".rsplit("=", 1))
