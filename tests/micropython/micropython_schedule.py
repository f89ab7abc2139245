# micropython.schedule: callbacks run soon after scheduling, in order, with their argument;
# a full queue raises RuntimeError.
import micropython
log = []
def cb(arg):
    log.append(arg)
micropython.schedule(cb, "first")
micropython.schedule(cb, 2)
for i in range(10):
    pass
print(log)
log.clear()
def nested(arg):
    log.append(("outer", arg))
    micropython.schedule(cb, "from callback")
micropython.schedule(nested, 1)
for i in range(20):
    pass
print(log)
log.clear()
# Loops let pending callbacks run, so the queue never fills here.
n = 0
for i in range(100):
    micropython.schedule(cb, i)
    n += 1
for i in range(10):
    pass
print(n, log == list(range(n)))
try:
    micropython.schedule(cb)
except TypeError:
    print("TypeError")
