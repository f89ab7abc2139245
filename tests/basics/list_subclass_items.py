# subclasses of list and tuple can call the item dunders through super(); iteration stays the base's
class L(list):
    def __getitem__(self, i):
        print("get", i)
        return super().__getitem__(i)
    def __setitem__(self, i, v):
        super().__setitem__(i, v * 10)
    def __delitem__(self, i):
        print("del", i)
        super().__delitem__(i)
l = L([1, 2, 3])
print(l[0], l[1:])
l[0] = 5
del l[1]
print(l, list.__getitem__([7, 8], -1), len(l))
class T(tuple):
    def __getitem__(self, i):
        return super().__getitem__(i) * 2
t = T((1, 2))
print(t[1], tuple.__getitem__((4, 5), 0))
for x in l:
    print(x)
class I(int):
    def __getitem__(self, i):
        if i > 2:
            raise IndexError
        return i + self
print(list(I(10)))
