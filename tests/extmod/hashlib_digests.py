# hashlib digests against known values (CPython computes the same).
import hashlib

for name in ("md5", "sha1", "sha256"):
    algo = getattr(hashlib, name)
    print(name, algo().digest())
    print(name, algo(b"abc").digest())
    h = algo()
    h.update(b"a" * 55)
    h.update(b"b" * 9)
    h.update(bytearray(b"c" * 100))
    print(name, h.digest())
    # Block-boundary lengths.
    for n in (55, 56, 63, 64, 65, 119, 120):
        print(name, n, algo(b"\x5a" * n).digest())
    # update in pieces equals one update
    data = bytes(range(256)) * 5
    h1 = algo(data)
    h2 = algo()
    for i in range(0, len(data), 37):
        h2.update(data[i : i + 37])
    print(name, h1.digest() == h2.digest())
    h = algo(memoryview(b"xyz")[1:])
    print(name, h.digest() == algo(b"yz").digest())
