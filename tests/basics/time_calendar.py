# time.gmtime and time.mktime: 9-tuples, weekday Monday=0, day of year from 1.
import time

for t in (0, 1, 59, 86399, 86400, 951782400, 951868800, 1234567890, 4102444800, -1, -86401):
    print(t, tuple(time.gmtime(t)))

print(tuple(time.gmtime(1.9)))

# mktime inverts localtime, whatever the time zone
for t in (0, 86400 * 365, 1000000000, 1700000000):
    print(time.mktime(time.localtime(t)) == t)

lt = time.localtime()
print(len(lt), 1 <= lt[1] <= 12, 1 <= lt[2] <= 31, 0 <= lt[6] <= 6, 1 <= lt[7] <= 366)

try:
    time.mktime((2000, 1, 1))
except TypeError:
    print("TypeError")
