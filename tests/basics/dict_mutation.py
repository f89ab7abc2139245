# dict and set lookups survive keys whose __eq__ clears or grows the container
d = {i: i for i in range(20)}
class K:
    def __hash__(self):
        return 1
    def __eq__(self, o):
        d.clear()
        return False
d[K()] = 2
print(len(d))
d = {i: i for i in range(20)}
class K2:
    def __hash__(self):
        return 1
    def __eq__(self, o):
        for j in range(100, 200):
            d[j] = j
        return False
d[K2()] = 2
print(len(d))
s = set(range(20))
class S:
    def __hash__(self):
        return 1
    def __eq__(self, o):
        s.clear()
        return False
s.add(S())
print(len(s))
s = set(range(20))
class S2:
    def __hash__(self):
        return 1
    def __eq__(self, o):
        for j in range(100, 200):
            s.add(j)
        return False
s.add(S2())
print(len(s))
