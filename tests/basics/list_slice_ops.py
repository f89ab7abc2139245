# list slicing: load, store and delete, with and without steps

l = list(range(10))
print(l[2:5], l[:3], l[7:], l[:], l[-3:], l[:-7], l[5:2], l[100:], l[-100:2])
print(l[::2], l[1::3], l[::-1], l[::-3], l[8:2:-2], l[2:8:-1], l[-1:-4:-1])
try:
    l[::0]
except ValueError:
    print("ValueError step")
m = l[:]
m[2:4] = ["a", "b", "c"]
print(m)
m[1:6] = []
print(m)
m[0:0] = [7, 7]
print(m)
m[len(m):] = (8, 9)
print(m)
m[5:2] = ["x"]
print(m)
m[:] = range(3)
print(m)
m[1:2] = m
print(m)
m[::2] = "ABC"
print(m)
m[::-1] = [5, 4, 3, 2, 1]
print(m)
try:
    m[::2] = [1]
except ValueError:
    print("ValueError extended size")
m = list(range(10))
del m[::3]
print(m)
del m[::-2]
print(m)
del m[1:3]
print(m)
del m[5:]
print(m)
del m[:]
print(m)
m = list(range(6))
del m[-2]
print(m)
m[1:3] = iter([9, 9, 9])
print(m)
print(l[slice(1, 3)], l[slice(None, None, -4)])
