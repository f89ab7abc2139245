# Unbounded recursion inside a thread raises RuntimeError (RecursionError in CPython is a
# subclass) in that thread, which then carries on.
import _thread

done = _thread.allocate_lock()
done.acquire()
out = []


def down(n):
    return down(n + 1)


def work():
    # The lock is released however the thread ends (even by MemoryError), so the main
    # thread never waits for ever.
    try:
        try:
            down(0)
        except RuntimeError:
            out.append("RuntimeError")
        out.append(sum(range(10)))
    finally:
        done.release()


_thread.start_new_thread(work, ())
done.acquire()
print(out)
