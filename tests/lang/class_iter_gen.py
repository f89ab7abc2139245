# Classes whose __iter__ is a generator, and generator methods keeping instance state.
class Tree:
    def __init__(self, value, *children):
        self.value = value
        self.children = children
    def __iter__(self):
        yield self.value
        for c in self.children:
            yield from c
    def depth_first(self, depth=0):
        yield depth, self.value
        for c in self.children:
            yield from c.depth_first(depth + 1)
t = Tree(1, Tree(2, Tree(4)), Tree(3, Tree(5), Tree(6)))
print(list(t), sum(t), max(t), [d for d, v in t.depth_first()])
class Buffer:
    def __init__(self):
        self.items = []
    def feed(self):
        while True:
            x = yield
            if x is None:
                break
            self.items.append(x)
b = Buffer()
g = b.feed()
next(g)
for i in "abc":
    g.send(i)
try:
    g.send(None)
except StopIteration:
    pass
print(b.items)
