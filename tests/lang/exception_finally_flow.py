# finally blocks with return/break/continue, exceptions replaced in finally and handler
# ordering.
def f1():
    for i in range(3):
        try:
            return i
        finally:
            if i == 0:
                continue
    return "end"
print(f1())
def f2():
    try:
        raise ValueError("a")
    finally:
        return "finally swallows"
print(f2())
def f3():
    try:
        try:
            raise ValueError("first")
        finally:
            raise TypeError("second")
    except TypeError as e:
        return "got " + str(e)
    except ValueError:
        return "wrong"
print(f3())
def f4():
    out = []
    i = 0
    while True:
        try:
            i += 1
            if i > 3:
                break
            out.append(i)
        finally:
            out.append("f")
    return out
print(f4())
def f5():
    try:
        return "try"
    finally:
        print("f5 finally runs before return")
print(f5())
def f6(x):
    try:
        if x:
            raise KeyError(x)
        return "no error"
    except KeyError as e:
        return "key " + str(e.args[0])
    finally:
        print("f6 finally", x)
print(f6(0), f6(7))
def f7():
    try:
        1 / 0
    except ZeroDivisionError:
        try:
            raise ValueError("inner")
        except ValueError as e:
            return "nested handled " + str(e)
print(f7())
