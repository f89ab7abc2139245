# upy asyncio: Task and TaskQueue written in Python, used when the native `_asyncio`
# module is absent.
#
# TaskQueue is a pairing heap threaded through the tasks themselves (no list to grow, so
# scheduling never allocates). Each node keeps its leftmost child, its right sibling and a
# back link (left sibling, or parent for a leftmost child), so any node can be cut out in
# O(1) before its children are re-paired. Ties in the wake-up time are broken by a push
# counter, which makes equal-time tasks run first-in first-out.

from . import core

_order = 0


def _before(a, b):
    d = core.ticks_diff(a.ph_key, b.ph_key)
    return d < 0 or (d == 0 and a.ph_seq < b.ph_seq)


def _link(a, b):
    # Join two roots (either may be None) and return the new root.
    if a is None:
        return b
    if b is None:
        return a
    if _before(b, a):
        a, b = b, a
    first = a.ph_child
    b.ph_next = first
    if first is not None:
        first.ph_prev = b
    b.ph_prev = a
    a.ph_child = b
    return a


def _merge_children(node):
    # Two-pass pairing of a sibling list: join neighbours left to right, stacking the
    # results through ph_next, then fold the stack from the right.
    stack = None
    while node is not None:
        a = node
        b = a.ph_next
        if b is None:
            node = None
        else:
            node = b.ph_next
            b.ph_next = None
            b.ph_prev = None
        a.ph_next = None
        a.ph_prev = None
        joined = _link(a, b)
        joined.ph_next = stack
        stack = joined
    root = None
    while stack is not None:
        below = stack.ph_next
        stack.ph_next = None
        root = _link(root, stack)
        stack = below
    return root


class TaskQueue:
    def __init__(self):
        self.heap = None

    def peek(self):
        return self.heap

    def push(self, t, key=None):
        global _order
        t.data = None
        t.ph_key = core.ticks() if key is None else key
        _order += 1
        t.ph_seq = _order
        t.ph_child = None
        t.ph_next = None
        t.ph_prev = None
        self.heap = _link(t, self.heap)

    def pop(self):
        t = self.heap
        if t is None:
            raise IndexError("empty heap")
        self.heap = _merge_children(t.ph_child)
        t.ph_child = None
        return t

    def remove(self, t):
        if t is self.heap:
            self.pop()
            return
        back = t.ph_prev
        if back is None:
            return  # not in this queue
        after = t.ph_next
        if back.ph_child is t:
            back.ph_child = after
        else:
            back.ph_next = after
        if after is not None:
            after.ph_prev = back
        t.ph_next = None
        t.ph_prev = None
        sub = _merge_children(t.ph_child)
        t.ph_child = None
        self.heap = _link(self.heap, sub)


class Task:
    # state: True while running with nobody waiting; a TaskQueue of waiters; a callable to
    # notify on completion (gather); None when finished and not yet awaited; False when
    # finished and awaited. data: what the task waits on while queued, its result
    # (StopIteration or exception) once finished, or an exception to throw in.
    def __init__(self, coro, globals=None):
        self.coro = coro
        self.data = None
        self.state = True
        self.ph_key = 0
        self.ph_seq = 0
        self.ph_child = None
        self.ph_next = None
        self.ph_prev = None

    def __iter__(self):
        s = self.state
        if not s:
            self.state = False
        elif s is True:
            self.state = TaskQueue()
        elif type(s) is not TaskQueue:
            raise RuntimeError("can't wait")
        return self

    def __next__(self):
        if not self.state:
            raise self.data
        me = core.cur_task
        self.state.push(me)
        me.data = self

    def done(self):
        return not self.state

    def cancel(self):
        if not self.state:
            return False
        if self is core.cur_task:
            raise RuntimeError("can't cancel self")
        # A task awaiting another task is cancelled through the innermost one it waits on.
        t = self
        while isinstance(t.data, Task):
            t = t.data
        q = t.data
        if hasattr(q, "remove"):
            q.remove(t)
            core._task_queue.push(t)
        elif core.ticks_diff(t.ph_key, core.ticks()) > 0:
            core._task_queue.remove(t)
            core._task_queue.push(t)
        t.data = core.CancelledError
        return True
