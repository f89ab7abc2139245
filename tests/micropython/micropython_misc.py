# micropython module: attributes the unix port provides, and calls that return None.
import micropython
for name in ["const", "opt_level", "heap_lock", "heap_unlock", "kbd_intr", "schedule", "mem_info", "qstr_info", "stack_use"]:
    print(name, hasattr(micropython, name))
print(type(micropython.stack_use()).__name__, micropython.stack_use() >= 0)
