# sys.atexit(f): f runs after the program, also after sys.exit; the last one set wins.
import sys


def first():
    print("first never runs")


def last():
    print("atexit ran, state =", state)


print(sys.atexit(first))
print(sys.atexit(last) is first)
state = "final"
print("exiting")
sys.exit(0)
