from .. import helper
from ..helper import name

print("mod sees", helper.name, name)
