# errno.errorcode is a read-only dict: lookups work, every mutation is a TypeError.
import errno

d = errno.errorcode
print(d[errno.ENOENT], errno.EIO in d, type(d).__name__)
snapshot = d.copy()
for op in (
    lambda: d.popitem(),
    lambda: d.pop(errno.EIO),
    lambda: d.setdefault(12345, 0),
    lambda: d.update({1: 2}),
    lambda: d.__setitem__(1, "x"),
    lambda: d.__delitem__(1),
    lambda: d.clear(),
):
    try:
        op()
        print("changed")
    except TypeError:
        print("TypeError")
print(d == snapshot, len(d) == len(snapshot))
snapshot[1] = "changed copy"
print(snapshot[1])
