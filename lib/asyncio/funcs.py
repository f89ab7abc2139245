# upy asyncio: wait_for and gather.

from . import core


async def _watch(waiter, aw):
    # Await aw for wait_for; when it ends first, wake the sleeping waiter by cancelling
    # it with a CancelledError that carries (status, result).
    try:
        result = await aw
        status = True
    except BaseException as e:
        result = None
        status = e
    if waiter.data is None and waiter.cancel():
        waiter.data = core.CancelledError(status, result)


async def wait_for(aw, timeout, sleep=core.sleep):
    aw = core._promote_to_task(aw)
    if timeout is None:
        return await aw
    watcher = core.create_task(_watch(core.cur_task, aw))
    try:
        await sleep(timeout)
    except core.CancelledError as e:
        status = e.value
        if status is None:
            # Cancelled from outside: take the awaited task down too.
            watcher.cancel()
            raise e
        if status is True:
            return e.args[1]
        raise status
    watcher.cancel()
    await watcher
    raise core.TimeoutError


def wait_for_ms(aw, timeout):
    return wait_for(aw, timeout, core.sleep_ms)


class _GatherWait:
    # What a gathering task's data holds while it waits: cancel() finds remove() here and
    # reschedules the task.
    @staticmethod
    def remove(t):
        pass


def gather(*aws, return_exceptions=False):
    tasks = [core._promote_to_task(aw) for aw in aws]
    me = core.cur_task
    # pending: how many sub-tasks are still running, or the exception to raise.
    pending = 0

    def on_done(t, er):
        nonlocal pending
        if me.data is not _GatherWait:
            return
        if not return_exceptions and not isinstance(er, StopIteration):
            pending = er
        else:
            pending -= 1
            if pending:
                return
        core._task_queue.push(me)

    for t in tasks:
        if t.state is True:
            t.state = on_done
            pending += 1
        elif not t.state:
            if not return_exceptions and not isinstance(t.data, StopIteration):
                pending = -len(tasks)
        else:
            raise RuntimeError("can't gather")

    cancelled = False
    if pending > 0:
        me.data = _GatherWait
        try:
            yield
        except core.CancelledError as e:
            cancelled = True
            pending = e

    for i in range(len(tasks)):
        t = tasks[i]
        if t.state is on_done:
            t.state = True
            if cancelled:
                t.cancel()
        elif isinstance(t.data, StopIteration):
            tasks[i] = t.data.value
        elif return_exceptions:
            tasks[i] = t.data
        elif isinstance(pending, int):
            pending = t.data

    if pending:
        raise pending
    return tasks
