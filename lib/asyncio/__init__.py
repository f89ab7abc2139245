# upy asyncio: MicroPython's asyncio API (our own implementation).

from .core import *
from .funcs import wait_for, wait_for_ms, gather
from .event import Event

try:
    from .event import ThreadSafeFlag
except ImportError:
    pass
from .lock import Lock
from .stream import open_connection, start_server, Stream, StreamReader, StreamWriter, Server

__version__ = (3, 0, 0)
