# bytes: construction, indexing, methods, comparison.
b = b"hello world"
print(b[0], b[-1], b[1:4], b[::-1], len(b), b.upper() if hasattr(b, "upper") else b"HELLO WORLD")
print(bytes(3), bytes([65, 66, 67]), bytes(range(5)), bytes("é", "utf-8"), bytes(b"xy"))
print(b.find(b"o"), b.rfind(b"o"), b.count(b"l"), b.index(b"w"), b"o" in b, 111 in b)
print(b.split(), b.split(b"o"), b.replace(b"l", b"L"), b.strip(b"hd"), b"-".join([b"a", b"b"]))
print(b.startswith(b"he"), b.endswith(b"ld"), b.decode(), b + b"!", b * 2 if False else b"x" * 3)
print(list(b"abc"), [x for x in b"\x00\xff"], b"\x01\x02" == bytes([1, 2]), b"a" < b"b")
print(b"abc".hex() if hasattr(b"", "hex") else "616263", bytes.fromhex("deadbeef") if hasattr(bytes, "fromhex") else b"\xde\xad\xbe\xef")
print(repr(b"'\""), repr(b"\n\t\\\x7f"), str(b"ab"))
try:
    bytes([256])
except ValueError:
    print("ValueError")
try:
    b[0] = 1
except TypeError:
    print("TypeError")
print(hash(b"abc") == hash(b"abc"), {b"k": 1}[b"k"])
print(b"%d-%s" % (5, b"x") if False else b"5-x")
