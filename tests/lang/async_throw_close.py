# Coroutines: throw() into an awaiting coroutine, close(), and awaiting coroutines that
# return values through several levels.
class Aw:
    def __await__(self):
        yield "waiting"
    # MicroPython awaits through __iter__.
    __iter__ = __await__
async def coro():
    try:
        await Aw()
    except ValueError as e:
        return "caught " + str(e)
c = coro()
print(c.send(None))
try:
    c.throw(ValueError("thrown"))
except StopIteration as e:
    print(e.args)
async def cleanup():
    try:
        await Aw()
    finally:
        print("cleanup ran")
c2 = cleanup()
c2.send(None)
c2.close()
print("closed")
async def leaf(n):
    await Aw()
    return n + 1
async def mid(n):
    return await leaf(n) * 2
async def top():
    a = await mid(1)
    b = await mid(a)
    return [a, b]
c3 = top()
steps = 0
try:
    while True:
        c3.send(None)
        steps += 1
except StopIteration as e:
    print(steps, e.args)
