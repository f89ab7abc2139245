# poll on objects written in Python that answer the stream poll ioctl (request 3).
import select, io


class Flag(io.IOBase):
    def __init__(self, name):
        self.name = name
        self.ready = 0
        self.calls = 0

    def ioctl(self, req, arg):
        if req != 3:
            return -1
        self.calls += 1
        if self.ready < 0:
            return self.ready
        return self.ready & arg


f1 = Flag("f1")
f2 = Flag("f2")
p = select.poll()
p.register(f1, select.POLLIN)
p.register(f2)
print(p.poll(0))
f2.ready = select.POLLOUT
print([(o.name, ev) for o, ev in p.poll(0)])
f1.ready = select.POLLIN | select.POLLOUT
print([(o.name, ev) for o, ev in p.poll(0)])
for o, ev in p.ipoll(0, 1):
    print("one-shot", o.name, ev)
print("after one-shot", p.poll(0))
p.modify(f1, select.POLLIN)
print([(o.name, ev) for o, ev in p.poll(10)])
f1.ready = -5
try:
    p.poll(0)
except OSError as e:
    print("OSError", e.errno)
p.unregister(f1)
p.unregister(f2)
print(p.poll(5))
try:
    p.modify(f1, 1)
except OSError as e:
    print("modify unregistered:", e.errno)
