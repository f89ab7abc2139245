# A callback scheduled from inside a callback runs after it, at a later event check
# (time.sleep(0) is one); scheduling kbd_intr is refused on this port (ValueError).
import micropython, time

try:
    micropython.schedule(micropython.kbd_intr, None)
except ValueError:
    print("ValueError")

order = []


def inner(_):
    order.append("inner")


def outer(_):
    micropython.schedule(inner, None)
    time.sleep(0)
    order.append("outer")


micropython.schedule(outer, None)
time.sleep(0)
time.sleep(0)
print(order)
