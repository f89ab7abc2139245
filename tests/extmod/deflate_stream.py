# deflate.DeflateIO as a stream: round trips through every format and window size, writes
# in pieces, read/readinto/readline, context managers and closing the underlying stream.
# Under CPython a small stand-in built on zlib gives the expected results.
import io

try:
    import deflate
except ImportError:
    import zlib

    class deflate:
        AUTO, RAW, ZLIB, GZIP = 0, 1, 2, 3

        class DeflateIO:
            def __init__(self, stream, fmt=0, wbits=0, close=False):
                self.stream, self.fmt, self.close_stream = stream, fmt, close
                self.wbits = wbits or 15
                self.out = None
                self.inp = None

            def _zwbits(self, reading):
                if self.fmt == 0:
                    return 47 if reading else -self.wbits
                return (-self.wbits, self.wbits, 16 + self.wbits)[self.fmt - 1]

            def _reader(self):
                if self.inp is None:
                    self.inp = io.BytesIO(zlib.decompress(self.stream.read(), self._zwbits(True)))
                return self.inp

            def read(self, *a):
                return self._reader().read(*a)

            def readinto(self, *a):
                return self._reader().readinto(*a)

            def readline(self, *a):
                return self._reader().readline(*a)

            def write(self, data):
                if self.out is None:
                    self.out = zlib.compressobj(9, zlib.DEFLATED, self._zwbits(False))
                self.stream.write(self.out.compress(data))
                return len(data)

            def close(self):
                if self.out is not None:
                    self.stream.write(self.out.flush())
                    self.out = None
                if self.close_stream:
                    self.stream.close()

            def __enter__(self):
                return self

            def __exit__(self, *a):
                self.close()


def compress(data, fmt, wbits=0, piece=None):
    b = io.BytesIO()
    with deflate.DeflateIO(b, fmt, wbits) as g:
        if piece is None:
            print("write", g.write(data))
        else:
            for i in range(0, len(data), piece):
                g.write(data[i : i + piece])
    return b.getvalue()


def decompress(data, fmt, wbits=0):
    with deflate.DeflateIO(io.BytesIO(data), fmt, wbits) as g:
        return g.read()


text = b"".join(b"%d bottles of beer on the wall\n" % i for i in range(60, 0, -1))
noise = bytearray(700)
x = 12345
for i in range(len(noise)):
    x = (x * 75 + 74) % 65537
    noise[i] = x & 0xFF
samples = (b"a", b"ab" * 200, text, bytes(noise), bytes(300) + b"end")

for fmt in (deflate.RAW, deflate.ZLIB, deflate.GZIP):
    for wbits in (9, 12, 15):
        for s in samples:
            c = compress(s, fmt, wbits, 50)
            print(fmt, wbits, len(s), decompress(c, fmt, wbits) == s)
    # AUTO reads zlib and gzip.
    if fmt != deflate.RAW:
        print("auto", decompress(compress(text, fmt, 10), deflate.AUTO) == text)

# Writing returns the count; one write and many give the same data back.
c = compress(text, deflate.ZLIB)
print(decompress(c, deflate.ZLIB) == text)

# readinto, readline and iteration-free line reading.
c = compress(text, deflate.ZLIB, 10)
g = deflate.DeflateIO(io.BytesIO(c), deflate.ZLIB)
buf = bytearray(16)
print(g.readinto(buf), buf)
print(g.readline())
print(g.readline())
print(g.read(5))
rest = g.read()
print(len(rest), rest[-20:])
print(g.read(), g.read(3))
g.close()

# close=True closes the underlying stream, close=False leaves it open.
for close in (False, True):
    b = io.BytesIO()
    g = deflate.DeflateIO(b, deflate.RAW, 0, close)
    g.write(b"data")
    g.close()
    try:
        b.getvalue()
        print(close, "open")
    except ValueError:
        print(close, "closed")
