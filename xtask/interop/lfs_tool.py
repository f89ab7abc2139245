# Run by CPython with the PyPI package littlefs-python for `cargo xtask test` (interop
# step): "make IMAGE SRC BS COUNT" builds a littlefs image holding the folder SRC;
# "extract IMAGE OUT BS COUNT" copies an image's tree out to the folder OUT.
import os
import sys

from littlefs import LittleFS, UserContext

mode, image, host, bs, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
cfg = dict(block_size=bs, block_count=count, read_size=32, prog_size=32, lookahead_size=32)

if mode == "make":
    fs = LittleFS(**cfg)
    for root, dirs, files in os.walk(host):
        rel = os.path.relpath(root, host)
        base = "" if rel == "." else "/" + rel.replace(os.sep, "/")
        for d in sorted(dirs):
            fs.mkdir(base + "/" + d)
        for name in sorted(files):
            with open(os.path.join(root, name), "rb") as a, fs.open(base + "/" + name, "wb") as b:
                b.write(a.read())
    with open(image, "wb") as f:
        f.write(fs.context.buffer)
else:
    ctx = UserContext(bs * count)
    with open(image, "rb") as f:
        ctx.buffer[:] = f.read()
    fs = LittleFS(context=ctx, mount=True, **cfg)
    for root, dirs, files in fs.walk("/"):
        out = os.path.join(host, root.lstrip("/"))
        os.makedirs(out, exist_ok=True)
        for name in files:
            with fs.open(root.rstrip("/") + "/" + name, "rb") as a:
                data = a.read()
            with open(os.path.join(out, name), "wb") as b:
                b.write(data)
        for d in dirs:
            os.makedirs(os.path.join(out, d), exist_ok=True)
