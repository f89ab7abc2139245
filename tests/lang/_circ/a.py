from . import b
A = "a" + b.B
