# Files dropped without close() are closed when the collector frees them, so their
# descriptors are reused.
import gc
import os

with open("_file_finaliser0.tmp", "w") as f:
    first = f.fileno()


def leak():
    for i in range(4):
        open("_file_finaliser%d.tmp" % (i + 1), "w").write("x")


leak()
# clobber the stack words that may still point at the dropped files
sorted(list(range(100)), key=lambda x: -x)
gc.collect()

with open("_file_finaliser5.tmp", "w") as f:
    print(f.fileno() <= first)

for i in range(6):
    os.remove("_file_finaliser%d.tmp" % i)
