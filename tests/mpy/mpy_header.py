# .mpy header checks, in upstream's order and with the unix port's messages, except that
# native code for the host's own architecture (x64 here), which upy cannot run, gets
# upstream's message for a port without native emitters. sys.implementation._mpy says what
# is accepted (version 6, sub-version 3, no architecture). The body is a module compiled
# by upy-cross from: print("body ran")
import os
import sys

mpy = sys.implementation._mpy
print(mpy, mpy & 0xFF, mpy >> 8 & 3, mpy >> 10 & 15)

BODY = b"\x04\x00\x16_mpy_hdr.py\x00\x0f\x10body ran\x00\x81w`\x08\x02\x01\x11\x03\x10\x024\x01YQc"


def try_header(feature, bits=31, version=6):
    with open("_mpy_hdr.mpy", "wb") as f:
        f.write(bytes([ord("M"), version, feature, bits]) + BODY)
    sys.modules.pop("_mpy_hdr", None)
    try:
        import _mpy_hdr
    except ValueError as e:
        print("ValueError:", e)
    finally:
        os.remove("_mpy_hdr.mpy")


try_header(0x03)  # the current sub-version
try_header(0x01)  # another sub-version without an architecture: not checked
try_header(0x03 | 2 << 2)  # x64 native code
try_header(0x03 | 5 << 2)  # armv7m native code
try_header(0x00 | 2 << 2)  # architecture with an old sub-version
try_header(0x43)  # arch flags without an architecture
try_header(0x43 | 6 << 2)  # arch flags with an architecture: the architecture is reported
try_header(0x03, bits=64)  # small ints wider than upy's
try_header(0x03, version=5)
