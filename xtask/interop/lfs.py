# Run by upy for `cargo xtask test` (interop step): copies a littlefs image's tree out to
# a host folder ("read IMAGE OUT BS"), or formats an image and copies a host folder into
# it ("write IMAGE SRC BS"), through vfs.VfsLfs2 over the image file.
import os
import sys
import vfs


class FileDev:
    def __init__(self, path, bs):
        self.f = open(path, "r+b")
        self.bs = bs
        self.n = self.f.seek(0, 2) // bs

    def readblocks(self, n, buf, off=0):
        self.f.seek(n * self.bs + off)
        self.f.readinto(buf)

    def writeblocks(self, n, buf, off=0):
        self.f.seek(n * self.bs + off)
        self.f.write(buf)

    def ioctl(self, op, arg):
        if op == 4:
            return self.n
        if op == 5:
            return self.bs
        if op == 3:
            self.f.flush()
        if op == 6:
            return 0


def copy_file(src, dst):
    with open(src, "rb") as a, open(dst, "wb") as b:
        while True:
            chunk = a.read(700)
            if not chunk:
                break
            b.write(chunk)


def copy_tree(src, dst):
    for name, kind, *_ in os.ilistdir(src):
        s = src + "/" + name
        d = dst + "/" + name
        if kind == 0x4000:
            os.mkdir(d)
            copy_tree(s, d)
        else:
            copy_file(s, d)


mode, image, host, bs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
dev = FileDev(image, bs)
if mode == "write":
    vfs.VfsLfs2.mkfs(dev)
fs = vfs.VfsLfs2(dev)
vfs.mount(fs, "/img")
if mode == "read":
    copy_tree("/img", host)
else:
    copy_tree(host, "/img")
    with open("/img/scratch.tmp", "w") as f:
        f.write("x" * 5000)
    os.remove("/img/scratch.tmp")
    os.mkdir("/img/moved")
    os.rename("/img/hello.txt", "/img/moved/Hello Again.txt")
    os.rename("/img/moved/Hello Again.txt", "/img/hello.txt")
    os.rmdir("/img/moved")
print("done", mode, fs.statvfs("/")[2:4])
vfs.umount("/img")
dev.f.close()
