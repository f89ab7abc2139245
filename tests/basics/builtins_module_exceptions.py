# The builtins module holds the exception classes too, as bare names see them.
import builtins

print(builtins.TypeError is TypeError, builtins.ValueError is ValueError)
print(builtins.StopIteration is StopIteration, builtins.KeyError is KeyError)
names = dir(builtins)
for n in ["TypeError", "Exception", "BaseException", "len", "isinstance"]:
    print(n, n in names)
print(getattr(builtins, "ZeroDivisionError") is ZeroDivisionError)
print(hasattr(builtins, "NoSuchName"))
