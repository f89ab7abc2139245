# sys.print_exception: tracebacks through functions and generators, to stdout or a stream.
import sys
import io
def inner():
    raise ValueError("bad", 42)
def outer():
    inner()
try:
    outer()
except ValueError as e:
    sys.print_exception(e)
    buf = io.StringIO()
    sys.print_exception(e, buf)
    s = buf.getvalue()
    print(len(s.splitlines()), s.splitlines()[-1])
try:
    try:
        1 // 0
    except ZeroDivisionError:
        raise KeyError("k")
except KeyError as e:
    sys.print_exception(e)
e = TypeError("never raised")
sys.print_exception(e)
def gen():
    yield 1
    raise OSError(5)
try:
    for v in gen():
        pass
except OSError as e:
    sys.print_exception(e)
class MyErr(Exception):
    pass
try:
    raise MyErr
except MyErr as e:
    sys.print_exception(e)
