# Literal forms: numbers, strings with escapes, raw, bytes, implicit concatenation, continuation.
print(0x1F, 0o17, 0b1011, 1_000_000, 0x_ff, 1e3, 2.5e-3, .5, 5., 1E2, 0.0, 00)
print("tab\there", 'quote\'s', "new\\nline", "\x41\x42", "\u00e9\u4e2d", "\101", "a\
b")
print(r"raw\n\t", rb"raw\x00", b"\x00\x7f\xff", br"\d+")
print("con" "cat" 'en' """ation""", len("""line1
line2"""), '''single ''' "mixed")
total = (1 +
         2 +
         3)
items = [
    1,
    2,
]
print(total, items, {"a": 1,
                     "b": 2}["b"])
x = 1; y = 2; print(x + y)
if x: print("one-line if")
for i in range(2): print("one-line for", i)
print(not-1, - -1, +-+1, ~~5, 2**-1, -2**2, (-2)**2)
print(1 if True else 2, [1, 2][True], "ab"[False])
