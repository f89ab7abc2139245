# User exception classes: custom __str__, extra attributes, args, raise class vs instance,
# raising a non-exception, and catching by base class tuples.
class E(Exception):
    def __str__(self):
        return "custom str"
try:
    raise E(1, 2)
except E as e:
    print(str(e), e.args)
class WithData(Exception):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code
try:
    raise WithData(404, "missing")
except Exception as e:
    print(type(e).__name__, e.code, e.args, str(e))
try:
    raise ValueError
except ValueError as e:
    print(type(e) is ValueError, e.args)
try:
    raise 5
except TypeError:
    print("TypeError raise int")
class Base(Exception):
    pass
class A(Base):
    pass
class B(Base):
    pass
for cls in (A, B, Base, KeyError):
    try:
        raise cls("x")
    except (A, KeyError) as e:
        print("first", type(e).__name__)
    except Base as e:
        print("second", type(e).__name__)
e = A("kept")
print(e.args, isinstance(e, Exception), issubclass(A, BaseException))
