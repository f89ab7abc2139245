# Closing a VfsFat file asks the block device to sync only when the file was written: a
# file that was only read, closed explicitly, by `with` or by the collector, leaves the
# device alone (so a leaked read-only file prints nothing whenever the collector runs).
try:
    import vfs, gc
    vfs.VfsFat
except (ImportError, AttributeError):
    print("SKIP")
    raise SystemExit


class Dev:
    def __init__(self, blocks):
        self.data = {}
        self.blocks = blocks

    def readblocks(self, n, buf):
        for i in range(len(buf) // 512):
            s = self.data.get(n + i)
            buf[i * 512 : (i + 1) * 512] = s if s else bytes(512)

    def writeblocks(self, n, buf):
        for i in range(len(buf) // 512):
            self.data[n + i] = bytes(buf[i * 512 : (i + 1) * 512])

    def count(self):
        return self.blocks

    def sync(self):
        print("sync")


d = Dev(100)
vfs.VfsFat.mkfs(d)
fs = vfs.VfsFat(d)
print("write")
with fs.open("a", "w") as f:
    f.write("data")
print("read, close")
f = fs.open("a", "r")
print(f.read())
f.close()
print("read, with")
with fs.open("a", "r") as f:
    print(f.read(2))
print("read, flush")
f = fs.open("a", "r")
f.flush()
f.close()
print("read, leaked")
fs.open("a", "r").read()
gc.collect()
print("append, flush, close")
f = fs.open("a", "a")
f.write("more")
f.flush()
f.close()
print(fs.open("a", "r").read())
print("end")
