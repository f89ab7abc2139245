# Run by upy for `cargo xtask test` (interop step): copies a FAT image's tree out to a
# host folder ("read IMAGE OUT"), or formats an image and copies a host folder into it
# ("write IMAGE SRC"), through vfs.VfsFat over a block device backed by the image file.
import os
import sys
import vfs


class FileDev:
    def __init__(self, path, ss=512):
        self.f = open(path, "r+b")
        self.ss = ss
        self.n = self.f.seek(0, 2) // ss

    def readblocks(self, n, buf):
        self.f.seek(n * self.ss)
        self.f.readinto(buf)

    def writeblocks(self, n, buf):
        self.f.seek(n * self.ss)
        self.f.write(buf)

    def ioctl(self, op, arg):
        if op == 4:
            return self.n
        if op == 5:
            return self.ss
        if op == 3:
            self.f.flush()


def copy_file(src, dst):
    with open(src, "rb") as a, open(dst, "wb") as b:
        while True:
            chunk = a.read(1536)
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


mode, image, host = sys.argv[1:4]
dev = FileDev(image)
if mode == "write":
    vfs.VfsFat.mkfs(dev)
fs = vfs.VfsFat(dev)
vfs.mount(fs, "/img")
if mode == "read":
    copy_tree("/img", host)
else:
    copy_tree(host, "/img")
    # Some changes after the copy: a rename across directories, a removal, a file
    # rewritten shorter, so the tools also see what these leave behind.
    with open("/img/scratch file.tmp", "w") as f:
        f.write("x" * 5000)
    os.remove("/img/scratch file.tmp")
    os.mkdir("/img/moved")
    os.rename("/img/hello.txt", "/img/moved/Hello Again.txt")
    os.rename("/img/moved/Hello Again.txt", "/img/hello.txt")
    with open("/img/rewritten.txt", "w") as f:
        f.write("long " * 1000)
    with open("/img/rewritten.txt", "w") as f:
        f.write("short")
    os.rmdir("/img/moved")
print("done", mode, fs.statvfs("/")[2:4])
vfs.umount("/img")
dev.f.close()
