# heapq: push, pop and heapify keep the smallest item first
import heapq

h = []
for x in (5, 1, 8, 3, 9, 2, 7):
    heapq.heappush(h, x)
print(h[0], len(h))
print([heapq.heappop(h) for _ in range(len(h))])

h = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
heapq.heapify(h)
print(h[0], [heapq.heappop(h) for _ in range(4)], len(h))

h = []
for t in ((2, "b"), (1, "z"), (1, "a"), (3, "c")):
    heapq.heappush(h, t)
print([heapq.heappop(h) for _ in range(4)])

try:
    heapq.heappop([])
except IndexError:
    print("IndexError")
try:
    heapq.heappush((), 1)
except TypeError:
    print("TypeError")
