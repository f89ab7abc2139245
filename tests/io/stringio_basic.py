# io.StringIO: construction, reading, writing, seeking, iteration and closing.
import io

s = io.StringIO()
print(repr(s.getvalue()), repr(s.read()))
print(s.write("hello\n"), s.write("world\n"), s.tell())
print(repr(s.getvalue()))
print(repr(s.read()))
print(s.seek(0))
print(repr(s.read(3)), repr(s.readline()), repr(s.readline()), repr(s.readline()))

s = io.StringIO("abc\ndef\n\nlast")
print([line for line in s])
s.seek(0)
print(repr(next(s)))
print(repr(s.readline(2)), repr(s.readline(0)), repr(s.readline(-1)))

# writes overwrite from the current position
s = io.StringIO("0123456789")
s.seek(3)
s.write("ab")
print(s.getvalue(), s.tell())
s.seek(0, 2)
s.write("!")
print(s.getvalue())

# seeking past the end leaves a hole of NULs once written
s = io.StringIO("ab")
s.seek(5)
print(repr(s.read()))
s.write("z")
print(repr(s.getvalue()))

# read(n) counts characters, not bytes
s = io.StringIO("h\u00e9llo w\u00f6rld \u20ac\U0001f600!")
print(s.read(2), s.read(5), s.read(100), repr(s.read(1)))

# context manager closes
with io.StringIO("x") as s2:
    print(s2.read())
for op in (s2.read, s2.getvalue, lambda: s2.write("a"), s2.readline):
    try:
        op()
        print("no error")
    except ValueError:
        print("ValueError")
s2.close()
print("closed twice ok")
