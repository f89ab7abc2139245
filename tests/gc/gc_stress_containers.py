# cmdline: -X heapsize=64k
# Churn through nested lists, dicts, strings and tuples under a small heap while a set of
# live structures is kept; collect often and check the live data two ways each round.
import gc
def build(seed):
    return {
        "list": [[seed + i, seed * i] for i in range(8)],
        "str": "s%d-" % seed * 3,
        "tuple": tuple(range(seed % 7 + 1)),
        "nested": {"k%d" % j: [j] * (j % 4) for j in range(5)},
    }
def checksum_a(obj):
    if isinstance(obj, dict):
        return sum(checksum_a(k) * 3 + checksum_a(v) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return sum((i + 1) * checksum_a(v) for i, v in enumerate(obj))
    if isinstance(obj, str):
        return sum(ord(c) for c in obj)
    return obj
def checksum_b(obj):
    # Same sum computed with explicit loops and a stack, not recursion.
    total = 0
    stack = [(obj, 1)]
    while stack:
        o, w = stack.pop()
        if isinstance(o, dict):
            for k in o:
                stack.append((k, 3 * w))
                stack.append((o[k], w))
        elif isinstance(o, (list, tuple)):
            i = 0
            for v in o:
                i += 1
                stack.append((v, i * w))
        elif isinstance(o, str):
            for c in o:
                total += ord(c) * w
        else:
            total += o * w
    return total
live = [build(i) for i in range(6)]
expected = [checksum_a(x) for x in live]
ok = True
for rnd in range(40):
    garbage = [build(rnd * 10 + j) for j in range(3)]
    garbage.append("g" * (rnd * 20))
    garbage.append([str(k) for k in range(rnd)])
    if rnd % 5 == 0:
        live[rnd % 6] = build(100 + rnd)
        expected[rnd % 6] = checksum_a(live[rnd % 6])
    if rnd % 3 == 0:
        gc.collect()
    for i in range(6):
        if checksum_a(live[i]) != expected[i] or checksum_b(live[i]) != expected[i]:
            ok = False
            print("corrupt", rnd, i)
    del garbage
gc.collect()
print(ok, sum(expected))
