from ..leaf import leaf_func
from . import sub_value
def deep():
    return leaf_func() + "/" + sub_value
