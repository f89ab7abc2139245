# sets of big ints and large floats order as CPython's (hashes reduce modulo 2**61 - 1)
print({2**61, 2**62, 2**63, -2**62, 2**64 + 3, 5, 2**61 - 1, 2**61 + 2})
print({2.0**61, 2.0**70, 1e18, 7})
print({-2**64 - 5, -2**70, 2**70, 3, 2**100 + 1})
