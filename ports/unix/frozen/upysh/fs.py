# The commands of upysh. `ls` and `pwd` print when shown at the REPL (they are objects
# whose repr does the work), and can be called too: ls("dir").
import os

_DIR = 0x4000


class _Ls:
    def __repr__(self):
        self.__call__()
        return ""

    def __call__(self, path="."):
        names = sorted(os.listdir(path))
        for name in names:
            full = name if path in (".", "") else path.rstrip("/") + "/" + name
            st = os.stat(full)
            if st[0] & _DIR:
                print("   <dir> " + name)
            else:
                print("% 8d %s" % (st[6], name))


class _Pwd:
    def __repr__(self):
        return os.getcwd()

    def __call__(self):
        return os.getcwd()


ls = _Ls()
pwd = _Pwd()


def cd(path="/"):
    os.chdir(path)


def cat(path):
    with open(path) as f:
        while True:
            chunk = f.read(256)
            if not chunk:
                break
            print(chunk, end="")


def head(path, n=10):
    with open(path) as f:
        for _ in range(n):
            line = f.readline()
            if not line:
                break
            print(line, end="")


def mkdir(path):
    os.mkdir(path)


def rm(path):
    os.remove(path)


def rmdir(path):
    os.rmdir(path)


def mv(src, dst):
    os.rename(src, dst)


def newfile(path):
    # Lines typed until an empty line (or end of input) become the file's text.
    print("Type the file's lines; an empty line ends it.")
    with open(path, "w") as f:
        while True:
            try:
                line = input()
            except EOFError:
                break
            if not line:
                break
            f.write(line)
            f.write("\n")
