# Blocking TCP and UDP sockets over localhost.
import socket, errno

PORT = 47232

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
srv.listen(1)

cli = socket.socket()
try:
    cli.recv(1)
except OSError as e:
    print("unconnected recv:", e.errno == errno.ENOTCONN)
cli.connect(socket.getaddrinfo("127.0.0.1", PORT)[0][-1])
conn, addr = srv.accept()
print("accepted", type(conn).__name__ == type(srv).__name__)

print("send", cli.send(b"ping\nsecond line\n"))
f = conn.makefile("rb")
print(f.readline())
print(f.readline())
cli.sendall(b"x" * 3000)
got = b""
while len(got) < 3000:
    got += conn.recv(1024)
print("recv total", len(got))

conn.settimeout(0.05)
try:
    conn.recv(10)
except OSError as e:
    print("timed out")
conn.setblocking(False)
try:
    conn.recv(10)
except OSError as e:
    print("nonblocking:", e.errno == errno.EAGAIN)

cli.close()
conn.setblocking(True)
print("after peer close", conn.recv(10))
print("fileno ok", conn.fileno() >= 0)
conn.close()
srv.close()
print("closed fileno", srv.fileno())

u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u1.bind(socket.getaddrinfo("127.0.0.1", PORT + 1)[0][-1])
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u2.sendto(b"datagram", socket.getaddrinfo("127.0.0.1", PORT + 1)[0][-1])
data, frm = u1.recvfrom(100)
print("udp", data)
u1.close()
u2.close()

try:
    socket.socket(None)
except TypeError:
    print("TypeError")
