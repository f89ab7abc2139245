# list.sort and sorted: keys, reverse, stability and errors

l = [5, 3, 9, 1, 7]
l.sort()
print(l)
l.sort(reverse=True)
print(l)
print(sorted([3, 1, 2]), sorted((3, 1, 2), reverse=True), sorted("cab"), sorted({2: 0, 1: 0}))
words = ["pear", "fig", "apple", "kiwi", "banana", "date"]
print(sorted(words, key=len))
print(sorted(words, key=len, reverse=True))
pairs = [(1, "b"), (0, "x"), (1, "a"), (0, "y"), (2, "c"), (1, "c")]
print(sorted(pairs, key=lambda p: p[0]))
print(sorted(pairs, key=lambda p: p[0], reverse=True))
print(sorted(pairs))
big = [(i * 37) % 101 for i in range(101)]
print(sorted(big) == list(range(101)), sorted(big, reverse=True)[:5])
print(sorted([]), sorted([1]), sorted([2, 1]))
print(sorted([1.5, 1, -2, 0.5]))

try:
    sorted([1, "a", 2])
except TypeError:
    print("TypeError")


def bad_key(x):
    if x == 3:
        raise ValueError("bad")
    return x


l = [1, 2, 3, 4]
try:
    l.sort(key=bad_key)
except ValueError as e:
    print("ValueError", e)
print(sorted(l))


class Weird:
    # inconsistent ordering must not crash the sort
    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return (self.v * 7 + other.v) % 3 == 0


w = [Weird(i) for i in range(50)]
w.sort()
print(len(w), sorted(x.v for x in w) == list(range(50)))


class Rev:
    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return self.v > other.v

    def __repr__(self):
        return "Rev(%d)" % self.v


print(sorted([Rev(1), Rev(3), Rev(2)]))
