# Tasks interleave at each await; gather collects results in argument order.
import asyncio


async def worker(name, steps, delay):
    for i in range(steps):
        print(name, "step", i)
        await asyncio.sleep(delay)
    return name * 2


async def failing(delay):
    await asyncio.sleep(delay)
    raise ValueError("bad %s" % delay)


async def main():
    a = asyncio.create_task(worker("a", 3, 0.01))
    b = asyncio.create_task(worker("b", 2, 0.015))
    print("created", a.done(), b.done())
    print("awaited", await a, await b)
    print("done", a.done(), b.done())
    # Awaiting a finished task again gives the same result.
    print("again", await a)

    print(await asyncio.gather(worker("x", 1, 0), worker("y", 2, 0)))
    print(await asyncio.gather())

    res = await asyncio.gather(failing(0.01), worker("z", 1, 0), return_exceptions=True)
    print([type(r).__name__ if isinstance(r, Exception) else r for r in res])

    try:
        await asyncio.gather(worker("w", 1, 0), failing(0.005))
    except ValueError as e:
        print("gather raised", e)

    print("current", asyncio.current_task() is not None)
    return "main done"


print(asyncio.run(main()))
