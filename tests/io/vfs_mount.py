# vfs (MicroPython): a Python file system mounted into the path space, VfsPosix over a
# directory, and importing from a mounted file system.
import io
import os
import sys
import vfs


class File(io.IOBase):
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def readinto(self, buf):
        n = min(len(buf), len(self.data) - self.pos)
        buf[:n] = self.data[self.pos : self.pos + n]
        self.pos += n
        return n

    def ioctl(self, req, arg):
        return 0 if req == 4 else -1


class MemFS:
    def __init__(self, files):
        self.files = files
        self.cwd = "/"

    def mount(self, readonly, mkfs):
        print("mount", readonly, mkfs)

    def umount(self):
        print("umount")

    def stat(self, path):
        if path in self.files:
            return (0x8000, 0, 0, 0, 0, 0, len(self.files[path]), 0, 0, 0)
        if path == "/":
            return (0x4000, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        raise OSError(2)

    def ilistdir(self, path):
        return iter([(name[1:], 0x8000, 0) for name in sorted(self.files)])

    def open(self, path, mode):
        print("open", path, mode)
        return File(self.files[path])

    def chdir(self, path):
        self.cwd = path

    def getcwd(self):
        return self.cwd

    def mkdir(self, path):
        print("mkdir", path)

    def remove(self, path):
        print("remove", path)

    def rename(self, a, b):
        print("rename", a, b)


fs = MemFS({"/memmod.py": b"print('memmod body')\nvalue = 42\n", "/data": b"xyz"})
vfs.mount(fs, "/mem", readonly=True)
print([m[1] for m in vfs.mount() if m[1] != "/"])
print(os.listdir("/mem"), os.stat("/mem/data")[6], os.stat("/mem")[0] == 0x4000)
os.mkdir("/mem/d")
os.remove("/mem/data")
os.rename("/mem/a", "/mem/b")
try:
    os.rename("/mem/a", "/elsewhere")
except OSError as e:
    print("rename across:", e.errno)
try:
    vfs.mount(fs, "/mem")
except OSError as e:
    print("mount again:", e.errno)

sys.path.insert(0, "/mem")
import memmod

print(memmod.value, memmod.__file__)
sys.path.pop(0)

cwd = os.getcwd()
os.chdir("/mem")
print(os.getcwd(), os.listdir())
os.chdir(cwd)
print(os.getcwd() == cwd)
vfs.umount("/mem")
try:
    vfs.umount("/mem")
except OSError as e:
    print("umount again:", e.errno)

# VfsPosix rooted at a directory: absolute paths are inside it
D = "_vfs_mount_dir"


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
p = vfs.VfsPosix(D)
with p.open("/f.txt", "w") as f:
    f.write("in root")
print(sorted(os.listdir(D)), [e[0] for e in p.ilistdir("/")])
vfs.mount(p, "/posix")
with open("/posix/f.txt") as f:
    print(f.read())
print(os.listdir("/posix"))
vfs.umount("/posix")
vfs.mount(p, "/posix", readonly=True)
try:
    open("/posix/g.txt", "w")
except OSError as e:
    print("read-only:", e.errno)
vfs.umount(p)
os.remove(D + "/f.txt")
os.rmdir(D)
