# cmdline: -X heapsize=32k
# gc.disable stops automatic collection (so garbage exhausts the heap), gc.enable restores
# it, and gc.threshold can be read and set.
import gc
print(gc.isenabled())
gc.disable()
print(gc.isenabled())
n = 0
try:
    for i in range(10000):
        x = bytearray(100)
        n += 1
    print("no MemoryError")
except MemoryError:
    print("MemoryError while disabled", 10 < n < 10000)
x = None
gc.collect()
y = bytearray(1000)
print("explicit collect frees", len(y))
gc.enable()
for i in range(10000):
    x = bytearray(100)
print("enabled ok", gc.isenabled())
print(gc.threshold())
gc.threshold(4096)
print(gc.threshold())
for i in range(2000):
    x = [i] * 10
gc.threshold(-1)
print(gc.threshold())
print(gc.collect() is None or gc.collect() >= 0)
