# binascii: hex and base64 both ways, and crc32
import binascii

print(binascii.hexlify(b""), binascii.hexlify(b"\x00\x01\xab\xff"))
print(binascii.hexlify(b"\x01\xab\x10", "-"), binascii.hexlify(bytearray(b"AB"), ":"))
print(binascii.unhexlify("0001abff"), binascii.unhexlify(b"4142"))
for data in (b"", b"a", b"ab", b"abc", b"abcd", bytes(range(256))[:40]):
    enc = binascii.b2a_base64(data)
    print(enc, binascii.b2a_base64(data, newline=False), binascii.a2b_base64(enc) == data)
print(binascii.a2b_base64(b"YWJj\nZGVm"), binascii.a2b_base64("YQ=="))
print(binascii.crc32(b""), binascii.crc32(b"hello"), binascii.crc32(b"world", binascii.crc32(b"hello ")))
print(binascii.crc32(b"hello world") == binascii.crc32(b"world", binascii.crc32(b"hello ")))
for bad in (b"YQ", b"Y"):
    try:
        binascii.a2b_base64(bad)
    except Exception as e:
        print(type(e).__name__ in ("Error", "ValueError"))
