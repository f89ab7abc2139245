# Special methods: arithmetic, reflected, in-place, comparison, container protocol.
class V:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __repr__(self):
        return "V(%r, %r)" % (self.x, self.y)
    def __add__(self, o):
        if isinstance(o, V):
            return V(self.x + o.x, self.y + o.y)
        return V(self.x + o, self.y + o)
    def __radd__(self, o):
        return V(o + self.x, o + self.y)
    def __sub__(self, o):
        return V(self.x - o.x, self.y - o.y)
    def __mul__(self, k):
        return V(self.x * k, self.y * k)
    def __rmul__(self, k):
        return V(k * self.x, k * self.y)
    def __neg__(self):
        return V(-self.x, -self.y)
    def __eq__(self, o):
        return isinstance(o, V) and self.x == o.x and self.y == o.y
    def __lt__(self, o):
        return (self.x, self.y) < (o.x, o.y)
    def __hash__(self):
        return hash((self.x, self.y))
    def __bool__(self):
        return bool(self.x or self.y)
    def __abs__(self):
        return self.x * self.x + self.y * self.y
a = V(1, 2)
b = V(3, 4)
print(a + b, a + 1, 10 + a, a - b, a * 3, 3 * a, -a, abs(b))
print(a == V(1, 2), a != b, a < b, not (b < a), sorted([b, a]), bool(V(0, 0)), bool(a))
print(len({V(1, 2), V(1, 2), a}))

class Acc:
    def __init__(self):
        self.v = []
    def __iadd__(self, o):
        self.v.append(o)
        return self
    def __add__(self, o):
        return "plain add"
acc = Acc()
orig = acc
acc += 1
acc += 2
print(acc is orig, acc.v)

class OnlyAdd:
    def __init__(self, n):
        self.n = n
    def __add__(self, o):
        return OnlyAdd(self.n + o)
x = OnlyAdd(1)
y = x
x += 5
print(x.n, y.n, x is y)

class Seq:
    def __init__(self):
        self.d = {}
    def __getitem__(self, k):
        if isinstance(k, int) and k >= 5:
            raise IndexError
        return self.d.get(k, k)
    def __setitem__(self, k, v):
        self.d[k] = v
    def __delitem__(self, k):
        del self.d[k]
    def __len__(self):
        return 5
    def __contains__(self, k):
        return k == "magic"
s = Seq()
s[1] = "one"
print(s[1], s[2], len(s), "magic" in s, 3 in s, list(s))
del s[1]
print(s[1])

class Call:
    def __call__(self, *a, **k):
        return a, sorted(k.items())
print(Call()(1, 2, z=3))


class NotImpl:
    def __add__(self, o):
        return NotImplemented
class Right:
    def __radd__(self, o):
        return "right wins"
print(NotImpl() + Right())
try:
    NotImpl() + 1
except TypeError:
    print("TypeError")

class Str:
    def __str__(self):
        return "str!"
    def __repr__(self):
        return "repr!"
print(Str(), str(Str()), repr(Str()), [Str()], "%s %r" % (Str(), Str()))
