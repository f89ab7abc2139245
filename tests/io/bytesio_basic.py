# io.BytesIO: bytes in and out, buffers, readinto, seeking.
import io

b = io.BytesIO(b"line1\nline2\nline3")
print(b.read(3), b.readline(), b.readline())
print(b.read(), b.read(0))
b.seek(0)
print(list(b))

b = io.BytesIO()
print(b.write(b"abc"), b.write(bytearray(b"def")), b.write(memoryview(b"ghi")))
print(b.getvalue(), b.tell())
b.seek(2)
buf = bytearray(4)
print(b.readinto(buf), buf)
print(b.readinto(bytearray(10)), b.readinto(bytearray(10)))

# the initial value is copied, not shared
src = bytearray(b"keep")
b = io.BytesIO(src)
b.write(b"XX")
print(src, b.getvalue())

b = io.BytesIO(b"0123456789")
print(b.seek(-2, 2), b.read())
print(b.seek(-3, 1), b.read(1))
print(b.seek(-100, 1), b.read(1))

b = io.BytesIO(b"12")
b.seek(4)
b.write(b"5")
print(b.getvalue())
b.flush()

with io.BytesIO(b"w") as f:
    print(f.read())
try:
    f.getvalue()
except ValueError:
    print("ValueError")
