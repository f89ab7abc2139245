# More str.format and % formatting of ints and strings: alignment, fill, sign, width,
# precision on strings and positional/keyword fields.
print("{:<8}|{:>8}|{:^8}|".format("ab", "cd", "ef"))
print("{:*<6}|{:#>6}|{:0>6}|{:-^7}|".format(1, 2, 3, "m"))
print("{:+d} {:+d} {: d} {: d}".format(5, -5, 5, -5))
print("{:.3}|{:6.2}|".format("abcdef", "xyz"))
print("{:#b} {:#o} {:#X} {:08b}".format(5, 8, 255, 5))
print("{0}{1}{0}".format("a", "b"), "{}-{}".format(*"xy"), "{a}{b}".format(**{"a": 1, "b": 2}))
print("%5s|%-5s|%.2s|" % ("abc", "de", "fgh"), "%3d|%-3d|%03d|" % (1, 2, 3), "%+d %+d" % (1, -1))
print("%(name)s is %(age)d" % {"name": "Ann", "age": 30}, "%c%c" % ("x", 121), "%%d")
print("%x %X %o %#x %#o" % (255, 255, 8, 255, 8))
print(str.format("{}", 1), "{!r:>6}".format("a"), "{:d}".format(True) if False else "1")
try:
    "{} {}".format(1)
except IndexError:
    print("IndexError")
try:
    "%d %d" % (1,)
except TypeError:
    print("TypeError")
try:
    "{:d}".format("s")
except ValueError:
    print("ValueError")
