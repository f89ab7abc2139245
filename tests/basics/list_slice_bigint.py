# slice bounds beyond a machine word clamp like CPython's
l = list(range(6))
print(l[:2**100], l[-2**100:], l[2**100:], l[::-2**100], l[::2**70], l[-2**80:2**80:2])
print(range(10)[:2**90], (1, 2, 3)[2**65:], "abc"[-2**70:] if True else 0)
l[2**90:] = [9]
print(l)
print(slice(0, 2**100).indices(5))
