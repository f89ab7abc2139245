# global declarations across functions, and functions reading globals defined later.
total = 0
def add(n):
    global total
    total += n
def report():
    return "total=%d later=%s" % (total, later)
for i in range(5):
    add(i)
later = "defined after"
print(report())
def rebind_builtin():
    global len
    len = lambda x: -1
    return len([1, 2])
print(rebind_builtin(), len("abc"))
del len
print(len("abc"))
def uses_builtin_shadow():
    print = lambda *a: None
    print("hidden")
    return "shadowed locally"
print(uses_builtin_shadow())
def nested_global():
    def inner():
        global total
        total = "reset"
    inner()
nested_global()
print(total)
