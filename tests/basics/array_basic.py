# array.array: typecodes, construction, item access, slicing, comparison
from array import array
for tc in "bBhHiIlLqQ":
    a = array(tc, [1, 2, 3])
    print(a, len(a), a[0], a[-1], list(a), a[1:], a[::-1])
print(array("h", b"\x01\x00\x02\x00"), array("H", array("b", [1, 2])), array("i", (x * x for x in range(4))))
print(array("f", [1.5, 2]), array("d", [0.25]), array("b"), bool(array("b")), bool(array("b", [0])))
a = array("i", [1, 2, 3])
a.append(4)
a.extend([5, 6])
a.extend(array("i", [7]))
a += array("i", [8])
a[0] = -1
print(a, a + array("i", [9]))
a[1:3] = array("i", [20, 30, 40])
print(a)
del a[0]
del a[::2]
print(a)
print(array("b", [1, 2]) == array("B", [1, 2]), array("B", [1, 2]) < array("B", [1, 3]), array("b", [1]) == b"\x01")
print(2 in array("b", [1, 2]), 5 in array("b", [1, 2]), b"\x01" in bytes(array("b", [1])))
m = memoryview(array("h", [1, -2, 3]))
print(len(m), m[1], list(m[1:]))
m[0] = 100
print(m[0], bytes(array("B", [65, 66])), bytearray(array("b", [67])))
try:
    array("X")
except ValueError:
    print("ValueError")
try:
    array("b", [1])[5]
except IndexError:
    print("IndexError")
