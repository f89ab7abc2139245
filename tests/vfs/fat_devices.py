# VfsFat over different block devices: sector sizes, FAT16, the old protocol, read-only
# devices, device errors and mount(mkfs=True).
try:
    import vfs, os
    vfs.VfsFat
except (ImportError, AttributeError):
    print("SKIP")
    raise SystemExit


class SectorStore:
    # Sectors kept in a dict, so big devices cost only what is written.
    def __init__(self, blocks, ss=512):
        self.ss = ss
        self.blocks = blocks
        self.data = {}
        self.fail = None

    def readblocks(self, n, buf):
        if self.fail:
            raise self.fail
        for i in range(len(buf) // self.ss):
            s = self.data.get(n + i)
            buf[i * self.ss : (i + 1) * self.ss] = s if s else bytes(self.ss)

    def writeblocks(self, n, buf):
        for i in range(len(buf) // self.ss):
            self.data[n + i] = bytes(buf[i * self.ss : (i + 1) * self.ss])



class SparseDev(SectorStore):
    def ioctl(self, op, arg):
        if op == 4:
            return self.blocks
        if op == 5:
            return self.ss


def show(fs):
    with fs.open("f.txt", "w") as f:
        f.write("x" * 3000)
    print(fs.statvfs("/")[:5], fs.stat("f.txt")[6], list(fs.ilistdir()))


for blocks, ss in ((64, 1024), (40, 4096), (20000, 512), (140000, 512)):
    dev = SparseDev(blocks, ss)
    vfs.VfsFat.mkfs(dev)
    show(vfs.VfsFat(dev))


# The old protocol: count() and sync() instead of ioctl.
class OldDev(SectorStore):
    def count(self):
        return self.blocks

    def sync(self):
        print("sync")


d = OldDev(100)
vfs.VfsFat.mkfs(d)
fs = vfs.VfsFat(d)
with fs.open("a", "w") as f:
    f.write("old")
print(fs.open("a", "r").read())

# A blank device: constructing works, using it does not, mount(mkfs=True) formats it.
dev = SparseDev(100)
fs = vfs.VfsFat(dev)
try:
    fs.ilistdir("/")
except OSError as e:
    print("blank", e.errno)
vfs.mount(fs, "/blank", mkfs=True)
print(os.listdir("/blank"), os.statvfs("/blank")[:4])
vfs.umount("/blank")

# Read-only mounts refuse writes.
vfs.mount(fs, "/ro", readonly=True)
for f, a in ((open, ("/ro/x", "w")), (os.mkdir, ("/ro/d",))):
    try:
        f(*a)
    except OSError as e:
        print("readonly", e.errno)
vfs.umount("/ro")


# A device without writeblocks is read-only too.
class ReadOnlyDev:
    def __init__(self, src):
        self.src = src

    def readblocks(self, n, buf):
        self.src.readblocks(n, buf)

    def ioctl(self, op, arg):
        return self.src.ioctl(op, arg)


src = SparseDev(100)
vfs.VfsFat.mkfs(src)
with vfs.VfsFat(src).open("a", "w") as f:
    f.write("read only")
ro = vfs.VfsFat(ReadOnlyDev(src))
print(ro.open("a", "r").read())
try:
    ro.open("b", "w")
except OSError as e:
    print("no writeblocks", e.errno)

# Exceptions raised by the device reach the caller unchanged.
dev = SparseDev(100)
vfs.VfsFat.mkfs(dev)
fs = vfs.VfsFat(dev)
dev.fail = ValueError("device says no")
try:
    fs.open("a", "w")
except ValueError as e:
    print("ValueError", e)
dev.fail = None
print(list(fs.ilistdir()))

# A device too small for FAT.
try:
    vfs.VfsFat.mkfs(SparseDev(10))
except OSError as e:
    print("too small", e.errno)
