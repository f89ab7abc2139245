# Run by upy for `cargo xtask test` (interop step): copies a littlefs image's tree out to
# a host folder ("read IMAGE OUT BS"), or formats an image and copies a host folder into
# it ("write IMAGE SRC BS"), through vfs.VfsLfs2 over the image file. The work is
# imgcopy.py's.
import sys
import vfs

import imgcopy

imgcopy.run(vfs.VfsLfs2, sys.argv, int(sys.argv[4]), 700, "scratch.tmp", False)
