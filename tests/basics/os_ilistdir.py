# os.ilistdir (MicroPython): (name, type, inode) tuples, bytes names for a bytes path.
import os

D = "_os_ilistdir_dir"


def rmtree(d):
    # Leftovers of an interrupted earlier run.
    try:
        names = os.listdir(d)
    except OSError:
        return
    for n in names:
        try:
            os.remove(d + "/" + n)
        except OSError:
            rmtree(d + "/" + n)
    os.rmdir(d)


rmtree(D)
os.mkdir(D)
os.mkdir(D + "/d")
with open(D + "/f", "w") as f:
    f.write("x")

for name, kind, ino in sorted(os.ilistdir(D)):
    print(name, hex(kind), type(ino))
print(sorted(e[0] for e in os.ilistdir(D.encode())))
it = os.ilistdir(D)
print(it is iter(it), len(list(it)), list(it))

os.remove(D + "/f")
os.rmdir(D + "/d")
os.rmdir(D)
