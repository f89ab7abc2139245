# Calling a classmethod of a built-in type needs no heap.
import micropython


def run():
    micropython.heap_lock()
    a = int.from_bytes(b"\x01\x02", "little")
    b = int.from_bytes(b"\x01\x02", "big")
    micropython.heap_unlock()
    print(a, b)
    print(dict.fromkeys("ab", 0))


run()
