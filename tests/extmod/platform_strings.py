# platform: the identifying strings have the types and shape CPython gives them.
import platform

p = platform.platform()
print(type(p), len(p) > 0, "-with-" in p)
print(type(platform.python_compiler()))
lib = platform.libc_ver()
print(type(lib), len(lib), type(lib[0]), type(lib[1]))
