# re.DEBUG prints the compiled program (MicroPython only; .exp checked against upstream's
# re1.5 listing format).
import re

re.compile("a*?(b|c)+", re.DEBUG)
re.compile("[^x-z\\d]?$", re.DEBUG)
