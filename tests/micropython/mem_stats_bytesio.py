# micropython.mem_total/mem_current/mem_peak grow with allocation, and a BytesIO made
# from bytes or a StringIO from str shares the data until written to.
import io
import micropython

t, c, p = micropython.mem_total(), micropython.mem_current(), micropython.mem_peak()
keep = [bytes(100) for _ in range(50)]
print(micropython.mem_total() > t, micropython.mem_current() > c, micropython.mem_peak() >= p)

data = b"abcd" * 300
before = micropython.mem_total()
b = io.BytesIO(data)
print(micropython.mem_total() - before < len(data))
print(b.read(6), b.tell())
b.seek(2)
b.write(b"XY")
print(b.getvalue()[:8], data[:8])
s = io.StringIO("hello world")
print(s.read(5))
s.seek(0, 2)
s.write("!")
print(s.getvalue())
s.close()
e = io.BytesIO(b"")
e.write(b"z")
print(e.getvalue())
