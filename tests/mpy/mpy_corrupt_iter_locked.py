# A `for` loop in a .mpy file whose frame is too small for the loop's four iterator slots,
# run with the heap locked (the one case where .mpy code keeps an iterator in the stack
# slots): the VM must raise RuntimeError at the loop's start, run the `finally` (which
# unlocks the heap) and go on. The module is mpy-cross's output for the source below with
# its frame cut from 8 slots to 3 (the signature byte after the raw code's header).
#
#   import micropython
#   micropython.heap_lock()
#   try:
#       for x in b"abc":
#           pass
#   finally:
#       micropython.heap_unlock()
import os
import sys

MPY = bytearray(
    b'M\x06\x00\x1f\x06\x01\x08m.py\x00\x0f\x81g\x12heap_lock\x00\x16heap_unlock\x00\x02'
    b'x\x00\x06\x03abc\x00\x82X<\x0c\x01&\'"\'C\x80Q\x1b\x02\x16\x02\x11\x02\x14\x036\x00YI'
    b'\n#\x00_K\x04\x16\x05B:Q\x11\x02\x14\x046\x00Y]Qc'
)
SIG = MPY.index(b"\x82X<") + 2

for what, sig in (("frame of 8 slots", 0x3C), ("frame of 3 slots", 0x14)):
    MPY[SIG] = sig
    with open("_mpy_iter_locked.mpy", "wb") as f:
        f.write(MPY)
    sys.modules.pop("_mpy_iter_locked", None)
    try:
        import _mpy_iter_locked

        print(what, "ran:", _mpy_iter_locked.x)
    except RuntimeError as e:
        print(what, "RuntimeError:", e)
    finally:
        os.remove("_mpy_iter_locked.mpy")
