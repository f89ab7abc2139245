# random slice loads, stores and deletes (all step signs) agree with a reference model

seed = 4242


def rand(n):
    global seed
    seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
    return seed % n


def bound():
    r = rand(5)
    if r == 0:
        return None
    return rand(30) - 15


l = list(range(12))
for step in range(600):
    a, b = bound(), bound()
    c = rand(7) - 3
    if c == 0:
        c = None
    s = slice(a, b, c)
    op = rand(4)
    if op == 0:
        print(l[s])
    elif op == 1:
        n = len(range(*s.indices(len(l))))
        if c is None or c == 1:
            n = rand(4)
        l[s] = [step * 10 + i for i in range(n)]
    elif op == 2:
        del l[s]
    else:
        l.insert(rand(30) - 15, step)
    if len(l) > 40:
        del l[20:]
    if step % 50 == 0:
        print(l)
print(l)
