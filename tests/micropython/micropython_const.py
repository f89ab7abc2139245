# micropython.const: compile-time constants, const expressions and their use in functions.
from micropython import const
import micropython
A = const(10)
B = const(A * 3 + 1)
_PRIVATE = const(0x20)
C = const(-A)
BIG = const(1 << 40)
print(A, B, _PRIVATE, C, BIG)
def f(x):
    return x + A + _PRIVATE
print(f(1), B // A, BIG >> 38)
print("A" in globals(), "B" in globals())
class K:
    N = const(5)
    def get(self):
        return self.N * A
print(K().get(), K.N)
print(micropython.const(7), const("text"), const((1, 2)))
X = const(3)
if X > 2:
    print("folded branch")
