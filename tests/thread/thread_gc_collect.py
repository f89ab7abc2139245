# Threads allocate and run the collector while other threads hold live objects in their
# frames and locals: nothing reachable from any thread may be freed.
import _thread
import gc

N_THREADS = 3
lock = _thread.allocate_lock()
all_done = _thread.allocate_lock()
all_done.acquire()
left = N_THREADS
ok = []


def make(n, seed):
    return [(seed, i, str(i) * 3, [i] * 3) for i in range(n)]


def check(data, seed):
    return all(t == (seed, i, str(i) * 3, [i] * 3) for i, t in enumerate(data))


def work(seed):
    global left
    try:
        kept = make(50, seed)
        buf = bytearray(range(256))
        for round in range(20):
            junk = make(20, -1)
            if round % 5 == 0:
                gc.collect()
            del junk
        ok.append(check(kept, seed) and buf == bytearray(range(256)))
    finally:
        # Counted however the thread ends, so the main thread never waits for ever (plain
        # calls: `with` may need memory, which the allocation-failure sweep denies).
        lock.acquire()
        left -= 1
        if left == 0:
            all_done.release()
        lock.release()


for s in range(N_THREADS):
    _thread.start_new_thread(work, (s + 1,))
# The main thread allocates and collects meanwhile.
mine = make(100, 0)
for _ in range(10):
    gc.collect()
    make(30, -2)
all_done.acquire()
print(ok, check(mine, 0))
