# upy asyncio: Event and ThreadSafeFlag.

from . import core


class Event:
    def __init__(self):
        self.state = False
        self.waiting = core.TaskQueue()

    def is_set(self):
        return self.state

    def set(self):
        # Only from the loop's own thread: ISRs and other threads use ThreadSafeFlag.
        q = self.waiting
        while q.peek():
            core._task_queue.push(q.pop())
        self.state = True

    def clear(self):
        self.state = False

    def wait(self):
        if not self.state:
            me = core.cur_task
            self.waiting.push(me)
            me.data = self.waiting
            yield
        return True


try:
    import io

    class ThreadSafeFlag(io.IOBase):
        # A stream that polls readable once set, so set() may come from anywhere (a
        # scheduled callback, an interrupt, a thread) and the loop's poller notices it.
        def __init__(self):
            self.state = 0

        def ioctl(self, req, flags):
            if req == 3:
                return flags if self.state else 0
            return -1

        def set(self):
            self.state = 1

        def clear(self):
            self.state = 0

        async def wait(self):
            if not self.state:
                yield core._io_queue.queue_read(self)
            self.state = 0

except ImportError:
    pass
