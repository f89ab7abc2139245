# micropython.heap_lock/heap_unlock: allocation raises MemoryError while locked; locks nest.
import micropython
l = [1, 2, 3]
total = 0
micropython.heap_lock()
try:
    x = [0] * 100
    print("allocated?!")
except MemoryError:
    print("MemoryError list")
try:
    s = "abc" + str(12345)
    print("allocated?!")
except MemoryError:
    print("MemoryError str")
# Operations that need no new memory still work.
total = l[0] + l[1] + l[2]
l[0] = 10
print("sum ok")
micropython.heap_lock()
print(micropython.heap_unlock())
try:
    d = {"k": 1}
    print("allocated?!")
except MemoryError:
    print("MemoryError still locked")
print(micropython.heap_unlock())
print(total, [v * 2 for v in l], "heap usable again")
