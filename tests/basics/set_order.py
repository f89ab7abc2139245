# set iteration order follows the hash table layout (as CPython's): check it stays the same
# through a long deterministic mix of adds, discards, pops and copies

seed = 12345


def rand(n):
    global seed
    seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
    return seed % n


s = set()
for step in range(400):
    op = rand(10)
    if op < 5:
        s.add(rand(200) - 20)
    elif op < 8:
        s.discard(rand(200) - 20)
    elif op == 8 and s:
        s.pop()
    else:
        s = set(s) if rand(2) else s.copy()
    if step % 20 == 0:
        print(s)
print(s)
t = {rand(1000) for _ in range(60)}
print(t)
print(t - {x for x in t if x % 3}, t & set(range(0, 1000, 7)), t ^ set(range(50)))
print(set((i * 13) % 64 for i in range(64)))
print({-1, -2, 7}, {-5, 3, 11, 19})
print({x for x in (-1, -2, 7)}, set([-2, -1, 7]))
print({1.5, 2, 0.5}, {(1, 2), (2, 1)}, {None, 0, (0,)})
print({0.25, 1.5, -2.5, 3.75, 100.125}, {x / 4 for x in range(-10, 10)})
