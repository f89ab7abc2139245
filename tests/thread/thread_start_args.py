# start_new_thread passes positional and keyword arguments; the caller waits on a lock
# the thread releases, so the output order is fixed.
import _thread

results = []
done = _thread.allocate_lock()


def worker(a, b, c=3, d=None):
    try:
        results.append((a, b, c, d))
    finally:
        done.release()


def run(args, kwargs=None):
    done.acquire()
    if kwargs is None:
        _thread.start_new_thread(worker, args)
    else:
        _thread.start_new_thread(worker, args, kwargs)
    done.acquire()
    done.release()
    print(results.pop())


run((1, 2))
run((4, 5, 6, 7))
run((1,), {"b": 8})
run((1, 2), {"c": 9, "d": "x"})

# A bound method and a built-in work as thread functions too.
class Box:
    def __init__(self):
        self.v = None

    def put(self, v):
        try:
            self.v = v
        finally:
            done.release()


b = Box()
done.acquire()
_thread.start_new_thread(b.put, ("boxed",))
done.acquire()
done.release()
print(b.v)

for bad in [(worker, 1), (worker, (1, 2), [])]:
    try:
        _thread.start_new_thread(*bad)
    except TypeError:
        print("TypeError")
