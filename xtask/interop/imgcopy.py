# Shared by fat.py and lfs.py (run by upy for `cargo xtask test`, interop step): a block
# device over an image file, copying a tree between a mounted image and a host folder,
# and the command line both scripts take: "read IMAGE OUT" copies the image's tree out,
# "write IMAGE SRC" formats the image and copies the folder in.
import os
import vfs


class FileDev:
    # readblocks/writeblocks take the offset littlefs passes; FAT never does.
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


def copy_file(src, dst, chunk):
    with open(src, "rb") as a, open(dst, "wb") as b:
        while True:
            data = a.read(chunk)
            if not data:
                break
            b.write(data)


def copy_tree(src, dst, chunk):
    for name, kind, *_ in os.ilistdir(src):
        s = src + "/" + name
        d = dst + "/" + name
        if kind == 0x4000:
            os.mkdir(d)
            copy_tree(s, d, chunk)
        else:
            copy_file(s, d, chunk)


def churn(root, scratch, rewrite):
    # Changes after a write, so the other side's tools also see what they leave behind: a
    # removal, a rename across directories and back, and (`rewrite`) a file rewritten
    # shorter. `scratch` names the removed file.
    with open(root + "/" + scratch, "w") as f:
        f.write("x" * 5000)
    os.remove(root + "/" + scratch)
    os.mkdir(root + "/moved")
    os.rename(root + "/hello.txt", root + "/moved/Hello Again.txt")
    os.rename(root + "/moved/Hello Again.txt", root + "/hello.txt")
    if rewrite:
        with open(root + "/rewritten.txt", "w") as f:
            f.write("long " * 1000)
        with open(root + "/rewritten.txt", "w") as f:
            f.write("short")
    os.rmdir(root + "/moved")


def run(fs_type, argv, bs, chunk, scratch, rewrite):
    # `chunk`: the size files are copied in, chosen to straddle the format's blocks;
    # `scratch`, `rewrite`: what `churn` does after a write.
    mode, image, host = argv[1:4]
    dev = FileDev(image, bs)
    if mode == "write":
        fs_type.mkfs(dev)
    fs = fs_type(dev)
    vfs.mount(fs, "/img")
    if mode == "read":
        copy_tree("/img", host, chunk)
    else:
        copy_tree(host, "/img", chunk)
        churn("/img", scratch, rewrite)
    print("done", mode, fs.statvfs("/")[2:4])
    vfs.umount("/img")
    dev.f.close()
