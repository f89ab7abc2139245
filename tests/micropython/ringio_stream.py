# micropython.RingIO: a ring buffer stream that wraps around, over its own storage or a
# caller's bytearray.
import micropython

r = micropython.RingIO(5)
print(r, r.any())
print(r.write(b"abc"), r.read(2), r.any())
print(r.write(b"defgh"), r.any())
print(r.read())
print(r.write(b"line1\nline2"), r.readline(), r.any())
buf = bytearray(3)
print(r.readinto(buf), buf)
store = bytearray(4)
r2 = micropython.RingIO(store)
print(r2.write(b"xyz!"), r2.read(), store)
for bad in (0, 65535, bytearray(1), None):
    try:
        micropython.RingIO(bad)
    except (ValueError, TypeError) as e:
        print(type(e).__name__)
