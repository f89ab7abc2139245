# MicroPython's hash objects are single-use: digest() finalises them.
import hashlib

for name in ("md5", "sha1", "sha256"):
    h = getattr(hashlib, name)(b"data")
    print(len(h.digest()))
    for op in (lambda: h.digest(), lambda: h.update(b"more")):
        try:
            op()
        except ValueError as e:
            print(name, "ValueError", e)
