# bytes: constructor forms and methods shared with str
print(bytes(), bytes(3), bytes(b"ab"), bytes([65, 66]), bytes(range(3)), bytes(bytearray(b"xy")))
print(bytes("hé", "utf-8"), bytes(iter(b"ab")), bytes(memoryview(b"mv")))
for args in (("x",), (-1,), ([256],), ([1.5],)):
    try:
        bytes(*args)
    except (TypeError, ValueError) as e:
        print(type(e).__name__)
b = b"hello world"
print(b[0], b[-1], b[1:4], b[::-1], b[::3], list(b[:3]))
try:
    b[20]
except IndexError:
    print("IndexError")
print(b.find(b"o"), b.rfind(b"o"), b.find(111), b.index(b"w"), b.count(b"l"), b.count(108))
print(b.split(), b.split(b"o"), b.rsplit(b" ", 1), b"a\nb".splitlines())
print(b"  x ".strip(), b"xxy".lstrip(b"x"), b"yxx".rstrip(b"x"))
print(b.replace(b"l", b"L"), b.replace(b"l", b"", 2), b.partition(b" "), b.rpartition(b"o"))
print(b.startswith(b"he"), b.endswith((b"x", b"ld")), b"-".join([b"a", b"b"]), b.upper(), b"ABC".lower())
print(b"ab".center(6), b"  ".isspace(), b"ab".isalpha(), b"12".isdigit(), b"AB".isupper(), b"ab".islower())
print(b"\x00\xff".hex(), bytes.fromhex("00ff 10"), b"caf\xc3\xa9".decode())
print(b"ab" + b"cd", b"ab" + bytearray(b"c"), b"ab" * 2, 98 in b"abc", b"bc" in b"abc", 1 in b"abc")
print(b"abc" < b"abd", b"ab" < b"abc", b"b" >= b"a", b"ab" == b"ab", b"ab" == bytearray(b"ab"))
print(hash(b"ab") == hash(b"a" + b"b"), repr(b"'\"\\\n\x7f"), repr(b"it's"))
for bad in (lambda: b"abc".find("b"), lambda: b"-".join(["a"])):
    try:
        bad()
    except TypeError:
        print("TypeError")
try:
    bytes.fromhex("0g")
except ValueError:
    print("ValueError")
