# Indexing, slicing and iterating strings.
s = "abcdefghij"
print(s[0], s[-1], s[2:5], s[:3], s[7:], s[-3:], s[::2], s[1::3], s[::-2], s[5:2:-1])
print(s[100:], s[-100:2], s[3:3], s[:-100])
try:
    s[10]
except IndexError:
    print("IndexError")
try:
    s[0] = "z"
except TypeError:
    print("TypeError")
print(list("abc"), tuple("xy"), [c.upper() for c in "hey"], sorted("banana"))
print(min("hello"), max("hello"), "".join(reversed("stressed")))
cnt = {}
for c in "mississippi":
    cnt[c] = cnt.get(c, 0) + 1
print(sorted(cnt.items()))
print(str(b"abc", "utf-8"), "ü".encode("utf-8"), b"\xc3\xbc".decode())
print("%s" % "é"[0], len("日本語"), "日本語"[1], "日本語"[::-1])
