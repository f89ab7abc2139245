# Generators: yield, yield from, generator expressions, closures and iterator chains.


def count(n):
    i = 0
    while i < n:
        yield i
        i += 1


def evens(it):
    for x in it:
        if x % 2 == 0:
            yield x


def chain(*its):
    for it in its:
        yield from it


def make_scaler(k):
    def scale(x):
        return x * k

    return scale


def run(n):
    triple = make_scaler(3)
    total = 0
    for x in chain(evens(count(n)), (y * y for y in range(n // 10))):
        total = (total + triple(x)) & 0x3FFFFFFF
    total += sum(map(triple, filter(lambda v: v % 7 == 0, range(n // 4))))
    pairs = list(zip(range(1000), count(1000)))
    total += sum(a * b for a, b in pairs) & 0xFFFF
    return total & 0x3FFFFFFF


print(run(2400000))
