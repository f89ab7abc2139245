# async def / await driven by a small hand-written event loop.
class Sleep:
    def __init__(self, ticks):
        self.ticks = ticks
    def __await__(self):
        yield self.ticks
    # MicroPython awaits through __iter__.
    __iter__ = __await__

class Loop:
    def __init__(self):
        self.now = 0
        self.ready = []
        self.log = []
    def spawn(self, coro, name):
        self.ready.append((0, len(self.ready) + len(self.log) * 0, name, coro))
    def run(self):
        seq = 0
        while self.ready:
            self.ready.sort(key=lambda t: (t[0], t[1]))
            when, _, name, coro = self.ready.pop(0)
            self.now = max(self.now, when)
            try:
                delay = coro.send(None)
            except StopIteration as e:
                self.log.append((self.now, name, "done", e.args[0] if e.args else None))
                continue
            seq += 1
            self.ready.append((self.now + delay, seq, name, coro))
        return self.log

async def worker(loop, name, delays):
    total = 0
    for d in delays:
        await Sleep(d)
        total += d
        loop.log.append((loop.now, name, "tick"))
    return total

async def helper(x):
    await Sleep(1)
    return x * 2

async def composite(loop):
    a = await helper(10)
    b = await helper(a)
    loop.log.append((loop.now, "composite", a, b))
    return a + b

loop = Loop()
loop.spawn(worker(loop, "A", [3, 3]), "A")
loop.spawn(worker(loop, "B", [1, 1, 1, 1]), "B")
loop.spawn(composite(loop), "C")
for entry in loop.run():
    print(entry)

async def raises():
    await Sleep(1)
    raise ValueError("async fail")
c = raises()
print(c.send(None))
try:
    c.send(None)
except ValueError as e:
    print("ValueError", e)

class AIter:
    def __init__(self, n):
        self.i = 0
        self.n = n
    def __aiter__(self):
        return self
    async def __anext__(self):
        if self.i >= self.n:
            raise StopAsyncIteration
        self.i += 1
        await Sleep(0)
        return self.i

class ACM:
    async def __aenter__(self):
        print("aenter")
        return "ctx"
    async def __aexit__(self, *a):
        print("aexit", a[0])
        return False

async def use_async_protocols():
    out = []
    async for v in AIter(3):
        out.append(v)
    async with ACM() as c:
        out.append(c)
    return out

def run_simple(coro):
    try:
        while True:
            coro.send(None)
    except StopIteration as e:
        return e.args[0] if e.args else None
print(run_simple(use_async_protocols()))
