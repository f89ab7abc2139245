# int.to_bytes / int.from_bytes in both byte orders, including big values.
for n in [0, 1, 255, 256, 65535, 2 ** 31 - 1, 2 ** 40 + 5]:
    for order in ("little", "big"):
        b = n.to_bytes(8, order)
        assert int.from_bytes(b, order) == n
        print(n, order, b)
print(int.from_bytes(b"\x01\x02", "big"), int.from_bytes(b"\x01\x02", "little"), int.from_bytes(b"", "big"))
big = 2 ** 100 + 12345
b = big.to_bytes(16, "big")
print(b, int.from_bytes(b, "big") == big, int.from_bytes(big.to_bytes(16, "little"), "little") == big)
print((1).to_bytes(1, "big"), (258).to_bytes(2, "little"))
