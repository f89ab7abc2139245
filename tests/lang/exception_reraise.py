# Re-raising, raise from, nested handlers and exceptions across calls.
def inner():
    raise ValueError("deep")
def middle():
    try:
        inner()
    except ValueError:
        print("middle saw it")
        raise
try:
    middle()
except ValueError as e:
    print("top got", e)

try:
    try:
        raise KeyError("a")
    except KeyError as e:
        raise RuntimeError("converted")
except RuntimeError as e:
    print(type(e).__name__, e)

def handler_raises():
    try:
        1 / 0
    except ZeroDivisionError:
        raise TypeError("in handler")
try:
    handler_raises()
except TypeError as e:
    print("TypeError", e)

def nested_depth(n):
    if n == 0:
        raise OverflowError("bottom")
    try:
        nested_depth(n - 1)
    finally:
        trace.append(n)
trace = []
try:
    nested_depth(5)
except OverflowError as e:
    print(e, trace)

err = ValueError("stored")
for i in range(2):
    try:
        raise err
    except ValueError as e:
        print(e is err, e)

try:
    raise ValueError
except ValueError as e:
    print(type(e).__name__, e.args)

def gen_raise():
    yield 1
    raise StopIteration_like("x")
class StopIteration_like(Exception):
    pass
g = gen_raise()
print(next(g))
try:
    next(g)
except StopIteration_like as e:
    print("custom from generator", e)

count = 0
while True:
    try:
        count += 1
        if count < 3:
            raise ValueError
        break
    except ValueError:
        continue
print("count", count)

try:
    raise Exception("a", "b")
except Exception as e:
    print(e.args, len(e.args))
print(repr(ValueError("x", 1)), repr(KeyError()))
