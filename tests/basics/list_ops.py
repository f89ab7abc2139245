# list construction, indexing, operators and methods

l = list()
print(l, list((1, 2)), list(range(4)), list("ab"), list({5: 6}))
l = [10, 20, 30, 40]
print(l[0], l[-1], l[-4], len(l), bool(l), bool([]))
for i in (4, -5, 100):
    try:
        l[i]
    except IndexError:
        print("IndexError", i)
try:
    l["x"]
except TypeError:
    print("TypeError str index")
l[1] = 21
l[-1] = 41
print(l)
del l[0]
print(l)
print([1, 2] + [3], [1, 2] * 3, 3 * [0], [1] * 0, [1] * -2)
a = [1, 2]
b = a
a += (3, 4)
a += range(5, 7)
print(a, a is b)
a *= 2
print(a, a is b)
print([1, 2] == [1, 2], [1, 2] != [1, 2], [1, 2] == (1, 2), [] == [])
print([1, 2] < [1, 3], [1, 2] < [1, 2, 0], [2] > [1, 9], [1, 2] <= [1, 2], [1, 2] >= [1, 3])
print([[1, 2], [3]] < [[1, 2], [4]])
print(2 in [1, 2, 3], 5 in [1, 2, 3], 5 not in [1, 2, 3], [1] in [[1], 2])
try:
    [1] + (2,)
except TypeError:
    print("TypeError add tuple")
try:
    [1] < 1
except TypeError:
    print("TypeError compare")
try:
    hash([])
except TypeError:
    print("TypeError hash")
try:
    {[]: 1}
except TypeError:
    print("TypeError dict key")

l = [3, 1, 2]
l.append(4)
l.extend([5, 6])
l.extend((7,))
l.extend(x for x in [8])
l.extend(l[:2])
print(l)
l.insert(0, 0)
l.insert(-1, -1)
l.insert(100, 100)
l.insert(-100, -100)
print(l)
print(l.pop(), l.pop(0), l.pop(-2), l)
print(l.index(2), l.index(1, 2), l.count(1), l.count(99))
try:
    l.index(99)
except ValueError:
    print("ValueError index")
try:
    l.index(3, 1, 2)
except ValueError:
    print("ValueError index range")
l.remove(1)
print(l)
try:
    l.remove(99)
except ValueError:
    print("ValueError remove")
try:
    [].pop()
except IndexError:
    print("IndexError pop empty")
try:
    [1].pop(5)
except IndexError:
    print("IndexError pop index")
c = l.copy()
l.reverse()
print(l, c)
l.clear()
print(l, len(l), c)
x = [1, 2]
x.append(x)
print(len(x), x[2] is x)

# iteration sees appends made during the loop
l = [1, 2]
for v in l:
    if v < 5:
        l.append(v + 2)
print(l)
it = iter([1, 2])
print(next(it), next(it), next(it, "end"))
