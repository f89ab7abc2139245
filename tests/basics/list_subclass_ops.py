# instances of subclasses of list, tuple, dict and set behave as their base in operators


class L(list):
    def total(self):
        return sum(self)


class T(tuple):
    pass


class D(dict):
    pass


class S(set):
    pass


l = L([3, 1, 2])
l.append(4)
l.sort()
print(l, len(l), l[0], l[-1], l[1:3], l.total(), 2 in l, list(l))
print(l == [1, 2, 3, 4], [1, 2, 3, 4] == l, l + [5], [0] + l, l < [9], [0] < l)
t = T((1, 2))
print(t, len(t), t == (1, 2), (1, 2) == t, t + (3,), (0,) + t, t < (1, 3), t.count(1))
d = D(a=1)
d["b"] = 2
print(d, len(d), d["a"], "b" in d, d == {"a": 1, "b": 2}, {"a": 1, "b": 2} == d, list(d.items()))
e = {}
e.update(d)
print(e, dict(d))
s = S([3, 1])
s.add(2)
print(sorted(s), len(s), 1 in s, s == {1, 2, 3}, {1, 2, 3} == s, sorted(s | {4}), sorted({4} | s))
print(isinstance(l, list), isinstance(t, tuple), isinstance(d, dict), isinstance(s, set))
