# Two .mpy files from the libFuzzer mpy_load target whose FOR_ITER ran on stack slots that
# corrupt code had filled (a small int read as an in-place iterator's type word crashed
# upy). Code from .mpy files now always keeps its loop iterators on the heap, so FOR_ITER
# can check the slots and raise instead.
import os
import sys

for n in (1, 2):
    with open("_fuzz_for_iter_%d.bin" % n, "rb") as f:
        data = f.read()
    with open("_mpy_fuzz_iter.mpy", "wb") as f:
        f.write(data)
    sys.modules.pop("_mpy_fuzz_iter", None)
    try:
        import _mpy_fuzz_iter

        print(n, "ran")
    except Exception as e:
        print(n, type(e).__name__, e)
    finally:
        os.remove("_mpy_fuzz_iter.mpy")
