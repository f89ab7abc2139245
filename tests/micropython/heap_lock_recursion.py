# Deep recursion while the heap is locked raises RuntimeError: the emergency exception
# keeps its type while the traceback cannot grow any further.
import micropython


def down(n):
    if n == 0:
        return 0
    return down(n - 1)


def main():
    for depth in (5, 50, 100000):
        micropython.heap_lock()
        try:
            down(depth)
            result = "ok"
        except Exception as e:
            result = e
        micropython.heap_unlock()
        print(depth, type(result).__name__, result)


main()
