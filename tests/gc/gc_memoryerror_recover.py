# cmdline: -X heapsize=16k
# A failed big allocation raises MemoryError; the interpreter then carries on computing.
try:
    big = bytearray(100000)
    print("allocated?!")
except MemoryError:
    print("MemoryError")
total = 0
for i in range(1000):
    total += i * i
print(total)
words = ["w%d" % i for i in range(30)]
print(len(words), words[-1], "-".join(words[:5]))
del words
d = {i: str(i) for i in range(20)}
print(sum(d), "".join(d[k] for k in range(10)))
try:
    huge = [0] * 100000
except MemoryError:
    print("MemoryError list")
try:
    s = "x" * 100000
except MemoryError:
    print("MemoryError str")
small = bytearray(1000)
small[999] = 7
print(len(small), small[999], sum(small))
def fact(n):
    r = 1
    for k in range(2, n + 1):
        r *= k
    return r
print(fact(30))
