# MicroPython-specific behaviour of bytes, bytearray and float formatting
# (differs from CPython on purpose, hence the .exp file)
print(b"a" + "b", "a" in b"abc", b"a" < "b")
print(bytearray(b"ab") + "c", bytearray(b"ab") == "ab")
try:
    hash(bytearray())
except TypeError as e:
    print("TypeError", e)
print("{:10}|{:.3}".format(0.1 + 0.2, 1.0))
print("%.2f" % 8.888e32)
try:
    "abc".center(6, "*")
except TypeError:
    print("TypeError")
try:
    "{:10}".format(None)
except TypeError as e:
    print("TypeError", e)
try:
    "{!x}".format(1)
except ValueError as e:
    print("ValueError", e)
print("{:+}".format("a"))
try:
    "a" < b"b"
except TypeError as e:
    print("TypeError", e)
