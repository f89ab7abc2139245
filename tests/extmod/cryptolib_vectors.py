# cryptolib.aes against the NIST SP 800-38A example vectors (ECB, CBC, CTR; AES-128 and
# AES-256), encrypting and decrypting, whole and in pieces, into buffers and in place.
try:
    from cryptolib import aes
except ImportError:
    print("SKIP")
    raise SystemExit

from binascii import unhexlify as h

PT = h(
    "6bc1bee22e409f96e93d7e117393172a"
    "ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef"
    "f69f2445df4f9b17ad2b417be66c3710"
)
K128 = h("2b7e151628aed2a6abf7158809cf4f3c")
K256 = h("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")
IV = h("000102030405060708090a0b0c0d0e0f")
CTR = h("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
CASES = (
    ("ecb128", K128, 1, None, "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"
     "43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4"),
    ("cbc128", K128, 2, IV, "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
     "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"),
    ("ctr128", K128, 6, CTR, "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
     "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee"),
    ("ecb256", K256, 1, None, "f3eed1bdb5d2a03c064b5a7e3db181f8591ccb10d410ed26dc5ba74a31362870"
     "b6ed21b99ca6f4f9f153e7b1beafed1d23304b7a39f9f3ff067d8d8f9e24ecc7"),
    ("cbc256", K256, 2, IV, "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
     "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"),
    ("ctr256", K256, 6, CTR, "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
     "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6"),
)
for name, key, mode, iv, ct_hex in CASES:
    ct = h(ct_hex)
    args = (key, mode) if iv is None else (key, mode, iv)
    enc = aes(*args).encrypt(PT)
    print(name, "encrypt", enc == ct, aes(*args).decrypt(enc) == PT)
    # In pieces: the chaining state carries over between calls.
    c = aes(*args)
    step = 7 if mode == 6 else 16
    pieces = b"".join(c.encrypt(PT[i : i + step]) for i in range(0, len(PT), step))
    print(name, "pieces", pieces == enc)
    # Into a buffer, and in place.
    out = bytearray(len(PT) + 3)
    r = aes(*args).encrypt(PT, out)
    print(name, "into", r is out, bytes(out[: len(PT)]) == enc, out[len(PT) :])
    buf = bytearray(enc)
    aes(*args).decrypt(buf, buf)
    print(name, "inplace", buf == PT)


def err(f):
    try:
        f()
    except ValueError as e:
        print("ValueError", e)


err(lambda: aes(K128, 3))
err(lambda: aes(b"short", 1))
err(lambda: aes(K128, 2))
err(lambda: aes(K128, 6))
err(lambda: aes(K128, 2, b"1234"))
err(lambda: aes(K128, 1).encrypt(b"123"))
err(lambda: aes(K128, 1).encrypt(PT, bytearray(4)))
c = aes(K128, 1)
c.encrypt(PT)
err(lambda: c.decrypt(PT))
c = aes(K128, 6, CTR)
c.decrypt(b"1")
err(lambda: c.encrypt(b"1"))
print(aes(K128, 1, None).encrypt(bytes(16)) == aes(K128, 1).encrypt(bytes(16)))
print(len(aes(K128, 6, CTR).encrypt(b"")))
