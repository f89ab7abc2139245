# dict keeps insertion order through a long deterministic mix of stores, deletes,
# pops and copies, with int, str and tuple keys

seed = 777


def rand(n):
    global seed
    seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
    return seed % n


def key():
    k = rand(60)
    kind = rand(3)
    if kind == 0:
        return k
    if kind == 1:
        return "k%d" % k
    return (k, k % 7)


d = {}
for step in range(1500):
    op = rand(12)
    if op < 6:
        d[key()] = step
    elif op < 9:
        d.pop(key(), None)
    elif op == 9 and d:
        d.popitem()
    elif op == 10:
        k = key()
        if k in d:
            del d[k]
    else:
        d = dict(d) if rand(2) else d.copy()
    if step % 100 == 0:
        print(len(d), list(d)[:8])
print(d)
print(sum(d.values()), len(d.keys()), len(d.items()))
