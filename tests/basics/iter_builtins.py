# enumerate, zip, map, filter, reversed and iterator protocol details

print(list(enumerate("abc")), list(enumerate([5, 6], 1)), list(enumerate([], 3)))
print(list(enumerate(iterable=[1], start=-1)))
e = enumerate([7, 8])
print(next(e), next(e), next(e, None), iter(e) is e)
print(list(zip()), list(zip([1, 2, 3])), list(zip([1, 2], "abc", (True, False, None))))
print(dict(zip("xyz", range(3))))
print(list(map(abs, [-1, 2, -3])), list(map(pow, [2, 3], [3, 2])), list(map(lambda a, b, c: a + b + c, [1], [2], [3, 4])))
print(list(filter(None, [0, 1, "", "a", [], [0], None])), list(filter(lambda x: x % 2, range(10))))
print(list(reversed([1, 2, 3])), list(reversed((1, 2))), list(reversed("abc")), list(reversed([])))


class Seq:
    def __len__(self):
        return 3

    def __getitem__(self, i):
        return i * 10


class HasRev:
    def __reversed__(self):
        return iter("rev")


print(list(reversed(Seq())), list(reversed(HasRev())))
try:
    reversed(5)
except TypeError:
    print("TypeError")
try:
    list(zip(1))
except TypeError:
    print("TypeError zip")
m = map(lambda x: x * 2, [1, 2])
print(next(m), next(m), next(m, "done"))


def gen():
    yield 1
    yield 2


print(list(zip(gen(), gen())), list(map(str, gen())), sorted(filter(None, gen()), reverse=True))
it = iter([1, 2, 3])
print(list(zip(it, it)))
l = [1, 2, 3]
r = reversed(l)
l.pop()
print(list(r))
d = {3: "c", 1: "a", 2: "b"}
print(list(reversed(d)), list(reversed(d.keys())), list(reversed(d.values())), list(reversed(d.items())))
