# VfsFat on a RAM block device: long names, directories, file I/O and errors.
try:
    import vfs, os
    vfs.VfsFat
except (ImportError, AttributeError):
    print("SKIP")
    raise SystemExit


class RAMDev:
    def __init__(self, blocks, ss=512):
        self.ss = ss
        self.data = bytearray(blocks * ss)

    def readblocks(self, n, buf):
        a = n * self.ss
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, n, buf):
        a = n * self.ss
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // self.ss
        if op == 5:
            return self.ss


dev = RAMDev(300)
vfs.VfsFat.mkfs(dev)
fs = vfs.VfsFat(dev)
vfs.mount(fs, "/fat")
os.chdir("/fat")
print(os.getcwd(), os.statvfs("/fat")[:5])

names = ["short.txt", "UPPER.TXT", "Mixed Case Name.text", "dots.in.the.name", "ünïcödé file.txt"]
for i, n in enumerate(names):
    with open(n, "w") as f:
        f.write(n * (i + 1))
print(sorted(os.listdir()))
for n in names:
    st = os.stat(n)
    with open(n) as f:
        s = f.read()
    print(n, st[0], st[6], s == n * (names.index(n) + 1))

# Lookups ignore case.
print(open("MIXED CASE NAME.TEXT").read(5), open("short.TXT").read(5))

# Directories, cwd and relative paths.
os.mkdir("a dir")
os.mkdir("a dir/sub")
os.chdir("a dir/sub")
print(os.getcwd())
with open("../in parent.txt", "w") as f:
    f.write("line 1\nline 2\nline 3\n")
os.chdir("..")
print(os.getcwd(), os.listdir())
with open("in parent.txt") as f:
    print(f.readline(), end="")
    print([l for l in f])
with open("in parent.txt", "rb") as f:
    b = bytearray(4)
    print(f.readinto(b), b, f.tell())
    f.seek(-3, 2)
    print(f.read(), f.tell())
    f.seek(2)
    print(f.read(4))
os.chdir("/fat")

# Append and read-write modes.
with open("log", "a") as f:
    f.write("one ")
with open("log", "a") as f:
    f.write("two")
with open("log", "r+") as f:
    f.seek(4)
    f.write("TWO")
    f.seek(0)
    print(f.read())

# Rename and remove.
os.rename("a dir/in parent.txt", "moved here.txt")
os.rename("a dir", "renamed dir")
print(os.listdir(), os.listdir("renamed dir"))
os.rename("log", "short.txt")  # replaces an existing file
print(open("short.txt").read())
for n in names[1:]:
    os.remove(n)
os.rmdir("renamed dir/sub")
os.rmdir("renamed dir")
print(os.listdir())


def err(label, f, *a):
    try:
        f(*a)
    except OSError as e:
        print(label, e.errno)


err("mkdir", os.mkdir, "short.txt")
err("rmdir", os.rmdir, "short.txt")
err("remove", os.remove, "nothing")
err("listdir", os.listdir, "nothing")
err("open", open, "no/such/dir/file", "w")
err("chdir", os.chdir, "short.txt")
os.mkdir("d")
err("remove dir", os.remove, "d")
with open("d/f", "w") as f:
    pass
err("rmdir full", os.rmdir, "d")
err("bad name", open, "a?b", "w")
print(os.stat("d")[0], os.stat("/fat")[0])

# A large file spanning many clusters, written in pieces.
with open("big.bin", "wb") as f:
    for i in range(40):
        f.write(bytes([i]) * 997)
with open("big.bin", "rb") as f:
    d = f.read()
print(len(d), all(d[i * 997] == i for i in range(40)))
print(os.statvfs("/fat")[:5])
os.remove("big.bin")
print(os.statvfs("/fat")[:5])

# Everything is on the device: a second object sees it.
vfs.umount("/fat")
fs2 = vfs.VfsFat(dev)
print(sorted(x[0] for x in fs2.ilistdir("/")), list(fs2.ilistdir(b"d")))
