# Run by builtin_execfile.py through execfile().
result = value * 2
print("in file:", __name__ if "__name__" in globals() else "no name", value)
