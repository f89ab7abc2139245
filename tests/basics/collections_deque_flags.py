# collections.deque: MicroPython's flags argument (1 = raise when full) and its messages
from collections import deque

d = deque((), 2, 1)
d.append(1)
d.append(2)
try:
    d.append(3)
except IndexError as e:
    print("IndexError", e)
try:
    d.appendleft(0)
except IndexError as e:
    print("IndexError", e)
print(list(d))
d.pop()
d.pop()
try:
    d.pop()
except IndexError as e:
    print("IndexError", e)
try:
    deque((), -1)
except ValueError:
    print("ValueError")
try:
    deque(())
except TypeError:
    print("TypeError")
