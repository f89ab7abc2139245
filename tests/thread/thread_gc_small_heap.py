# cmdline: -X heapsize=64k
# Threads allocate on a small heap, so collections run often on every thread while
# the others are switched out; their dicts and lists must come through intact. Each thread
# keeps about 4 KB live (25 entries), so six of them stay well inside the heap however
# their steps interleave (50 entries each came near 64 KB and failed now and then).
import _thread, gc
N = 6
lock = _thread.allocate_lock()
left = [N]
done = _thread.allocate_lock()
done.acquire()
res = []
def work(k):
    try:
        d = {}
        for i in range(3000):
            d[i % 25] = [k, i, str(i), (i, k)]
            s = "x%d" % i
            if d[i % 25][2] != str(i):
                res.append("BAD")
        # A loop, not a generator: closing over `k` would need memory before `try`.
        good = True
        for v in d.values():
            if v[0] != k or v[2] != str(v[1]):
                good = False
        res.append(good)
    finally:
        # Counted however the thread ends, so the main thread never waits for ever (plain
        # calls: `with` may need memory, which the allocation-failure sweep denies).
        lock.acquire()
        left[0] -= 1
        if left[0] == 0:
            done.release()
        lock.release()
for k in range(N):
    _thread.start_new_thread(work, (k,))
done.acquire()
print(res)
