# upy asyncio: the scheduler. Tasks wait in one time-ordered queue (_task_queue) or on
# stream readiness (_io_queue); run_until_complete resumes them one at a time.

from time import ticks_ms as ticks, ticks_diff, ticks_add
import sys, select

try:
    from _asyncio import TaskQueue, Task
except ImportError:
    from .task import TaskQueue, Task


class CancelledError(BaseException):
    pass


class TimeoutError(Exception):
    pass


# Reused for every unhandled-exception report so reporting does not allocate.
_exc_context = {"message": "Task exception wasn't retrieved", "exception": None, "future": None}


class _Sleeper:
    # The awaitable every sleep returns: one shared object, so sleeping never allocates.
    # Its first step queues the current task at the wake-up time and yields; its second
    # step (after waking) finishes the await.
    def __init__(self):
        self.wake = None
        self.done = StopIteration()

    def __iter__(self):
        return self

    def __next__(self):
        w = self.wake
        if w is None:
            self.done.__traceback__ = None
            raise self.done
        self.wake = None
        _task_queue.push(cur_task, w)


def sleep_ms(t, _s=_Sleeper()):
    _s.wake = ticks_add(ticks(), t if t > 0 else 0)
    return _s


def sleep(t):
    return sleep_ms(int(t * 1000))


class _IOQueue:
    # Streams some task waits on, by id: [reader task, writer task, stream].
    def __init__(self):
        self.poller = select.poll()
        self.map = {}

    def _wait(self, s, slot):
        k = id(s)
        entry = self.map.get(k)
        if entry is None:
            entry = [None, None, s]
            entry[slot] = cur_task
            self.map[k] = entry
            self.poller.register(s, select.POLLOUT if slot else select.POLLIN)
        else:
            entry[slot] = cur_task
            self.poller.modify(s, select.POLLIN | select.POLLOUT)
        cur_task.data = self

    def _forget(self, s):
        del self.map[id(s)]
        self.poller.unregister(s)

    def queue_read(self, s):
        self._wait(s, 0)

    def queue_write(self, s):
        self._wait(s, 1)

    def remove(self, task):
        found = True
        while found:
            found = False
            for k in self.map:
                e = self.map[k]
                if e[0] is task or e[1] is task:
                    found = True
                    break
            if found:
                self._forget(e[2])

    def wait_io_event(self, dt):
        for s, ev in self.poller.ipoll(dt):
            e = self.map[id(s)]
            if e[0] is not None and ev & ~select.POLLOUT:
                _task_queue.push(e[0])
                e[0] = None
            if e[1] is not None and ev & ~select.POLLIN:
                _task_queue.push(e[1])
                e[1] = None
            if e[0] is None:
                if e[1] is None:
                    self._forget(s)
                else:
                    self.poller.modify(s, select.POLLOUT)
            else:
                self.poller.modify(s, select.POLLIN)


def _promote_to_task(aw):
    if isinstance(aw, Task):
        return aw
    return create_task(aw)


def create_task(coro):
    if not hasattr(coro, "send"):
        raise TypeError("coroutine expected")
    t = Task(coro, globals())
    _task_queue.push(t)
    return t


def _finish(t, er, main_task):
    # Task t's coroutine ended with er (StopIteration for a return); wake whoever waits.
    awaited = t is main_task
    if awaited:
        if not isinstance(er, StopIteration):
            t.state = False
            raise er
        if t.state is None:
            t.state = False
    s = t.state
    if s:
        if s is True:
            t.state = False if awaited else None
        elif callable(s):
            s(t, er)
            t.state = False
            awaited = True
        else:
            while s.peek():
                _task_queue.push(s.pop())
                awaited = True
            t.state = False
        if not awaited and not isinstance(er, (CancelledError, StopIteration)):
            # Nobody awaits this task yet: queue it once more so that, if still nobody
            # has retrieved its exception by then, the exception handler reports it.
            _task_queue.push(t)
        t.data = er
        return False
    return s is None


def run_until_complete(main_task=None):
    global cur_task
    catch = (CancelledError, Exception)
    while True:
        # Sleep (or wait for streams) until the first queued task is due.
        dt = 1
        while dt > 0:
            t = _task_queue.peek()
            if t:
                dt = ticks_diff(t.ph_key, ticks())
                if dt < 0:
                    dt = 0
            elif _io_queue.map:
                dt = -1
            else:
                cur_task = None
                if not main_task or not main_task.state:
                    return
                dt = 3
            _io_queue.wait_io_event(dt)

        t = _task_queue.pop()
        cur_task = t
        exc = t.data
        try:
            if exc:
                t.data = None
                t.coro.throw(exc)
            else:
                t.coro.send(None)
        except catch as er:
            if t is main_task:
                cur_task = None
            if _finish(t, er, main_task):
                # The task had already finished with an exception nobody retrieved.
                t.data = exc
                _exc_context["exception"] = exc
                _exc_context["future"] = t
                Loop.call_exception_handler(_exc_context)
            if t is main_task:
                return er.value


def run(coro):
    return run_until_complete(create_task(coro))


async def _stopper():
    pass


cur_task = None
_stop_task = None


class Loop:
    _exc_handler = None

    def create_task(coro):
        return create_task(coro)

    def run_forever():
        global _stop_task
        _stop_task = Task(_stopper(), globals())
        run_until_complete(_stop_task)

    def run_until_complete(aw):
        return run_until_complete(_promote_to_task(aw))

    def stop():
        global _stop_task
        if _stop_task is not None:
            _task_queue.push(_stop_task)
            _stop_task = None

    def close():
        pass

    def set_exception_handler(handler):
        Loop._exc_handler = handler

    def get_exception_handler():
        return Loop._exc_handler

    def default_exception_handler(loop, context):
        print(context["message"], file=sys.stderr)
        print("future:", context["future"], "coro=", context["future"].coro, file=sys.stderr)
        sys.print_exception(context["exception"], sys.stderr)

    def call_exception_handler(context):
        (Loop._exc_handler or Loop.default_exception_handler)(Loop, context)


def get_event_loop(runq_len=0, waitq_len=0):
    return Loop


def current_task():
    if cur_task is None:
        raise RuntimeError("no running event loop")
    return cur_task


def new_event_loop():
    global _task_queue, _io_queue
    _task_queue = TaskQueue()
    _io_queue = _IOQueue()
    return Loop


new_event_loop()
