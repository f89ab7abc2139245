# Special methods of a Python class run with the heap locked: iteration through
# __iter__/__next__ (also under `yield from`) and len() through __len__.
import micropython


class Count:
    def __init__(self, n):
        self.i = 0
        self.n = n

    def __iter__(self):
        return self

    def __next__(self):
        if self.i >= self.n:
            raise StopIteration
        self.i += 1
        return self.i

    def __len__(self):
        return self.n


def relay(it):
    yield from it


def run():
    c = Count(3)
    g = relay(Count(5))
    micropython.heap_lock()
    total = 0
    for x in c:
        total += x
    a = next(g)
    b = next(g)
    n = len(c)
    micropython.heap_unlock()
    print(total, a, b, n)


run()
