# A memoryview slice may start at most one byte short of a word's range (upstream keeps
# the offset in a narrower bit field): beyond that is OverflowError.
import sys
from uctypes import bytearray_at

limit = 0xFF_FFFF if sys.maxsize <= 0xFFFF_FFFF else 0xFF_FFFF_FFFF_FFFF
mv = memoryview(bytearray_at(0, limit + 2))
print(len(mv[limit : limit + 1]), len(mv[limit:]))
for start in (limit + 1, limit + 2):
    try:
        mv[start:]
    except OverflowError as e:
        print("OverflowError", e)
# Ordinary views are unaffected.
m = memoryview(b"abcdef")[2:][1:3]
print(bytes(m))
