# Augmented assignment on names, attributes and subscripts evaluates the target once.
calls = []
def key(k):
    calls.append(k)
    return k
class Obj:
    def __init__(self):
        self.n = 1
objs = [Obj()]
def get(i):
    calls.append("get%d" % i)
    return objs[i]
d = {"a": 1}
d[key("a")] += 10
l = [1, 2, 3]
l[key(1)] *= 5
get(0).n -= 3
print(d, l, objs[0].n, calls)
x = 5
x //= 2; print(x)
x **= 3; print(x)
x %= 5; print(x)
x <<= 4; print(x)
x >>= 1; print(x)
x |= 1; print(x)
x &= 6; print(x)
x ^= 15; print(x)
x /= 4; print(x)
s = "ab"
s += "cd"; s *= 2
print(s)
t = (1,)
t2 = t
t += (2,)
print(t, t2)
m = [[0] * 2 for _ in range(2)]
m[0][1] += 7
m[1][key(0)] -= 1
print(m, calls[-1])
