# micropython.heap_lock is per thread: a thread may allocate while the main thread has
# the heap locked and waits for it.
import _thread
import micropython

go = _thread.allocate_lock()
back = _thread.allocate_lock()
go.acquire()
back.acquire()
out = []
locked_here = False


def work():
    go.acquire()
    try:
        out.append([i * i for i in range(5)])
    finally:
        back.release()


_thread.start_new_thread(work, ())
micropython.heap_lock()
go.release()
back.acquire()
try:
    [1, 2]
except MemoryError:
    locked_here = True
micropython.heap_unlock()
print(out, locked_here)
