# re.sub and Pattern.split where MicroPython agrees with CPython (no empty matches).
import re

print(re.sub("a", "b", "banana"))
print(re.sub("a", "b", "banana", 2))
print(re.sub("x", "y", "banana"))
print(re.sub("(n)(a)", r"\2\1", "banana"))
print(re.sub("(n)(a)", r"<\g<1>|\g<2>>", "banana"))
print(re.sub("(b)|(n)", r"[\1\2]", "banana"))
print(re.sub(r"\d+", lambda m: str(int(m.group(0)) + 1), "a1 b22 c333"))
print(re.sub("a", r"\\", "cat"))
print(re.sub(b"[aeiou]", b"_", b"education"))
print(re.compile("[aeiou]+").sub("-", "beautiful"))
print(re.sub(re.compile("o"), "0", "foo"))
try:
    re.sub("(a)", r"\3", "a")
except Exception:  # IndexError in MicroPython, re.error in CPython
    print("bad group")

p = re.compile(",")
print(p.split("a,b,,c"))
print(p.split("a,b,,c", 2))
print(p.split("abc"))
print(p.split(""))
print(re.compile("[ \t]+").split("one  two\tthree"))
print(re.compile(b"-").split(b"x-y"))
print(re.compile("é").split("aébéc"))
