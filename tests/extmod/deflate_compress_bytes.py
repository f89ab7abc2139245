# deflate.DeflateIO's compressed bytes: MicroPython's compressor (longest, then nearest,
# match over the whole window; fixed Huffman code; one block) gives exactly these. Each
# output was checked to decompress correctly with CPython's zlib.
import deflate, io


def compress(data, fmt, wbits):
    b = io.BytesIO()
    with deflate.DeflateIO(b, fmt, wbits) as g:
        g.write(data)
    return b.getvalue()


def check(data, fmt=deflate.RAW, wbits=0):
    c = compress(data, fmt, wbits)
    print(len(data), c)
    g = deflate.DeflateIO(io.BytesIO(c), fmt, wbits)
    print(g.read() == data)


check(b"abcabcabcabc")
check(b"\xff\xfe\x90\x8f" * 3)
check(bytes(258))
check(bytes(259))
check(bytes(260))
check(bytes(261))
check(bytes(1000))
check(b"x" + bytes(range(40)) + b"y" + bytes(range(40)), deflate.RAW, 6)
check(b"zlib header", deflate.ZLIB, 5)
check(b"gzip trailer", deflate.GZIP, 12)
