# json.load reads a Python stream class through its readinto; a readinto that reports
# more bytes than the buffer holds is an I/O error (EIO).
import io, json

class Src(io.IOBase):
    def __init__(self, data):
        self.data = data
        self.pos = 0
    def readinto(self, buf):
        n = min(len(buf), len(self.data) - self.pos)
        buf[:n] = self.data[self.pos:self.pos + n]
        self.pos += n
        return n
    def ioctl(self, req, arg):
        return 0

print(json.load(Src(b'{"a": [1, 2.5, "x"], "b": null}')))

class Liar(io.IOBase):
    def readinto(self, buf):
        return len(buf) + 2
    def ioctl(self, req, arg):
        return 0

try:
    json.load(Liar())
except OSError as e:
    print("OSError", e.errno)
