# Event wakes every waiter; Lock hands itself over in arrival order.
import asyncio


async def wait_event(name, ev):
    print(name, "waiting")
    await ev.wait()
    print(name, "released", ev.is_set())


async def locker(name, lock, hold):
    async with lock:
        print(name, "has lock", lock.locked())
        await asyncio.sleep(hold)
    print(name, "let go")


async def main():
    ev = asyncio.Event()
    print("set?", ev.is_set())
    ts = [asyncio.create_task(wait_event(n, ev)) for n in ("e1", "e2", "e3")]
    await asyncio.sleep(0.01)
    print("setting")
    ev.set()
    for t in ts:
        await t
    ev.clear()
    print("cleared", ev.is_set())

    lock = asyncio.Lock()
    ts = [asyncio.create_task(locker(n, lock, 0.01)) for n in ("l1", "l2", "l3")]
    for t in ts:
        await t
    print("locked at end", lock.locked())
    await lock.acquire()
    print("acquired", lock.locked())
    lock.release()
    try:
        lock.release()
    except RuntimeError:
        print("RuntimeError on double release")


asyncio.run(main())
