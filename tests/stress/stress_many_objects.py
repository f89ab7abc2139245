# Many small objects created and dropped under the default heap; results checked.
class P:
    def __init__(self, a):
        self.a = a
total = 0
for i in range(100000):
    p = P(i)
    t = (i, p.a)
    total += t[1]
print(total == sum(range(100000)))
keep = [str(i) for i in range(5000)]
print(len(keep), sum(len(s) for s in keep))
acc = []
for i in range(2000):
    acc.append({i: [i] * 3})
print(sum(v[i][2] for i, v in enumerate(acc)))
s = "".join(chr(97 + i % 26) for i in range(50000))
print(len(s), s.count("z"), s[-3:])
b = bytearray()
for i in range(30000):
    b.append(i & 255)
print(len(b), sum(b) % 65521)
big = 1
for i in range(1, 400):
    big *= i
print(len(str(big)), big % 1000000007)
