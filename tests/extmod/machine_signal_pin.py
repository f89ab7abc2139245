# machine: a pin written in Python, Signals over it (inverted too), and memory errors.
import machine


class Pin(machine.PinBase):
    def __init__(self):
        self.v = 0

    def value(self, v=None):
        if v is None:
            return self.v
        self.v = int(v)


p = Pin()
s = machine.Signal(p)
inv = machine.Signal(p, invert=True)
s.on()
print(p.value(), s.value(), inv.value())
inv.on()
print(p.value(), s.value(), inv.value())
s(1)
print(s(), inv())
twice = machine.Signal(inv, invert=True)
print(twice.value())
try:
    machine.Signal(p, 1)
except TypeError:
    print("TypeError")

print(machine.time_pulse_us(p, 0, 100))
print(machine.time_pulse_us(p, 1, 100))
print(machine.mem8, machine.mem16, machine.mem32)
try:
    machine.mem32[2]
except ValueError as e:
    print(e)
try:
    machine.mem8["x"]
except TypeError:
    print("TypeError")
machine.idle()


class Const(machine.PinBase):
    def value(self, v=None):
        return 42


class Sub(machine.Signal):
    pass


# A pin's reading is its value() as an int; a Signal subclass is still callable.
print(Sub(Const())(), machine.Signal(Const(), invert=True).value())
