# str indexes, slices and iterates by code point
s = "aé€😀z"
print(len(s), len(s.encode()))
for i in range(-5, 5):
    print(i, s[i])
for i in (5, -6, 100):
    try:
        s[i]
    except IndexError:
        print("IndexError", i)
print(s[1:3], s[::-1], s[::2], s[-2:], s[:-2], s[3:1], s[1:-1:2])
print(list(s))
print([c for c in "añb"])
print("€" in s, "😀z" in s, "x" in s)
print(s.find("z"), s.find("€"), s.rfind("é"), s.index("😀"))
print(s.split("€"), s.partition("😀"))
print("ñañaña".count("ña"), "ñañaña".replace("ñ", "n"))
print("ÉCOLE".lower(), "straße".upper(), "ÀÉ".lower().upper())
print(repr("tab\there"), repr("é\n"), repr("'"), repr('"'), repr("'\""))
print("ab€".center(7), "x".center(4))
print(str(b"caf\xc3\xa9", "utf-8"), b"caf\xc3\xa9".decode())
print("café".encode(), "café".encode("utf-8"))
print(ord("€"), chr(8364), chr(128512))
