# Comparisons and equality across int, big int, float and bool; hashes of equal numbers.
big = 2 ** 70
print(1 == 1.0, big == float(big), big + 1 > float(big) or True, 0.5 < 1 < big, -big < -1.5)
print(big > 1e20, big < 1e30, 3 < 3.5, 3.5 < 4, 2 ** 53 == 2.0 ** 53, True == 1, False == 0.0)
print(hash(1) == hash(1.0) == hash(True), hash(0) == hash(0.0) == hash(False))
d = {1: "int"}
d[1.0] = "float"
d[True] = "bool"
print(d, len(d))
print(sorted([3, 1.5, True, -2, 2 ** 65, 0.0]))
print(max(1, 1.0), min(1.0, 1), max(big, 1e10) == big)
print(7 // 2 == 3, 7 / 2 == 3.5, -7 // 2, 7 % -3, big % 7, big // 2 ** 60, (-big) // 3 == -((big + 2) // 3))
print(int(big / 2 ** 60), float(2 ** 60) == 2 ** 60, 10 ** 16 > 1e15)
