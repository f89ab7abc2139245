# Tight integer loop: local variables, arithmetic, bit operations, while and range.


def run(n):
    x = 0
    acc = 1
    for i in range(n):
        x = (x + i * 7) & 0xFFFF
        acc = (acc * 31 + x) % 1000003
        if x & 1:
            acc ^= i
    j = 0
    while j < n // 2:
        acc = (acc + (j >> 3)) & 0x3FFFFFFF
        j += 1
    return acc


print(run(2000000))
