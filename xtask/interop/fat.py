# Run by upy for `cargo xtask test` (interop step): copies a FAT image's tree out to a
# host folder ("read IMAGE OUT"), or formats an image and copies a host folder into it
# ("write IMAGE SRC"), through vfs.VfsFat over a block device backed by the image file.
# The work is imgcopy.py's.
import sys
import vfs

import imgcopy

imgcopy.run(vfs.VfsFat, sys.argv, 512, 1536, "scratch file.tmp", True)
