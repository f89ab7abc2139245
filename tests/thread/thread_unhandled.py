# An exception a thread does not catch is printed with the function that started the
# thread; the program goes on. SystemExit is not printed.
import _thread
import time


class Boom:
    def __init__(self, msg):
        raise ValueError(msg)


def leave():
    raise SystemExit


_thread.start_new_thread(leave, ())
_thread.start_new_thread(Boom, ("bad value",))
time.sleep(0.3)
print("main goes on")
