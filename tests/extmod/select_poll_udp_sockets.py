# poll and select on UDP sockets: writable at once, readable once a datagram arrives.
import socket, select

PORT = 47234

a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
a.bind(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

p = select.poll()
p.register(a, select.POLLIN)
print("idle", p.poll(0))
p.modify(a, select.POLLIN | select.POLLOUT)
print("writable", [ev for s, ev in p.poll(0)])
p.modify(a, select.POLLIN)
b.sendto(b"hi", socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
print("readable", [ev for s, ev in p.poll(1000)])
print(a.recv(10))
p.unregister(a)
print("none left", p.poll(0))

r, w, x = select.select([a], [a, b], [], 0)
print(len(r), len(w), len(x))
b.sendto(b"again", socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
r, w, x = select.select([a], [], [], 1)
print(r == [a])
a.close()
b.close()
