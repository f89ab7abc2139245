# MicroPython-specific re behaviour (judged by the .exp file, checked against upstream).
import re


def compile_error(p):
    try:
        re.compile(p)
        print("ok", repr(p))
    except ValueError as e:
        print("ValueError", e)


for p in ("*", "a**", "+b", "?", "(a", "[ab", "a\\", ")", "ab)", "(a)" * 63, "(a)" * 64,
          "{2}", "a{2}"):
    compile_error(p)

# Braces are literal text; escaped letters stand for themselves.
print(re.match("a{2}", "a{2}").group(0))
print(re.match(r"\n", "n").group(0))

# Empty matches stop split and sub.
print(re.compile("x*").split("axbxc"))
print(re.sub("x*", "-", "abc"))

# Splitting with capture groups is not implemented.
try:
    re.compile("(,)").split("a,b")
except NotImplementedError as e:
    print("NotImplementedError", e)

# A pattern that loops without consuming input hits the depth limit.
try:
    re.match("(a*)*", "aa")
except RuntimeError as e:
    print("RuntimeError", e)

# Match objects print their group count.
print(re.match("(a)(b)", "ab"))
print(re.match("a", "a"))

# Subjects may be str or bytes whatever the pattern is.
print(re.match(b"a", "abc").group(0))
print(re.match("a", b"abc").group(0))
try:
    re.match("a", 1)
except TypeError:
    print("TypeError")

# The module alias.
import ure
print(ure.sub is re.sub)
