# sys.ps1 and sys.ps2, the REPL's prompts: MicroPython has them in every run (CPython only
# in interactive mode), readable and settable.
import sys

print(repr(sys.ps1), repr(sys.ps2))
sys.ps1 = "P1"
sys.ps2 = 42
print(sys.ps1, sys.ps2)
sys.ps1 = ">>> "
print(repr(sys.ps1))
