# struct's MicroPython-only 'S' item: a NUL-terminated string at an address taken with
# uctypes.addressof; and the 'O' item round trip.
import struct
import uctypes

for text in ("hello", b"by\x00tes", bytearray(b"mutable\x00tail")):
    addr = uctypes.addressof(text)
    packed = struct.pack("<S", addr)
    print(len(packed) == struct.calcsize("<P"), struct.unpack("<S", packed))
    # An address inside the buffer starts the string there.
    print(struct.unpack("<S", struct.pack("<S", addr + 1)))

# Two items in one format, native order.
a = uctypes.addressof("first")
b = uctypes.addressof("second")
print(struct.unpack("SS", struct.pack("SS", a, b)))

# A word upy never handed out is refused, not read.
for forged in (0, 1, 0x1234):
    try:
        struct.unpack("<S", struct.pack("<S", forged))
    except ValueError as e:
        print("ValueError", e)

# Objects through 'O'.
class A:
    pass


o = A()
print(struct.unpack("<O", struct.pack("<O", o))[0] is o)
print(struct.unpack("<2O", struct.pack("<2O", None, 12)))
