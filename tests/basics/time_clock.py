# time.time, time.time_ns and time.sleep agree with each other.
import time

t = time.time()
n = time.time_ns()
print(type(t), type(n))
print(abs(t * 1000 - n // 1000000) < 1000)
n0 = time.time_ns()
time.sleep(0.01)
print(5000000 < time.time_ns() - n0 < 1000000000)
time.sleep(0)
