def leaf_func():
    return "leaf"
name = __name__
