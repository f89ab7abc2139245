# sys.settrace: call, line, return and exception events of plain functions, the frames
# passed along (f_code, f_lineno, f_back, f_globals) and local trace functions.
# The .exp is MicroPython's behaviour where it differs from CPython: line events follow
# MicroPython's bytecode layout (a `for` loop reports its first pass twice, a `while`
# condition sits on the body's last line) and a frame left by an exception sends no
# `return` event.
import sys

try:
    sys.settrace
except AttributeError:
    print("SKIP")
    raise SystemExit

events = []


def where(frame):
    chain = []
    while frame:
        chain.append("%s:%d" % (frame.f_code.co_name, frame.f_lineno))
        frame = frame.f_back
    return " < ".join(chain[:3])


def tracer(frame, event, arg):
    if frame.f_globals["__name__"] != "__main__":
        return None
    print(event, where(frame))
    return tracer


def add(a, b):
    total = a + b
    return total


def loops(n):
    s = 0
    for i in range(n):
        s += add(i, 1)
    while n > 0:
        n -= 1
    return s


def fails():
    x = 1
    raise ValueError("boom")


# The handler shares its line with `except`: builds with settrace give an `except` clause
# a line-table entry of its own (as upstream's do), code compiled by mpy-cross has none.
def catches():
    try:
        fails()
    except ValueError as e: print("caught", e)  # fmt: skip
    return 0


class Point:
    def __init__(self, x):
        self.x = x

    def norm(self):
        return abs(self.x)


sys.settrace(tracer)
loops(2)
catches()
p = Point(-3)
print(p.norm())
sys.settrace(None)
print("untraced", loops(3))


# A call event returning None leaves that frame untraced; callees still get call events.
def selective(frame, event, arg):
    print("sel", event, frame.f_code.co_name)
    if frame.f_code.co_name == "add":
        return selective
    return None


sys.settrace(selective)
loops(1)
sys.settrace(None)

# The code object behind a frame.
seen = []


def keep(frame, event, arg):
    seen.append(frame)


sys.settrace(keep)
add(1, 2)
sys.settrace(None)
code = seen[0].f_code
print(code.co_name, code.co_filename.split("/")[-1], type(code.co_firstlineno))
print(type(seen[0].f_lasti), seen[0].f_back.f_code.co_name)
