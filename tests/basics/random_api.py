# random: ranges, determinism under a seed, and errors (values differ from CPython's)
import random

random.seed(42)
a = [random.getrandbits(16) for _ in range(5)]
random.seed(42)
print(a == [random.getrandbits(16) for _ in range(5)])
print(all(0 <= random.getrandbits(b) < (1 << b) for b in (1, 5, 16, 32) for _ in range(20)))
print(random.getrandbits(0))
print(all(0 <= random.randrange(10) < 10 for _ in range(50)))
print(all(5 <= random.randrange(5, 9) < 9 for _ in range(50)))
print(all(random.randrange(10, 0, -3) in (10, 7, 4, 1) for _ in range(50)))
print(all(1 <= random.randint(1, 6) <= 6 for _ in range(50)))
print(all(random.choice("abc") in "abc" for _ in range(20)))
print(all(0 <= random.random() < 1 for _ in range(50)))
print(all(2 <= random.uniform(2, 3) <= 3 for _ in range(50)))
for f, args in ((random.randrange, (0,)), (random.randrange, (5, 5)), (random.randrange, (1, 5, 0)),
                (random.randint, (3, 1)), (random.getrandbits, (-1,))):
    try:
        f(*args)
    except ValueError:
        print("ValueError")
try:
    random.choice([])
except IndexError:
    print("IndexError")
