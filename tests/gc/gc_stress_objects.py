# cmdline: -X heapsize=96k
# Closures, generators, class instances and big ints created and dropped in bulk under a
# small heap; the survivors are checked after every collection.
import gc
class Node:
    def __init__(self, val, nxt=None):
        self.val = val
        self.nxt = nxt
        self.tag = "n%d" % val
def make_counter(start):
    n = [start]
    def step(k=1):
        n[0] += k
        return n[0]
    return step
def gen_squares(n):
    for i in range(n):
        yield i * i
def chain_sum(node):
    s = 0
    while node:
        s += node.val
        assert node.tag == "n%d" % node.val
        node = node.nxt
    return s
head = None
for i in range(50):
    head = Node(i, head)
counters = [make_counter(i * 100) for i in range(10)]
gens = [gen_squares(100) for _ in range(5)]
bigs = [2 ** (64 + i) + i for i in range(20)]
big_sum = sum(bigs)
ok = True
for rnd in range(30):
    junk = [Node(j) for j in range(40)]
    junk_closures = [make_counter(j) for j in range(30)]
    junk_big = [(3 ** 50) * j for j in range(20)]
    junk_gen = list(gen_squares(60))
    for c in counters:
        c()
    for g in gens:
        next(g)
    if rnd % 4 == 0:
        gc.collect()
    if chain_sum(head) != sum(range(50)):
        ok = False
    if sum(bigs) != big_sum or bigs[19] % 1000 != (2 ** 83 + 19) % 1000:
        ok = False
    del junk, junk_closures, junk_big, junk_gen
gc.collect()
print(ok, chain_sum(head), [c(0) for c in counters][:3], [next(g) for g in gens], big_sum % 1000003)
print([sum(g) for g in gens])
