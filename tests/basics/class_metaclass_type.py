# A class derived from `type` builds classes through type's constructor.
class Meta(type):
    pass

K = Meta("K", (), {"x": 7})
print(type(K) is Meta, isinstance(K, type))
print(K.__name__, K.x)
print(not K, bool(K))
