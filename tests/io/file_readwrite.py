# Files: modes, reading and writing in text and binary, seek/tell, iteration, closing.
import os

NAME = "_file_readwrite.tmp"

with open(NAME, "w") as f:
    print(f.write("first line\n"), f.write("second\n"), f.write("third"))
    f.flush()

with open(NAME) as f:
    print(repr(f.read(5)), repr(f.readline()), repr(f.read()))
    print(repr(f.read()))

f = open(NAME, "r")
print(f.readlines())
f.close()
f.close()

with open(NAME, "rb") as f:
    print([line for line in f])
    print(f.seek(6), f.read(4), f.tell())
    print(f.seek(-5, 2), f.read(), f.tell())
    print(f.seek(0), f.readline(3), f.readline())
    b = bytearray(6)
    print(f.readinto(b), b)

with open(NAME, "a") as f:
    f.write("\nappended")
with open(NAME) as f:
    for line in f:
        print(repr(line))

with open(NAME, "r+b") as f:
    f.write(b"FIRST")
    f.seek(0)
    print(f.read(11))

with open(NAME, "w+") as f:
    f.write("fresh")
    f.seek(0)
    print(repr(f.read()))

# unicode text is read by characters
with open(NAME, "w", encoding="utf-8") as f:
    f.write("\u00e9t\u00e9 \u20ac\n")
with open(NAME, encoding="utf-8") as f:
    print(f.read(2), f.read(3), repr(f.read()))
with open(NAME, "rb") as f:
    print(f.read())

# writing to a file opened for reading, reading from one opened for writing
f = open(NAME)
try:
    f.write("x")
except OSError:
    print("OSError")
f.close()
f = open(NAME, "ab")
try:
    f.read()
except OSError:
    print("OSError")
f.close()

# operations on a closed file
for op in (f.read, f.readline, lambda: f.write(b"x"), lambda: f.seek(0)):
    try:
        op()
    except ValueError:
        print("ValueError")

# print() to a file
with open(NAME, "w") as f:
    print("a", 1, file=f)
    print("b", end="!", file=f)
with open(NAME) as f:
    print(repr(f.read()))

os.remove(NAME)
