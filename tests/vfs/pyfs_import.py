# Importing from a file system written in Python: stat() results decide file or directory
# by the directory bit alone (an in-memory file system may report mode 0 for files), and
# the module is read through the object open() returns.
import sys
import vfs
import io


class MemFS:
    files = {
        "/memmod.py": b"value = 42\n",
        "/mempkg/__init__.py": b"name = 'pkg'\n",
    }
    dirs = ("/mempkg",)

    def mount(self, readonly, mkfs):
        pass

    def umount(self):
        pass

    def chdir(self, path):
        pass

    def stat(self, path):
        if path in self.dirs:
            return (0x4000,) + (0,) * 9
        if path in self.files:
            return (0,) * 10
        raise OSError(2)

    def open(self, path, mode):
        return io.BytesIO(self.files[path])


vfs.mount(MemFS(), "/__mem")
sys.path.insert(0, "/__mem")
import memmod
import mempkg

print(memmod.value, mempkg.name)
try:
    import memmissing
except ImportError:
    print("missing: ImportError")
sys.path.pop(0)
vfs.umount("/__mem")
