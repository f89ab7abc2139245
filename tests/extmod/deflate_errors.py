# deflate.DeflateIO's MicroPython-specific errors: argument checks, corrupt and truncated
# input, window too small for the data, and use after close.
import deflate, io


def attempt(label, f):
    try:
        print(label, f())
    except Exception as e:
        print(label, type(e).__name__, e.args)


def read_all(data, *args):
    return deflate.DeflateIO(io.BytesIO(data), *args).read()


for args in ((-1,), (4,), (1, 4), (1, 16), (1, -1), (1, 5), (1, 15), (0, 0)):
    attempt(args, lambda: type(deflate.DeflateIO(io.BytesIO(), *args)).__name__)
attempt("kw", lambda: deflate.DeflateIO(io.BytesIO(), format=1))

# A zlib stream of b"hello hello hello" with a 512-byte window (CPython's zlib, wbits=9).
z = b"\x18\xd3\xcbH\xcd\xc9\xc9W\xc8@\x90\x00:.\x06}"
attempt("ok", lambda: read_all(z))
attempt("zlib-as-gzip", lambda: read_all(z, deflate.GZIP))
attempt("zlib-as-raw", lambda: read_all(z, deflate.RAW))
attempt("bad-checksum", lambda: read_all(z[:-1] + b"\x00"))
attempt("truncated", lambda: read_all(z[:8]))
attempt("no-trailer", lambda: read_all(z[:-4]))
attempt("bad-header", lambda: read_all(b"\x18\xd4" + z[2:]))
attempt("dict-flag", lambda: read_all(b"\x18\x38" + z[2:]))
attempt("empty", lambda: read_all(b""))
attempt("block-type-3", lambda: read_all(b"\x06", deflate.RAW))
attempt("stored-len", lambda: read_all(b"\x01\x05\x00\x00\x00", deflate.RAW))
attempt("stored", lambda: read_all(b"\x01\x03\x00\xfc\xffabc", deflate.RAW))
# A match reaching back 316 bytes needs a 512-byte window (16 letters, 300 zeros, the
# letters again; checked with CPython's zlib).
far = b"KLJNIMK\xcf\xc8\xcc\xca\xce\xc9\xcd\xcb/`\x18\xe9\x00\x08\x88\x05\xe8a\x07\x00"
attempt("far-w5", lambda: len(read_all(far, deflate.RAW, 5)))
attempt("far-w8", lambda: len(read_all(far, deflate.RAW, 8)))
attempt("far-w9", lambda: len(read_all(far, deflate.RAW, 9)))

g = deflate.DeflateIO(io.BytesIO(z))
print(g.read(3))
g.close()
attempt("read-closed", lambda: g.read())
g.close()
attempt("readinto", lambda: deflate.DeflateIO(io.BytesIO(z)).readinto(bytearray(3)))
attempt("readline", lambda: deflate.DeflateIO(io.BytesIO(z)).readline())
with deflate.DeflateIO(io.BytesIO(z)) as g:
    print(g.read(4), g.read(0))
attempt("not-a-stream", lambda: deflate.DeflateIO(1).read())
