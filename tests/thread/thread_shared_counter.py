# Several threads update shared objects under a lock; the totals come out exact.
import _thread

N_THREADS = 4
N_ITER = 500

lock = _thread.allocate_lock()
all_done = _thread.allocate_lock()
counter = [0]
seen = {}
left = N_THREADS
all_done.acquire()


def work(tid):
    global left
    try:
        for i in range(N_ITER):
            with lock:
                counter[0] += 1
                seen[(tid, i)] = i * tid
    finally:
        # Counted however the thread ends, so the main thread never waits for ever (plain
        # calls: `with` may need memory, which the allocation-failure sweep denies).
        lock.acquire()
        left -= 1
        if left == 0:
            all_done.release()
        lock.release()


for t in range(N_THREADS):
    _thread.start_new_thread(work, (t,))
all_done.acquire()
print(counter[0], len(seen), sum(seen.values()))
