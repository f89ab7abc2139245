# random: MicroPython's generator gives these exact values for these seeds
import random

random.seed(1)
print(random.getrandbits(32), random.getrandbits(8), random.randrange(10), random.randint(1, 6))
print(random.choice("abc"), random.random(), random.uniform(1, 2))
random.seed(-1)
print(random.getrandbits(16), random.randrange(10, 0, -3), random.randrange(-5, 5))
random.seed(2**40 + 3)
print(random.getrandbits(16))
