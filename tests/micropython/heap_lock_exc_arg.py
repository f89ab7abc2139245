# With the heap locked, a raised exception keeps its single argument.
import micropython

def raise_locked(exc_type, arg):
    micropython.heap_lock()
    try:
        raise exc_type(arg)
    except Exception as e:
        caught = e
    micropython.heap_unlock()
    return caught

e = raise_locked(ValueError, 42)
print(type(e).__name__, e.args, e)
e = raise_locked(KeyError, "k")
print(type(e).__name__, e.args)
micropython.heap_lock()
try:
    bytearray(100)
except MemoryError as e:
    micropython.heap_unlock()
    print(repr(e))
micropython.heap_unlock()
