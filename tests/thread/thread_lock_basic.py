# The lock type on one thread: acquire/release/locked, non-blocking and timed acquire,
# the context manager, and releasing an unlocked lock.
import _thread

lock = _thread.allocate_lock()
print(type(lock) is _thread.LockType)
print(lock.locked(), lock.acquire(), lock.locked())
print(lock.acquire(False), lock.acquire(0), lock.acquire(blocking=False))
print(lock.acquire(True, 0.05), lock.acquire(timeout=0.01))
lock.release()
print(lock.locked())
try:
    lock.release()
except RuntimeError:
    print("RuntimeError")

with lock:
    print("inside", lock.locked())
print("after", lock.locked())

try:
    with lock:
        raise ValueError("boom")
except ValueError as e:
    print("ValueError", e, lock.locked())

# Two locks are independent.
other = _thread.allocate_lock()
lock.acquire()
print(other.acquire(False), other.locked(), lock.locked())
other.release()
lock.release()
