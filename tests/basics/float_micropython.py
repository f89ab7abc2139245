# where MicroPython's floats deliberately differ from CPython

# %f output that would not fit upstream's 32-byte buffer switches to %g
print("%.2f" % 8.888e32, "%.1f" % -1e31, "%f" % 1e20)
# huge ints convert to inf instead of raising OverflowError
print(float(10**400), -(10**400) * 1.0)
# 0.0 to a negative power: ZeroDivisionError with upstream's text
try:
    0.0 ** -1
except ZeroDivisionError as e:
    print("ZeroDivisionError", e)
# float division by zero, upstream's text
try:
    1.0 / 0
except ZeroDivisionError as e:
    print("ZeroDivisionError", e)
# int parse errors carry upstream's text
try:
    int("12x")
except ValueError as e:
    print("ValueError", e)
try:
    float("1.2.3")
except ValueError as e:
    print("ValueError", e)
try:
    int(float("inf"))
except OverflowError as e:
    print("OverflowError", e)
# math domain errors are ValueError even for overflow
import math
try:
    math.exp(1000)
except ValueError as e:
    print("ValueError", e)
