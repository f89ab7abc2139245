# MicroPython's asyncio extensions: sleep_ms, wait_for_ms, ThreadSafeFlag set from a
# scheduled callback, the loop's exception handler, run_forever/stop.
import asyncio, micropython


async def quick(n):
    await asyncio.sleep_ms(n)
    return n


async def boom():
    raise KeyError("lost")


def handler(loop, context):
    print("handler:", context["message"], repr(context["exception"]))


async def flag_waiter(flag):
    print("flag wait")
    await flag.wait()
    print("flag seen")


async def main():
    print(await asyncio.wait_for_ms(quick(5), 100))
    try:
        await asyncio.wait_for_ms(quick(200), 10)
    except asyncio.TimeoutError:
        print("timeout ms")

    flag = asyncio.ThreadSafeFlag()
    t = asyncio.create_task(flag_waiter(flag))
    await asyncio.sleep_ms(5)
    micropython.schedule(lambda f: f.set(), flag)
    await t

    loop = asyncio.get_event_loop()
    loop.set_exception_handler(handler)
    print(loop.get_exception_handler() is handler)
    asyncio.create_task(boom())
    await asyncio.sleep_ms(10)
    loop.set_exception_handler(None)


asyncio.run(main())


async def stopper():
    print("stopping")
    asyncio.get_event_loop().stop()
    await asyncio.sleep_ms(10)
    print("not reached")


loop = asyncio.get_event_loop()
loop.create_task(stopper())
loop.run_forever()
print("stopped")
loop.close()
