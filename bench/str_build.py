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
        t = "-".join([word, str(i * 3), word[::-1]])
        check = (check + len(t) + t.count("1") + (1 if t.startswith("item1") else 0)) & 0x3FFFFFF
        if t.find("99") >= 0:
            check += 1
    joined = ",".join(parts)
    check += len(joined) + len(s) + len(joined.split(",")) + len(s.replace("1", "one"))
    return check


print(run(300000))
