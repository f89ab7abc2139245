# MicroPython stores the low 8 bits of an int put into a bytearray (CPython raises
# ValueError), and array typecodes keep the low bits of their item size the same way.
import array

b = bytearray(3)
b[0] = -1
b[1] = 256 + 65
b[2] = -256
print(b)
b.append(-2)
b.append(511)
print(b)
m = memoryview(b)
m[0] = 300
print(b)
a = array.array("b", [0, 0])
a[0] = 200
a[1] = -129
print(a)
a = array.array("B", [0])
a[0] = -1
print(a)
try:
    b[0] = 2**70
except OverflowError as e:
    print("OverflowError")
