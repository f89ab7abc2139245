# cmdline: -X heapsize=128k
# Reference cycles are reclaimed by the collector: free memory recovers after they are
# dropped.
import gc
class Pair:
    def __init__(self):
        self.other = None
        self.payload = bytearray(64)
def make_cycles(n):
    keep = []
    for i in range(n):
        a = Pair()
        b = Pair()
        a.other = b
        b.other = a
        l = [a]
        l.append(l)
        d = {"self": None, "i": i}
        d["self"] = d
        keep.append((a, l, d))
    return len(keep)
gc.collect()
base = gc.mem_free()
print(make_cycles(100))
mid = gc.mem_free()
gc.collect()
after = gc.mem_free()
print("used while live", base - mid > 0)
print("recovered", after >= base - 2048, after > mid)
for rnd in range(20):
    make_cycles(50)
gc.collect()
final = gc.mem_free()
print("no leak over rounds", final >= base - 2048)
print(gc.mem_alloc() + gc.mem_free() > 100000)
