# execfile(path[, globals[, locals]]) runs a source file in the given namespaces.
value = 21
execfile("_execfile_target.py")
print(result)
ns = {"value": "ab"}
execfile("_execfile_target.py", ns)
print(ns["result"])
try:
    execfile("_no_such_file.py")
except OSError as e:
    print("OSError", e.args[0])
try:
    execfile(b"_execfile_target.py")
except TypeError:
    print("TypeError")
