B = "b"
def later():
    from . import a
    return a.A
