# sys.exc_info(): the exception being handled, also seen from functions called by the
# handler, and Nones outside any handler.
import sys


def show():
    t, v, _ = sys.exc_info()
    print(t, v.args if v is not None else v)


show()
try:
    raise KeyError("k")
except KeyError:
    show()
    print(sys.exc_info()[0] is KeyError)
show()
for i in range(2):
    try:
        1 / i
    except ZeroDivisionError as e:
        print(sys.exc_info()[1] is e)
show()
