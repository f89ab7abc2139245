# Circular imports: a package whose submodules import each other, a function-level import
# that completes the cycle later, and a module importing itself.
import _circ
print(_circ.a.A, _circ.b.later())
import _selfref
print(_selfref.X, _selfref._selfref is _selfref)
import _circ.b as cb
print(cb.B, cb is _circ.b)
