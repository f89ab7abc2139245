# Shell-like helpers for the REPL (frozen into upy): `from upysh import *`, then
# ls, cd(), pwd, cat(), head(), mkdir(), rm(), rmdir(), mv(), newfile().
from .fs import ls, cd, pwd, cat, head, mkdir, rm, rmdir, mv, newfile

__all__ = ["ls", "cd", "pwd", "cat", "head", "mkdir", "rm", "rmdir", "mv", "newfile"]
