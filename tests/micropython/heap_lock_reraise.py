# A preallocated exception can be raised with the heap locked once its traceback is
# cleared, and same-size slice stores into a bytearray need no heap.
import micropython

exc = ValueError("pre")
try:
    raise exc
except ValueError:
    pass

def raise_locked():
    micropython.heap_lock()
    exc.__traceback__ = None
    try:
        raise exc
    except ValueError as e:
        r = e is exc
    micropython.heap_unlock()
    return r

for _ in range(5):
    print(raise_locked())

b = bytearray(b"0123456789")
m = memoryview(b)
micropython.heap_lock()
b[0:2] = b"ab"
m[8:10] = b"yz"
micropython.heap_unlock()
print(b)
