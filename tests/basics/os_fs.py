# os: directories, stat, rename and remove, with the errno of each failure.
import errno
import os

D = "_os_fs_dir"


def rmtree(d):
    # Leftovers of an interrupted earlier run.
    try:
        names = os.listdir(d)
    except OSError:
        return
    for n in names:
        try:
            os.remove(d + "/" + n)
        except OSError:
            rmtree(d + "/" + n)
    os.rmdir(d)


rmtree(D)

cwd = os.getcwd()
print(type(cwd), os.sep)

os.mkdir(D)
try:
    os.mkdir(D)
except OSError as e:
    print("mkdir again:", e.errno == errno.EEXIST)

with open(D + "/a.txt", "w") as f:
    f.write("12345")
st = os.stat(D + "/a.txt")
print(len(st), st[6], st[0] & 0o170000 == 0o100000)
print(os.stat(D)[0] & 0o170000 == 0o040000)

os.rename(D + "/a.txt", D + "/b.txt")
os.mkdir(D + "/sub")
print(sorted(os.listdir(D)))

os.chdir(D)
print(os.getcwd() == cwd + os.sep + D)
print(sorted(os.listdir()))
print(sorted(os.listdir(".")))
os.chdir("..")
print(os.getcwd() == cwd)

for fn, arg in (
    (os.stat, D + "/a.txt"),
    (os.remove, D + "/a.txt"),
    (os.rmdir, D + "/nothing"),
    (os.listdir, D + "/nothing"),
    (os.chdir, D + "/nothing"),
):
    try:
        fn(arg)
    except OSError as e:
        print("ENOENT" if e.errno == errno.ENOENT else e.errno)

try:
    os.rmdir(D)
except OSError as e:
    print("not empty:", e.errno == 39)

os.remove(D + "/b.txt")
os.rmdir(D + "/sub")
os.rmdir(D)
print(D in os.listdir())
