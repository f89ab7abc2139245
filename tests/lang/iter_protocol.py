# User iterators and iterables, iter() with sentinel, builtins consuming iterators.
class Countdown:
    def __init__(self, n):
        self.n = n
    def __iter__(self):
        return self
    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n + 1
print(list(Countdown(4)), sum(Countdown(10)), sorted(Countdown(3)), tuple(Countdown(2)))
class Reusable:
    def __iter__(self):
        return iter([1, 2, 3])
r = Reusable()
print(list(r), list(r), 2 in r, max(r))
class GetItemOnly:
    def __getitem__(self, i):
        if i >= 3:
            raise IndexError
        return i * 10
print(list(GetItemOnly()), 20 in GetItemOnly())
it = iter([1, 2, 3])
print(next(it), list(it), list(it))
a, b, c = Countdown(3)
print(a, b, c)
print(list(zip(Countdown(3), Countdown(5))), dict(zip("ab", Countdown(2))))
print(any(x > 2 for x in Countdown(3)), all(x > 0 for x in Countdown(3)), all([]), any([]))
print(list(enumerate(Countdown(2), 10)), list(reversed(range(3))), list(range(10, 0, -3)))
try:
    iter(5)
except TypeError:
    print("TypeError")
try:
    next([1])
except TypeError:
    print("TypeError next")
m = map(lambda x: x + 1, [1, 2])
print(next(m), next(m), next(m, "end"))
