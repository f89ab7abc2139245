# cmdline: -X heapsize=48k
# Build strings, bytes and bytearrays of many sizes, drop most of them, keep a few, and
# check the kept ones after each collection (fragmentation and reuse of freed blocks).
import gc
kept = []
sums = []
def fp(s):
    h = 0
    for c in s:
        h = (h * 31 + (c if isinstance(c, int) else ord(c))) % 1000003
    return h
for rnd in range(60):
    size = (rnd * 37) % 300 + 1
    tmp = ["%d:" % rnd + "x" * size for _ in range(4)]
    tmpb = [bytes(range(size % 256)) for _ in range(3)]
    ba = bytearray(size)
    for i in range(size):
        ba[i] = (i * rnd) & 0xFF
    if rnd % 6 == 0:
        kept.append(tmp[0])
        kept.append(bytes(ba))
        sums.append(fp(tmp[0]))
        sums.append(fp(bytes(ba)))
    if rnd % 7 == 0:
        gc.collect()
    for k, v in zip(kept, sums):
        assert fp(k) == v, "corrupted"
    del tmp, tmpb, ba
gc.collect()
print(len(kept), sum(sums) % 1000003, all(fp(k) == v for k, v in zip(kept, sums)))
print(sum(len(k) for k in kept))
