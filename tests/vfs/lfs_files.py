# VfsLfs2 on a RAM block device: files (inline and in blocks), directories, renames,
# errors, and what survives a remount.
try:
    import vfs, os
    vfs.VfsLfs2
except (ImportError, AttributeError):
    print("SKIP")
    raise SystemExit


class RAMDev:
    def __init__(self, blocks, bs=512):
        self.bs = bs
        self.data = bytearray(blocks * bs)

    def readblocks(self, n, buf, off=0):
        a = n * self.bs + off
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, n, buf, off=0):
        a = n * self.bs + off
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // self.bs
        if op == 5:
            return self.bs
        if op == 6:
            return 0


dev = RAMDev(128)
vfs.VfsLfs2.mkfs(dev)
fs = vfs.VfsLfs2(dev, mtime=False)
vfs.mount(fs, "/lfs")
os.chdir("/lfs")
print(os.getcwd(), os.statvfs("/lfs")[:4])

names = ["small.txt", "Mixed Case Name.text", "ünïcödé.txt", "z", "a"]
for i, n in enumerate(names):
    with open(n, "w") as f:
        f.write(n * (i + 1))
print(os.listdir())
for n in names:
    with open(n) as f:
        print(n, os.stat(n)[:7], f.read() == n * (names.index(n) + 1))

# A file over many blocks, written in pieces, then changed in the middle and appended.
with open("big.bin", "wb") as f:
    for i in range(20):
        f.write(bytes([i]) * 301)
with open("big.bin", "r+b") as f:
    f.seek(3000)
    f.write(b"MIDDLE")
with open("big.bin", "ab") as f:
    f.write(b"END")
with open("big.bin", "rb") as f:
    d = f.read()
print(len(d), d[2999:3007], d[-4:], all(d[i * 301] == i for i in range(9)))

# Directories, cwd, relative paths.
os.mkdir("dir")
os.mkdir("dir/sub")
os.chdir("dir/sub")
print(os.getcwd())
with open("../f.txt", "w") as f:
    f.write("one\ntwo\nthree\n")
os.chdir("..")
print(os.getcwd(), sorted(os.listdir()))
with open("f.txt") as f:
    print(f.readline(), end="")
    print([l for l in f])
with open("f.txt", "rb") as f:
    b = bytearray(5)
    print(f.readinto(b), b, f.tell(), f.seek(-3, 2), f.read())
os.chdir("/lfs")

# Many files in one directory (more than one block holds).
os.mkdir("many")
for i in range(30):
    with open("many/entry %d" % i, "w") as f:
        f.write("x" * i)
print(len(os.listdir("many")), sorted(os.listdir("many"))[:3])
print(sum(os.stat("many/" + n)[6] for n in os.listdir("many")))

os.rename("dir/f.txt", "moved.txt")
os.rename("big.bin", "small.txt")  # replaces
print(os.stat("small.txt")[6], sorted(os.listdir()))


def err(label, f, *a):
    try:
        f(*a)
    except OSError as e:
        print(label, e.errno)


err("mkdir", os.mkdir, "dir")
err("rmdir full", os.rmdir, "dir")
err("remove missing", os.remove, "nothing")
err("open missing", open, "nothing")
err("open in missing dir", open, "no/such", "w")
err("listdir missing", os.listdir, "nothing")
err("chdir file", os.chdir, "moved.txt")
err("open dir", open, "dir")

for n in os.listdir("many"):
    os.remove("many/" + n)
os.rmdir("many")
os.rmdir("dir/sub")
os.rmdir("dir")
print(sorted(os.listdir()))

vfs.umount("/lfs")
fs2 = vfs.VfsLfs2(dev)
print(sorted(x[0] for x in fs2.ilistdir("/")), fs2.stat("moved.txt")[6])
print(fs2.open("moved.txt", "r").read())
