# time.ticks_*: wrapping arithmetic on the tick circle (MicroPython).
import time

MAX = time.ticks_add(0, -1)
HALF = MAX // 2 + 1
print(MAX > 0, time.ticks_add(MAX, 1), time.ticks_add(10, -3), time.ticks_add(10, 3))
print(time.ticks_diff(1, 0), time.ticks_diff(0, 1), time.ticks_diff(0, MAX), time.ticks_diff(MAX, 0))
print(time.ticks_diff(HALF, 1) == HALF - 1, time.ticks_diff(HALF, 0) == -HALF)
for d in (HALF, -HALF):
    try:
        time.ticks_add(0, d)
    except OverflowError as e:
        print("OverflowError", e)
print(time.ticks_diff(time.ticks_add(5, HALF - 1), 5) == HALF - 1)

t0 = time.ticks_ms()
time.sleep_ms(20)
d = time.ticks_diff(time.ticks_ms(), t0)
print(15 <= d < 1000)
t0 = time.ticks_us()
time.sleep_us(2000)
print(1500 <= time.ticks_diff(time.ticks_us(), t0) < 1000000)
time.sleep_ms(-1)
time.sleep_us(0)
print(time.ticks_diff(time.ticks_cpu(), time.ticks_cpu()) <= 0)
