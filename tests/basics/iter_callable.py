# iter(callable, sentinel) and iteration through __getitem__
n = [0]
def f():
    n[0] += 1
    return n[0]
print(list(iter(f, 5)))
it = iter(f, 8)
print(next(it), next(it), next(it, 'x'), next(it, 'y'))
class G:
    def __getitem__(self, i):
        if i > 3:
            raise IndexError
        return i * i
print(list(G()), 9 in G(), 10 in G())
