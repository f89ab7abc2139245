# Containers: dict insert/lookup/update, list append/sort/slice, comprehensions, sets.


def run(n):
    d = {}
    for i in range(n):
        k = (i * 7919) % 5003
        d[k] = d.get(k, 0) + i
    keys = sorted(d)
    lst = [d[k] % 1000 for k in keys]
    lst.sort()
    total = sum(lst[::3]) + len(keys)
    names = {}
    for i in range(n // 4):
        key = "k" + str(i % 997)
        if key in names:
            entry = names[key]
            entry[0] += 1
            entry[1] = i
        else:
            names[key] = [1, i]
    for key in names:
        total += names[key][0] * names[key][1] % 101
    seen = set()
    for i in range(n // 2):
        seen.add(i * i % 4099)
    stack = []
    for i in range(n // 2):
        stack.append(i)
        if i % 3 == 0:
            total += stack.pop()
        if len(stack) > 1000:
            del stack[:500]
    return (total + len(seen) + len(stack)) & 0x3FFFFFFF


print(run(1200000))
