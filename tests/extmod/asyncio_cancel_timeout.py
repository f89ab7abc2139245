# Cancellation reaches a sleeping task and the task it awaits; wait_for times out.
import asyncio


async def sleeper(name, t):
    try:
        print(name, "sleeping")
        await asyncio.sleep(t)
        print(name, "woke")
        return name
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise


async def waiter(inner):
    try:
        return await inner
    except asyncio.CancelledError:
        print("waiter saw cancel")
        raise


async def main():
    t = asyncio.create_task(sleeper("s1", 10))
    await asyncio.sleep(0.01)
    print("cancel ->", t.cancel())
    try:
        await t
    except asyncio.CancelledError:
        print("s1 gone", t.done())
    print("cancel again ->", t.cancel())

    inner = asyncio.create_task(sleeper("s2", 10))
    outer = asyncio.create_task(waiter(inner))
    await asyncio.sleep(0.01)
    outer.cancel()
    try:
        await outer
    except asyncio.CancelledError:
        print("outer gone")

    print(await asyncio.wait_for(sleeper("s3", 0.01), 1))
    try:
        await asyncio.wait_for(sleeper("s4", 10), 0.02)
    except asyncio.TimeoutError:
        print("timeout")
    print(await asyncio.wait_for(sleeper("s5", 0), None))


asyncio.run(main())
