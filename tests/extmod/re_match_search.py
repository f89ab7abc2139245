# Matching and searching with MicroPython's regex subset; CPython agrees on all of these.
import re


def show(m):
    if m is None:
        print(None)
        return
    print(m.group(0), m.groups(), m.span(), m.start(), m.end())


show(re.match("ab+c", "abbbcd"))
show(re.match("ab+c", "xabbbcd"))
show(re.search("ab+c", "xabbbcd"))
show(re.search("b+?", "abbb"))
show(re.match("a*?b", "aaab"))
show(re.match("x??y", "xy"))
show(re.match("colou?r", "color"))
show(re.search("[0-9]+", "abc 123 def"))
show(re.search("[^a-z ]+", "abc 123 def"))
show(re.search(r"\d+\s\w+", "xx 42 apples"))
show(re.search(r"[\d.]+", "pi=3.14"))
show(re.match(r"\S+\s*\D", "abc  x"))
show(re.match("(a|b)*c", "ababc"))
show(re.match("(?:ab)+", "ababx"))
show(re.match("(a)(b(c))?", "ab"))
show(re.match("(a)(b(c))?", "abc"))
show(re.search("^abc$", "abc"))
show(re.search("^b", "abc"))
show(re.search("c$", "abc"))
show(re.search("cat|dog", "hotdog"))
show(re.match(r"a\.b", "a.b"))
show(re.match(r"\(x\)", "(x)"))
show(re.match("[-a]+", "-a-b"))
show(re.match(r"[\]x]+", "]x]y"))
show(re.match(b"[a-c]+", b"abcd"))
show(re.search(b"\\d", b"ab5"))

# Compiled patterns with start and end positions.
p = re.compile("o+")
show(p.match("foo", 1))
show(p.match("foo", 0))
show(p.search("foo boo", 3))
show(p.search("foo boo", 3, 5))
show(p.search("foo", 5))
show(p.search("foo", -3))
show(p.match("foo", 2, 1))

# Spans count characters in str subjects.
show(re.search("é+", "caféé!"))
show(re.search(".", "ü"))
show(re.match("ü?x", "üx"))

# Groups that did not take part.
m = re.match("(a)|(b)", "b")
print(m.group(1), m.group(2), m.span(1), m.start(1), m.end(2))
try:
    m.group(3)
except IndexError:
    print("IndexError")
try:
    m.span(-1)
except IndexError:
    print("IndexError")
