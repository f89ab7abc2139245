# array.array: construction, repr, items, slices, operators, buffer protocol
from array import array

a = array("i", [1, 2, 3])
print(a, len(a), a[0], a[-1], list(a))
print(array("f"), array("d", [1.5, -2.0]), array("b", b"\x01\xff"))
print(array("h", b"\x01\x02\x03\x04"), array("B", bytearray(b"ab")))
print(array("I", range(3)), array("q", (-1, 2**40)))

a.append(4)
a.extend([5, 6])
a.extend(array("i", [7]))
print(a)
a[0] = 10
a[-1] = 70
print(a, a[1:3], a[:0], a[5:])
a[1:3] = array("i", [20, 30, 40])
print(a)
a[0:2] = array("i")
print(a)

print(a + array("i", [100]), array("b", [1]) + array("b", [2, 3]))
b = array("H", [1, 2])
b += array("H", [3])
print(b)

print(array("i", [1, 2]) == array("i", [1, 2]), array("i", [1, 2]) == array("i", [1]))
print(array("B", [1, 2]) < array("B", [1, 3]), array("B", [2]) > array("B", [1, 9]))
print(bool(array("i")), bool(array("i", [0])))
print(bytes(array("h", [1, -1])), bytes(array("B", [65, 66])))
m = memoryview(array("i", [5, 6, 7]))
print(len(m), m[1])
print([x * 2 for x in array("d", [0.5, 1.5])])

try:
    array("X")
except ValueError:
    print("ValueError")
try:
    a[100]
except IndexError:
    print("IndexError")


class A(array):
    pass


print(list(A("b", [1, 2])))
