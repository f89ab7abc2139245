# Opening files that are not there, and the errno the OSError carries.
import errno

try:
    open("_no_such_file.txt")
except OSError as e:
    print(isinstance(e, OSError), e.errno == errno.ENOENT, e.args[0])

try:
    open("_no_such_dir/x.txt", "w")
except OSError as e:
    print(isinstance(e, OSError), e.errno == errno.ENOENT)

try:
    with open("_no_such_file.txt", "rb"):
        pass
except OSError:
    print("OSError in with")

try:
    open(None)
except TypeError:
    print("TypeError")
