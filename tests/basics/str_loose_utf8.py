# Strings holding lone surrogates or code points past U+10FFFF, as MicroPython allows:
# chr() of a surrogate, and decoding UTF-8-form bytes that CPython would reject.
s = chr(0xD800)
print(repr(s), len(s), s == chr(0xD800), s == chr(0xD801))
print(repr(chr(0xDFFF) + "x'y"), repr("ab" + s))
print(s.encode(), (s * 2).encode())
t = b"\xf4\x90\x80\x80".decode("utf-8")
print(repr(t), len(t), repr(b"\xf5\x80\x80\x80".decode()))
print(hash(s) == hash(chr(0xD800)))
d = {s: 1}
print(d[chr(0xD800)])
print(repr(s + t), len(s + t))
for bad in (b"\xf8\x80", b"\xc0", b"\x80", b"\xe0\x80"):
    try:
        bad.decode()
    except UnicodeError:
        print("UnicodeError", bad)
try:
    chr(0x110000)
except ValueError as e:
    print("ValueError", e)
