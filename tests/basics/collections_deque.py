# collections.deque with a maxlen: both ends, indexing, iteration, overflow drops items
from collections import deque

d = deque((), 3)
print(len(d), bool(d), list(d))
d.append(1)
d.append(2)
d.appendleft(0)
print(len(d), bool(d), list(d), d[0], d[-1])
d.append(3)
print(list(d))
d.appendleft(-1)
print(list(d))
d.extend([7, 8])
print(list(d))
d[1] = 70
print(list(d), [x for x in d])
print(d.pop(), d.popleft(), list(d))
print(d.pop(), len(d))
for f in (d.pop, d.popleft):
    try:
        f()
    except IndexError:
        print("IndexError")
try:
    d[0]
except IndexError:
    print("IndexError")

d = deque([1, 2, 3, 4, 5], 2)
print(list(d))
d = deque(range(3), 0)
print(list(d), len(d))
