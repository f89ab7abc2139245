# Subscripts of lists, tuples and bytearrays by small ints take a fast path in the VM;
# the edges must still behave as the generic path does.
l = [10, 20, 30]
t = (1, 2, 3)
b = bytearray(b"abc")
print(l[0], l[-1], l[-3], t[1], t[-1], b[0], b[-1])
for seq in (l, t, b):
    for i in (3, -4, 100, -100):
        try:
            seq[i]
        except IndexError as e:
            print("IndexError", type(seq).__name__, i)
l[1] = "x"
l[-1] = None
print(l)
for i in (3, -4):
    try:
        l[i] = 0
    except IndexError:
        print("IndexError store", i)
b[0] = 65
b[-1] = 255
print(b)
try:
    b[5] = 1
except IndexError:
    print("IndexError store bytearray")
b[1] = True
print(b)


class L(list):
    def __getitem__(self, i):
        return ("sub", i)

    def __setitem__(self, i, v):
        print("set", i, v)


s = L([1, 2])
print(s[0], s[-1])
s[0] = 5
print(list(s))


class T(tuple):
    def __getitem__(self, i):
        return "tuple-sub"


print(T((1, 2))[0])
del l[0]
print(l, l[0])
print(l[True], t[False])
