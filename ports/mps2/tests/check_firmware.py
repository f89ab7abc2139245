#!/usr/bin/env python3
"""Scripted check of the mps2-an385 firmware: boots it in QEMU with the serial line on
pipes and drives it the way host tools do (friendly REPL, raw REPL, raw-paste, Ctrl-C,
soft reset). File system: the first boot formats the FAT volume at /flash, files copied in
survive soft reset, main.py and boot.py run at reset (not in safe boot), and the host image
(flash=FILE) survives a QEMU restart and is a FAT image that dosfstools/mtools read and
write. Also runs heap16.py (a 59-line program) with a 16 KiB GC heap, and float32.py (float
printing and parsing as MicroPython's float32 firmware).

usage: check_firmware.py FIRMWARE.elf [--mpremote]
--mpremote also runs mpremote (1.29) against the firmware on a pty, if mpremote is installed.
"""

import os
import select
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n>"


class Board:
    def __init__(self, elf, *semihost_args, qemu_args=()):
        args = ",".join(["enable=on,target=native,arg=upy"] + ["arg=" + a for a in semihost_args])
        self.p = subprocess.Popen(
            ["qemu-system-arm", "-M", "mps2-an385", "-display", "none", "-monitor", "none",
             "-serial", "stdio", "-semihosting-config", args, *qemu_args, "-kernel", elf],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.buf = b""

    def write(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def read_until(self, marker, timeout=10):
        end = time.time() + timeout
        while marker not in self.buf:
            left = end - time.time()
            if left <= 0:
                raise AssertionError(f"timeout waiting for {marker!r}; got {self.buf[-300:]!r}")
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if r:
                d = os.read(self.p.stdout.fileno(), 4096)
                if not d:
                    raise AssertionError(f"QEMU exited waiting for {marker!r}; got {self.buf!r}")
                self.buf += d
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def enter_raw(self):
        self.write(b"\r\x03")
        time.sleep(0.2)
        self.buf = b""
        self.write(b"\r\x01")
        self.read_until(RAW_BANNER)

    def exec_raw(self, code, timeout=10):
        """Run code in the raw REPL; (stdout, stderr) as text."""
        self.write(code.encode() + b"\x04")
        ok = self.read_until(b"OK", timeout)
        assert ok.endswith(b"OK"), ok
        out = self.read_until(b"\x04", timeout)[:-1]
        err = self.read_until(b"\x04", timeout)[:-1]
        self.read_until(b">", timeout)
        return out.decode(), err.decode()

    def exec_ok(self, code, timeout=10):
        out, err = self.exec_raw(code, timeout)
        assert err == "", f"{code!r} raised:\n{err}"
        return out

    def exec_paste(self, code):
        """Run code with the raw-paste protocol and its flow control."""
        self.write(b"\x05A\x01")
        head = self.read_until(b"\x01", 5)
        assert head.endswith(b"R\x01"), head
        while len(self.buf) < 3:
            self.read_until(self.buf + b"", 0) if False else time.sleep(0.05)
            r, _, _ = select.select([self.p.stdout], [], [], 5)
            if r:
                self.buf += os.read(self.p.stdout.fileno(), 4096)
        window = self.buf[0] | self.buf[1] << 8
        assert self.buf[2] == 1, self.buf
        self.buf = self.buf[3:]
        credit = window
        data = code.encode()
        while data:
            while credit == 0:
                self.read_until(b"\x01")
                credit += window
            n = min(credit, len(data))
            self.write(data[:n])
            data = data[n:]
            credit -= n
        self.write(b"\x04")
        self.read_until(b"\x04")
        out = self.read_until(b"\x04")[:-1]
        err = self.read_until(b"\x04")[:-1]
        self.read_until(b">")
        return out.decode(), err.decode()

    def close(self, timeout=10):
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return None


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"), flush=True)
    if not cond:
        check.failed += 1


check.failed = 0


def host_tool(name):
    """A dosfstools/mtools program (Debian puts dosfstools in sbin), or None."""
    return shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")


def run_tool(*cmd):
    r = subprocess.run(cmd, capture_output=True, env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))
    return r.returncode, (r.stdout + r.stderr).decode(errors="replace")


def main_checks(elf, image):
    b = Board(elf, "flash=" + image)
    banner = b.read_until(b">>> ")
    check("banner", b"MicroPython" in banner and b"mps2-an385" in banner, banner)

    b.write(b"1+2\r")
    check("friendly REPL", b"\r\n3\r\n>>> " in b.read_until(b">>> "))

    # Two globals start with "x": Tab lists them, in lines ended by \r\n as on boards.
    b.write(b"xa=1;xb=2\r")
    b.read_until(b">>> ")
    b.write(b"x\t")
    listing = b.read_until(b">>> x")
    check("Tab completion list with \\r\\n line ends",
          listing == b"x\r\nxa              xb\r\n>>> x", listing)
    b.write(b"\x08\r")
    b.read_until(b">>> ")

    b.enter_raw()
    out = b.exec_ok("import os, vfs; print(os.listdir('/'), os.listdir('/flash'), os.getcwd(), "
                    "vfs.mount(), os.statvfs('/flash')[:3])")
    check("first boot formats a FAT volume at /flash",
          out.strip() == "['flash'] ['lib'] /flash [(<VfsFat>, '/flash')] (512, 512, 2008)", out)
    check("raw REPL exec", b.exec_raw("print(6*7)") == ("42\r\n", ""))
    out = b.exec_ok("import sys; print(sys.maxsize == 2**31 - 1, hasattr(sys.implementation, '_thread'))")
    check("32-bit sys.maxsize, no _thread field without threads", out.split() == ["True", "False"], out)
    out, err = b.exec_raw("1/0")
    check("raw REPL traceback", "ZeroDivisionError: divide by zero" in err, err)
    check("raw-paste", b.exec_paste("for i in range(3):\n    print(i)\n" + "#" * 500 + "\n")
          == ("0\r\n1\r\n2\r\n", ""))

    # Ctrl-C while code runs.
    b.write(b"while True: pass\x04")
    b.read_until(b"OK")
    time.sleep(0.5)
    b.write(b"\x03")
    b.read_until(b"\x04")
    err = b.read_until(b"\x04").decode()
    b.read_until(b">")
    check("Ctrl-C interrupts", "KeyboardInterrupt" in err, err)

    _, err = b.exec_raw("def f(n):\n return f(n+1)\nf(0)")
    check("deep recursion is RuntimeError", "maximum recursion depth exceeded" in err, err)

    # Copy files in, list them, copy them out.
    main_py = "print('main.py ran', 6*7)\n"
    b.exec_ok("f=open('/flash/main.py','w'); f.write(%r); f.close()" % main_py)
    b.exec_ok("f=open('/flash/boot.py','w'); f.write('BOOT=1\\n'); f.close()")
    b.exec_ok("f=open('/flash/lib/helper.py','w'); f.write('def twice(x): return 2*x\\n'); f.close()")
    data = bytes(range(256)) * 8
    b.exec_ok("f=open('blob.bin','wb'); f.write(bytes(range(256))*8); f.close()")
    out = b.exec_ok("import os; print(sorted(os.listdir('/flash')), os.getcwd())")
    check("files copied in", out.strip() == "['blob.bin', 'boot.py', 'lib', 'main.py'] /flash", out)
    out = b.exec_ok("print(repr(open('main.py').read()))")
    check("file copied out", out.strip() == repr(main_py), out)
    out = b.exec_ok("import binascii; print(binascii.hexlify(open('blob.bin','rb').read()).decode())")
    check("binary file round trip", bytes.fromhex(out.strip()) == data, out[:60])
    out = b.exec_ok("import helper; print(helper.twice(21))")
    check("import from /flash/lib", out.strip() == "42", out)
    out = b.exec_ok(
        "os.mkdir('d'); os.chdir('d'); print(os.getcwd())\n"
        "with open('t.txt', 'w') as f: f.write('x')\n"
        "os.rename('t.txt', 'u.txt'); print(os.listdir(), os.stat('u.txt')[6])\n"
        "os.remove('u.txt'); os.chdir('..'); os.rmdir('d'); print('d' in os.listdir())\n"
        "open('left_open.txt','w').write('unclosed')\n")
    check("os calls on /flash", out.split() == ["/flash/d", "['u.txt']", "1", "False"], out)

    # The core's littlefs on a Python block device, where the build has it (32-bit
    # targets once refused every device).
    out = b.exec_ok(
        "import vfs\n"
        "class Dev:\n"
        "    def __init__(self): self.d = bytearray(512 * 24)\n"
        "    def readblocks(self, n, buf, off=0): buf[:] = self.d[n*512+off:n*512+off+len(buf)]\n"
        "    def writeblocks(self, n, buf, off=0): self.d[n*512+off:n*512+off+len(buf)] = buf\n"
        "    def ioctl(self, op, arg): return {4: 24, 5: 512}.get(op, 0)\n"
        "if hasattr(vfs, 'VfsLfs2'):\n"
        "    d = Dev(); vfs.VfsLfs2.mkfs(d); vfs.mount(d, '/lfs')\n"
        "    with open('/lfs/x', 'w') as f: f.write('lfs')\n"
        "    print(os.listdir('/lfs'), open('/lfs/x').read())\n"
        "    vfs.umount('/lfs')\n"
        "else:\n"
        "    print(\"['x'] lfs\")\n")
    check("littlefs on a Python block device", out.strip() == "['x'] lfs", out)

    # Soft reset from the friendly REPL: boot.py then main.py run, files stay.
    b.write(b"\r\x02")
    b.read_until(b">>> ")
    b.write(b"\x04")
    out = b.read_until(b">>> ")
    check("soft reset runs main.py", b"MPY: soft reboot\r\nmain.py ran 42\r\n" in out, out)
    b.enter_raw()
    out = b.exec_ok("print(BOOT, 'helper' in __import__('sys').modules)")
    check("boot.py ran, modules cleared", out.strip() == "1 False", out)
    out = b.exec_ok("print(open('/flash/left_open.txt').read())")
    check("soft reset writes out files left open", out.strip() == "unclosed", out)

    # Soft reset from the raw REPL skips main.py.
    b.write(b"\x04")
    out = b.read_until(RAW_BANNER)
    check("raw soft reset skips main.py", b"soft reboot" in out and b"main.py ran" not in out, out)

    # machine: timers through micropython.schedule, LEDs, memory access.
    out = b.exec_ok(
        "import machine, time\n"
        "n = []\n"
        "t = machine.Timer(0, period=5, callback=lambda t: n.append(1))\n"
        "time.sleep_ms(60)\n"
        "t.deinit()\n"
        "print(len(n) >= 5)\n"
        "machine.Pin('LED1', machine.Pin.OUT).on()\n"
        "print(hex(machine.mem32[0x40028000] & 3), machine.Pin(1).value())\n")
    check("machine.Timer callbacks, Pin, mem32", out.split() == ["True", "0x2", "1"], out)

    # Persistence: machine.reset() saves the image and exits QEMU with 0.
    b.write(b"import machine; machine.reset()\x04")
    code = b.close()
    check("machine.reset exits QEMU", code == 0, code)
    check("image saved", os.path.getsize(image) == 1024 * 1024, os.path.getsize(image))

    # The image is a FAT volume on the host: fsck.fat finds it clean, mtools read and
    # write it.
    fsck, mdir, mtype, mcopy = (host_tool(t) for t in ("fsck.fat", "mdir", "mtype", "mcopy"))
    host_written = False
    if not (fsck and mdir and mtype and mcopy):
        print("skip host image checks (apt-get install dosfstools mtools)")
    else:
        rc, out = run_tool(fsck, "-n", image)
        check("fsck.fat -n on the saved image", rc == 0 and "Reclaimed" not in out
              and "Free cluster summary" not in out, out)
        rc, out = run_tool(mdir, "-b", "-i", image, "::")
        names = sorted(line.rstrip("/").rsplit("/", 1)[-1] for line in out.split())
        check("mdir lists the files", rc == 0 and names == ["blob.bin", "boot.py", "left_open.txt",
                                                           "lib", "main.py"], out)
        rc, out = run_tool(mtype, "-i", image, "::main.py")
        check("mtype reads main.py", rc == 0 and out == main_py, out)
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
            f.write("WHERE = 'written by mcopy'\n")
        rc, out = run_tool(mcopy, "-i", image, f.name, "::lib/hostmod.py")
        os.unlink(f.name)
        check("mcopy writes into the image", rc == 0, out)
        host_written = rc == 0

    b = Board(elf, "flash=" + image, "safeboot")
    out = b.read_until(b">>> ")
    check("safe boot skips main.py", b"main.py ran" not in out and b"safe boot" in out, out)
    b.enter_raw()
    out = b.exec_ok("print(open('/flash/main.py').read().strip(), 'BOOT' in globals())")
    check("files survive a restart; safe boot skips boot.py",
          out.strip() == main_py.strip() + " False", out)
    if host_written:
        out = b.exec_ok("import hostmod; print(hostmod.WHERE)")
        check("a file put in the image on the host imports", out.strip() == "written by mcopy", out)
    b.write(b"import machine; machine.reset()\x04")
    b.close()


def host_image_checks(elf, d):
    """An image made on the host with mkfs.fat (smaller than the board's 1 MiB) is used
    as it is, also when QEMU preloads it, and a file that is not a usable image is left
    alone."""
    mkfs = host_tool("mkfs.fat")
    if not mkfs:
        print("skip host-made image (apt-get install dosfstools)")
        return
    image = os.path.join(d, "small.img")
    rc, out = run_tool(mkfs, "-C", image, "256")
    check("mkfs.fat makes an image", rc == 0, out)
    b = Board(elf, "flash=" + image)
    b.read_until(b">>> ")
    b.enter_raw()
    out = b.exec_ok("import os, pyb; open('a.txt','w').write('small'); "
                    "print(pyb.Flash().ioctl(4, 0), os.listdir())")
    check("a host-made 256 KiB image is mounted as it is", out.strip() == "512 ['a.txt']", out)
    b.write(b"import machine; machine.reset()\x04")
    b.close()
    check("the image keeps its size", os.path.getsize(image) == 256 * 1024)
    b = Board(elf, qemu_args=["-device", f"loader,file={image},addr=0x21800000"])
    b.read_until(b">>> ")
    b.enter_raw()
    out = b.exec_ok("import os; print(open('a.txt').read())")
    check("an image preloaded with -device loader", out.strip() == "small", out)
    b.write(b"import machine; machine.reset()\x04")
    b.close()
    junk = os.path.join(d, "junk.img")
    with open(junk, "wb") as f:
        f.write(b"not an image")
    b = Board(elf, "flash=" + junk)
    out = b.read_until(b">>> ")
    check("an unusable image is reported", b"flash image unusable" in out, out)
    b.write(b"\x04")
    b.read_until(b">>> ")
    with open(junk, "rb") as f:
        check("an unusable image is never overwritten", f.read() == b"not an image")
    b.close(1)


HEAP16_OUT = """\
humid  n=60 mean=25.14 lo=15.4 hi=34.7 f=62.46
press  n=60 mean=24.09 lo=15.2 hi=34.7 f=62.46
temp   n=60 mean=25.74 lo=15.0 hi=34.9 f=62.82
error: no samples
[Reading(x, 6, 34.2), Reading(x, 7, 34.3), Reading(x, 11, 34.7)] free=True
"""


def heap16_check(elf):
    """The REPL and a 59-line program (heap16.py, output as MicroPython's) on a 16 KiB heap."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "heap16.py")) as f:
        script = f.read()
    assert len(script.splitlines()) >= 50
    b = Board(elf, "heapkb=16")
    b.read_until(b">>> ")
    b.write(b"7*6\r")
    check("REPL on a 16 KiB heap", b"42\r\n>>> " in b.read_until(b">>> "))
    b.enter_raw()
    out, err = b.exec_raw(script, 30)
    check("59-line program on a 16 KiB heap", out.replace("\r\n", "\n") == HEAP16_OUT
          and err == "", out + err)
    out = b.exec_ok("import gc; print(gc.mem_free() + gc.mem_alloc())")
    check("heap is 16 KiB", int(out) <= 16 * 1024, out)
    b.write(b"import machine; machine.reset()\x04")
    b.close()


def float32_check(elf):
    """Single-precision floats print and read as MicroPython's float32 firmware (float32.py,
    expected output float32.py.exp from MicroPython's own mps2-an385 firmware)."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "float32.py")) as f:
        script = f.read()
    with open(os.path.join(here, "float32.py.exp")) as f:
        want = f.read()
    b = Board(elf)
    b.read_until(b">>> ")
    b.enter_raw()
    out, err = b.exec_raw(script, 30)
    got = out.replace("\r\n", "\n")
    diff = [f"{w!r} != {g!r}" for w, g in zip(want.splitlines(), got.splitlines()) if w != g]
    check("float32 output as MicroPython's", got == want and err == "",
          err + "\n".join(diff[:5]) + f" ({len(diff)} lines differ)")
    b.write(b"import machine; machine.reset()\x04")
    b.close()


def mpremote_checks(elf):
    mp = shutil.which("mpremote")
    if not mp:
        print("skip mpremote (not installed)")
        return
    q = subprocess.Popen(
        ["qemu-system-arm", "-M", "mps2-an385", "-display", "none", "-monitor", "none",
         "-serial", "pty", "-semihosting-config", "enable=on,target=native,arg=upy",
         "-kernel", elf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    # QEMU names the pty on its stdout: "char device redirected to /dev/pts/N (label ...)".
    line = q.stdout.readline().decode()
    dev = line.split("redirected to ")[1].split()[0]
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "hostmod.py"), "w") as f:
            f.write("VALUE = 'from the host'\n")
        with open(os.path.join(d, "run_me.py"), "w") as f:
            f.write("print('ran', 6 * 7)\n")
        os.mkdir(os.path.join(d, "pkg"))
        with open(os.path.join(d, "pkg", "__init__.py"), "w") as f:
            f.write("N = 7\n")

        def run(*args, t=30):
            r = subprocess.run(["timeout", str(t), mp, "connect", dev, *args],
                               capture_output=True, cwd=d)
            return r.returncode, r.stdout.decode() + r.stderr.decode()

        rc, out = run("exec", "print(7*6)")
        check("mpremote exec", rc == 0 and "42" in out, out)
        rc, out = run("eval", "1+2")
        check("mpremote eval", rc == 0 and "3" in out, out)
        rc, out = run("run", "run_me.py")
        check("mpremote run", rc == 0 and "ran 42" in out, out)
        rc, out = run("fs", "cp", "hostmod.py", ":hostmod.py")
        check("mpremote fs cp in", rc == 0, out)
        rc, out = run("soft-reset")
        check("mpremote soft-reset", rc == 0, out)
        rc, out = run("fs", "ls")
        check("mpremote fs ls", rc == 0 and "hostmod.py" in out, out)
        rc, out = run("fs", "cat", "hostmod.py")
        check("mpremote fs cat: the file survived soft reset", rc == 0 and "from the host" in out,
              out)
        rc, out = run("fs", "cp", "-r", "pkg", ":lib/")
        rc2, out2 = run("exec", "import os, pkg; print(os.listdir('lib'), pkg.N)")
        check("mpremote fs cp -r into /flash/lib, import", rc == 0 and rc2 == 0
              and "['pkg'] 7" in out2, out + out2)
        rc, out = run("fs", "cp", ":hostmod.py", "back.py")
        check("mpremote fs cp out", rc == 0 and os.path.exists(os.path.join(d, "back.py")), out)
        rc, out = run("fs", "mkdir", "sub")
        rc2, out2 = run("fs", "rmdir", "sub")
        check("mpremote fs mkdir/rmdir", rc == 0 and rc2 == 0, out + out2)
        rc, out = run("fs", "rm", "hostmod.py")
        check("mpremote fs rm", rc == 0, out)
        rc, out = run("df")
        check("mpremote df", rc == 0 and "/flash" in out, out)
        rc, out = run("mount", ".", "exec", "import os, hostmod; print(hostmod.VALUE, os.getcwd())")
        check("mpremote mount . + import", rc == 0 and "from the host /remote" in out, out)
    q.kill()
    q.wait()


def main():
    elf = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        main_checks(elf, os.path.join(d, "flash.img"))
        host_image_checks(elf, d)
    heap16_check(elf)
    float32_check(elf)
    if "--mpremote" in sys.argv:
        mpremote_checks(elf)
    if check.failed:
        print(f"{check.failed} firmware check(s) failed")
        return 1
    print("firmware checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
