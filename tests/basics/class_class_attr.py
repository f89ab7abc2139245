# A class's __class__ is its metaclass (type), for built-in and user classes alike.
class A:
    pass


class B(A, Exception):
    pass


for c in (A, B, int, str, Exception, ValueError, type, object):
    print(c.__name__, c.__class__ is type, c.__class__.__name__)
print(A().__class__ is A, B().__class__.__class__ is type)
