# The loop object: run_until_complete, create_task, and a fresh loop.
import asyncio


async def job(n):
    await asyncio.sleep(0.005)
    print("job", n)
    return n + 100


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop) if hasattr(asyncio, "set_event_loop") else None
loop = asyncio.get_event_loop()
print(loop.run_until_complete(job(1)))
t = loop.create_task(job(2))
print(loop.run_until_complete(t))
print(asyncio.run(job(3)))
