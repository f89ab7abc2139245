# Importing a frozen module runs its bytecode from static data: the heap only gains the
# module, its namespace, what its body creates (functions, default values) and a small
# context. The same source imported from a file also keeps its bytecode, qstr table,
# constants and function descriptors in the heap.
import gc

gc.collect()
before = gc.mem_free()
import bisect

gc.collect()
frozen_cost = before - gc.mem_free()

gc.collect()
before = gc.mem_free()
import _bisect_copy

gc.collect()
file_cost = before - gc.mem_free()

print(frozen_cost < 2048)
print(file_cost - frozen_cost > 800)
print(bisect.bisect_left([1, 2, 3], 2) == _bisect_copy.bisect_left([1, 2, 3], 2))
