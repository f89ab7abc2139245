# namedtuples take part in tuple operations, which return plain tuples
from collections import namedtuple
P = namedtuple("P", ("x", "y"))
p = P(1, 2)
print(tuple(p), p[:], p + (), () + p, p * 1, p[::-1], type(tuple(p)).__name__, type(p[:]).__name__, type(p + ()).__name__, type(p * 1).__name__)
print(p == (1, 2), (1, 2) == p, p < (1, 3), hash(p) == hash((1, 2)), list(p), 2 in p)
print({p: 1}[(1, 2)], {(1, 2), p})
