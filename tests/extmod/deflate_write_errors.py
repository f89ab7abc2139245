# deflate.DeflateIO compressing into streams that fail: a failing header write is
# reported as EINVAL, a failing data or trailer write with the stream's own errno; close
# always lets go of the stream, and closing twice is harmless.
import deflate, io


class Sink(io.IOBase):
    def __init__(self, fail_at):
        self.n = 0
        self.fail_at = fail_at
        self.data = b""

    def write(self, buf):
        self.n += 1
        if self.n == self.fail_at:
            print("  write", self.n, "fails")
            return -5
        self.data += buf
        return len(buf)

    def ioctl(self, req, arg):
        print("  ioctl", req)
        return 0


for fmt in (deflate.RAW, deflate.ZLIB, deflate.GZIP):
    for fail_at in (1, 2, 4, 99):
        print(fmt, fail_at)
        s = Sink(fail_at)
        d = deflate.DeflateIO(s, fmt, 0, True)
        try:
            d.write(b"ab")
            d.close()
        except OSError as e:
            print("  OSError", e.errno)
        d.close()
        print("  wrote", s.data)
        try:
            d.write(b"x")
        except OSError as e:
            print("  after close OSError", e.errno)
