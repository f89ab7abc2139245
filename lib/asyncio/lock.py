# upy asyncio: Lock.

from . import core


class Lock:
    def __init__(self):
        # 0 unlocked, 1 locked, or the Task the lock is being handed to.
        self.state = 0
        self.waiting = core.TaskQueue()

    def locked(self):
        return self.state == 1

    def release(self):
        if self.state != 1:
            raise RuntimeError("Lock not acquired")
        if self.waiting.peek():
            nxt = self.waiting.pop()
            self.state = nxt
            core._task_queue.push(nxt)
        else:
            self.state = 0

    def acquire(self):
        if self.state != 0:
            me = core.cur_task
            self.waiting.push(me)
            me.data = self.waiting
            try:
                yield
            except core.CancelledError as e:
                if self.state == core.cur_task:
                    # Cancelled after being handed the lock: pass it on.
                    self.state = 1
                    self.release()
                raise e
        self.state = 1
        return True

    async def __aenter__(self):
        return await self.acquire()

    async def __aexit__(self, exc_type, exc, tb):
        return self.release()
