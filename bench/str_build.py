# Strings: concatenation, join, formatting, slicing, methods, and comparisons.


def run(n):
    parts = []
    s = ""
    check = 0
    for i in range(n):
        word = "item%d" % i
        parts.append(word.upper())
        if i % 10 == 0:
            s += word[-2:]
        t = "-".join([word, str(i * 3), word[2:] + word[:2]])
        check = (check + len(t) + t.count("1") + (1 if t.startswith("item1") else 0)) & 0x3FFFFFF
        if t.find("99") >= 0:
            check += 1
        if len(parts) == 1000:
            joined = ",".join(parts)
            check += len(joined) + len(joined.split(",")) + joined.count("M9")
            parts = []
        if len(s) > 2000:
            check += len(s.replace("1", "one"))
            s = s[1000:]
    return check & 0x3FFFFFFF


print(run(300000))
