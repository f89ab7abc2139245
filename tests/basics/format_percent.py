# printf-style % formatting of str and bytes
print("%d|%i|%u|%5d|%-5d|%05d|%+d|% d|%.3d|%5.3d|%-05d" % (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))
print("%x|%X|%#x|%#X|%o|%#o|%x|%08x" % (255, 255, 255, 255, 8, 8, -255, 255))
print("%s|%r|%5s|%-5s|%.2s|%5.1s|%a" % ("s", "r", "a", "b", "abc", "xyz", "a"))
print("%c%c%c|%3c|%-3c|" % (65, "b", 0x20ac, "x", "y"))
print("%f|%.2f|%10.3f|%-10.1f|%e|%.2E|%g|%G|%+.1f|% .1f|%08.2f" % ((1.5,) * 11))
print("%d %s" % (2.7, 2.7), "%x" % 255, "%s" % [1], "%s" % (1,), "%%|%d%%" % 5)
print("%*d|%-*d|%.*f|%*.*f" % (4, 1, 3, 2, 2, 3.14159, 8, 3, 2.5))
print("%(a)s-%(b)03d-%(a)r" % {"a": "x", "b": 7}, "%(k)s" % {"k": 1, "j": 2})
print("%d" % True, "%s %s" % (True, None), "%.1f" % 2, "%d" % 2**70, "%x" % 2**70)
print(b"%s|%d|%c|%x|%5s|%r" % (b"ab", 3, 65, 255, b"x", b"r"))
class A:
    def __int__(self):
        return 9
print("%d" % A())
for fmt, args in (("%d %d", (1,)), ("%d", (1, 2)), ("%d", ("x",)), ("abc%", (1,)), ("%y", (1,)),
                  ("%(a)s", (1,)), ("%(a", {"a": 1}), ("%c", ("ab",)), ("%c", (1.5,))):
    try:
        print(fmt % args)
    except (TypeError, ValueError, KeyError) as e:
        print(repr(fmt), type(e).__name__)
