# set algebra results print in CPython's order: unions, intersections, differences and
# symmetric differences of random int sets (with deleted slots), as operators, methods
# and in-place updates

seed = 99


def rand(n):
    global seed
    seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
    return seed % n


def rand_set():
    s = set()
    for _ in range(rand(40)):
        s.add(rand(150) - 30)
    for _ in range(rand(10)):
        s.discard(rand(150) - 30)
    return s


for i in range(60):
    a = rand_set()
    b = rand_set()
    lb = list(b)
    print(a | b, a & b, a - b, a ^ b)
    print(a.union(lb), a.intersection(lb), a.difference(lb), a.symmetric_difference(lb))
    c = set(a)
    op = i % 4
    if op == 0:
        c |= b
    elif op == 1:
        c &= b
    elif op == 2:
        c -= b
    else:
        c ^= b
    print(c, frozenset(a) | b, b | frozenset(a))
