# try/except/else/finally control flow.
def f(mode):
    log = []
    try:
        log.append("try")
        if mode == 1:
            raise ValueError("v")
        if mode == 2:
            raise KeyError("k")
        if mode == 3:
            return log + ["returned"]
    except ValueError as e:
        log.append("except " + str(e))
    except (KeyError, IndexError) as e:
        log.append("tuple except " + type(e).__name__)
    else:
        log.append("else")
    finally:
        log.append("finally")
    return log
for m in range(4):
    print(m, f(m))

def finally_overrides():
    try:
        return "try"
    finally:
        return "finally"
print(finally_overrides())

def finally_in_loop():
    out = []
    for i in range(4):
        try:
            if i == 1:
                continue
            if i == 3:
                break
            out.append(i)
        finally:
            out.append("f%d" % i)
    return out
print(finally_in_loop())

def swallow():
    for i in range(3):
        try:
            raise ValueError(i)
        finally:
            if i < 2:
                continue
            break
    return "swallowed"
print(swallow())

try:
    try:
        raise TypeError("inner")
    except ValueError:
        print("wrong handler")
    finally:
        print("inner finally")
except TypeError as e:
    print("outer caught", e)

try:
    raise IndexError
except Exception as e:
    print(type(e).__name__, e.args, isinstance(e, LookupError))

e_name = "kept"
try:
    raise ValueError
except ValueError as e_name:
    pass
try:
    e_name
except NameError:
    print("exception variable deleted")

class MyErr(Exception):
    pass
class SubErr(MyErr):
    pass
try:
    raise SubErr("sub", 2)
except MyErr as e:
    print(type(e).__name__, e.args, str(e))
try:
    raise MyErr
except MyErr as e:
    print(repr(str(e)), e.args)
print(issubclass(KeyError, LookupError), issubclass(ZeroDivisionError, ArithmeticError), issubclass(StopIteration, Exception))
try:
    [][1]
except LookupError as e:
    print("LookupError", type(e).__name__)
try:
    {}[1]
except LookupError as e:
    print("LookupError", type(e).__name__, e.args)
