# micropython.kbd_intr exists and accepts a character code or -1 to disable.
import micropython
print(callable(micropython.kbd_intr))
print(micropython.kbd_intr(-1))
print(micropython.kbd_intr(3))
total = sum(range(1000))
print(total)
