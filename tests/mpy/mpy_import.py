# Importing a .mpy file: one written by upy-cross (v6.3, bytecode) from the module in the
# comment below is saved beside the test, imported, and exercised; then malformed headers are
# refused. Expected output is checked against MicroPython (CPython cannot import .mpy files).
#
#   X = 42
#   def f(a, b=2, *args, c, **kw):
#       return a + b + c + len(args) + len(kw)
#   class C:
#       def __init__(self):
#           self.v = [i * i for i in range(5)]
#   def gen():
#       yield from range(3)
#   def consts():
#       return 2 ** 100, -1.5, 'a long string constant', b'\x00\xff', (1, 'x'), 1j
#   def fail():
#       x = 1
#       raise ValueError('from mpy', x)

import os
import sys

PROBE = (
    b'M\x06\x00\x1f\x17\x01\x10probe.py\x00\x0f\x02C\x00\x02f\x00\x06gen\x00\x0cconsts\x00\x08fail\x00\x10from '
    b'mpy\x00#\x02v\x00\x14<listcomp>\x00\x02X\x00\x02a\x00\x02b\x00\x02c\x00\x81W/-5\x81yo\x82\x13\x0b\n\x06\x07\x1f1'
    b'267650600228229401496703205376\x08\x04-1.5\x05\x16a long str'
    b'ing constant\x00\x06\x02\x00\xff\x00\n\x02\x07\x011\x05\x01x\x00\t\x021j\x82T\x10\x0c\x01#HiDD\xaa\x16\x0b\x82*\x01S'
    b'3\x00\x16\x03T2\x01\x10\x024\x02\x16\x022\x02\x16\x042\x03\x16\x052\x04\x16\x06Qc\x05\x81`\xba\x89\xc0@\n\x03\x0c\r\x0e@\xb0\xb1\xf2\xb2\xf2\x12\x0f\xb3'
    b'4\x01\xf2\x12\x0f\xb44\x01\xf2c\x81\x1c\x00\x06\x02h \x11\x10\x16\x11\x10\x02\x16\x122\x00\x16\x08Qc\x01\x81$\x19\x08\x08\x15`@2\x00\x12\x13\x854\x014'
    b'\x01\xb0\x18\tQc\x01\x81(A\x08\n\x16`@+\x00\xb0_K\x08\xc1\xb1\xb1\xf4/\x14B6c\x81\x08\x88@\x06\x04\x80\x07\x12\x13\x834\x01^QhYQ'
    b'c@\x00\x06\x05\x80\t#\x00c\x81\x00\x18\x08\x06\x80\x0b"\x81\xc0\x12\x14\x10\x07\xb04\x02e'
)


def save(name, data):
    with open(name + ".mpy", "wb") as fh:
        fh.write(data)


def cleanup(*names):
    for n in names:
        try:
            os.remove(n + ".mpy")
        except OSError:
            pass


cleanup("_mpy_probe", "_mpy_bad_version", "_mpy_bad_magic")
try:
    save("_mpy_probe", PROBE)
    import _mpy_probe as m

    print(m.X, m.__name__)
    print(m.f(1, c=3), m.f(1, 2, 3, 4, c=5, d=6))
    print(m.C().v, list(m.gen()))
    print(m.consts())
    try:
        m.fail()
    except ValueError as e:
        print("ValueError", e.args)
        sys.print_exception(e)

    save("_mpy_bad_version", b"M\x05\x00\x1f" + PROBE[4:])
    try:
        import _mpy_bad_version
    except ValueError as e:
        print("ValueError", e)
    save("_mpy_bad_magic", b"C\x06\x00\x1f" + PROBE[4:])
    try:
        import _mpy_bad_magic
    except ValueError as e:
        print("ValueError", e)
finally:
    cleanup("_mpy_probe", "_mpy_bad_version", "_mpy_bad_magic")
