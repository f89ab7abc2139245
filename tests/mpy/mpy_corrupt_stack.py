# Bytecode from a .mpy file that the reader's checks accept (indices and jumps in range)
# but whose stack or handler use does not fit its frame must raise, not crash: the VM
# checks stack accesses of .mpy code (regressions from cargo xtask mpyfuzz). Each module
# is `x = None` as compiled by upy-cross (frame of one slot, no handlers) with its five
# code bytes replaced.
import os
import sys

HEAD = b"M\x06\x00\x1f\x03\x00\x08c.py\x00\x0f\x02x\x00@\x00\x02\x01"

CASES = [
    ("valid", b"Q\x16\x02Qc"),
    ("push past the frame", b"QQQQc"),
    ("pop below the frame", b"\x59\x59QQc"),
    ("handler past the frame", b"\x48\x00QQc"),
]

for what, code in CASES:
    with open("_mpy_corrupt.mpy", "wb") as f:
        f.write(HEAD + code)
    sys.modules.pop("_mpy_corrupt", None)
    try:
        import _mpy_corrupt

        print(what, "ran:", _mpy_corrupt.x)
    except RuntimeError as e:
        print(what, "RuntimeError:", e)
    finally:
        os.remove("_mpy_corrupt.mpy")
