# complex numbers: construction, repr, arithmetic with ints and floats

for z in (1j, 2 + 3j, -1.5 - 0.5j, complex(1, -0.0), 1e20 + 1e-7j, complex(float("inf"), float("nan"))):
    print(z, repr(z), z.real, z.imag)
for s in ("1+2j", " -3.5-4j ", "j", "-J", "5", "2.5e1j", "inf+nanj"):
    print(repr(s), complex(s))
for s in ("1+2", "j1", "", "1+2j+3"):
    try:
        complex(s)
    except ValueError:
        print("ValueError", repr(s))
print(complex(), complex(2), complex(2.5), complex(1, 2), complex(1j, 1j), complex(True, False))
a, b = 1 + 2j, 3 - 1j
print(a + b, a - b, a * b, a / b, a + 1, 1 + a, a - 1.5, 1.5 - a, 2 * a, a * 2.0, a / 2)
print(a == 1 + 2j, a == 1, (1 + 0j) == 1, 2.0 == (2 + 0j), a != b)
print(abs(3 + 4j), abs(-1j), -a, +a, bool(0j), bool(1j))
z = (1j) ** 2
print(round(z.real, 10), round(z.imag, 10))
z = (-1) ** 0.5
print(round(z.real, 10), round(z.imag, 10))
print(0j**0, 0j**2)
for f in (lambda: a / 0, lambda: a // 2, lambda: a % 2, lambda: 0j ** -1):
    try:
        f()
    except (ZeroDivisionError, TypeError) as e:
        print(type(e).__name__)
print(hash(2 + 0j) == hash(2))
