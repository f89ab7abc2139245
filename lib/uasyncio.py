# upy: the old name of asyncio.
from asyncio import *
