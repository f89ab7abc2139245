# A thread that never blocks does not starve the others: the main thread's sleeps end on
# time and the busy thread makes progress while the main thread sleeps.
import _thread
import time

stop = False
spins = [0]


def busy():
    while not stop:
        spins[0] += 1


_thread.start_new_thread(busy, ())
late = []
for _ in range(3):
    t0 = time.time()
    time.sleep(0.1)
    dt = time.time() - t0
    late.append(dt > 0.5)
stop = True
print(late, spins[0] > 0)
