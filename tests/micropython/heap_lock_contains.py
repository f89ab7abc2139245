# `int in bytes` needs no heap.
import micropython


def check(b):
    micropython.heap_lock()
    r1 = 1 in b
    r2 = 255 in b
    r3 = 3 in b
    r4 = 256 in b
    r5 = -1 in b
    micropython.heap_unlock()
    print(r1, r2, r3, r4, r5)


check(b"\x01\x02\xff")
