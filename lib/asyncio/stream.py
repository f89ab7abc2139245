# upy asyncio: streams over non-blocking sockets (or any stream with MicroPython's poll
# ioctl), TCP client and server.

from . import core


class Stream:
    # One class serves as both reader and writer.
    def __init__(self, s, e={}):
        self.s = s
        self.e = e
        self.out_buf = b""

    def get_extra_info(self, v):
        return self.e[v]

    def close(self):
        pass

    async def wait_closed(self):
        self.s.close()

    def read(self, n=-1):
        got = b""
        while True:
            yield core._io_queue.queue_read(self.s)
            more = self.s.read(n)
            if more is None:
                continue
            if n >= 0:
                return more
            if not len(more):
                return got
            got += more

    def readinto(self, buf):
        yield core._io_queue.queue_read(self.s)
        return self.s.readinto(buf)

    def readexactly(self, n):
        got = b""
        while n:
            yield core._io_queue.queue_read(self.s)
            more = self.s.read(n)
            if more is None:
                continue
            if not len(more):
                raise EOFError
            got += more
            n -= len(more)
        return got

    def readline(self):
        line = b""
        while True:
            yield core._io_queue.queue_read(self.s)
            more = self.s.readline()
            if more is None:
                continue
            line += more
            if not more or line[-1] == 10:
                return line

    def write(self, buf):
        # Write through at once when nothing is queued; keep what the stream refused.
        if not self.out_buf:
            n = self.s.write(buf)
            if n == len(buf):
                return
            if n is not None:
                buf = buf[n:]
        self.out_buf += buf

    def drain(self):
        if not self.out_buf:
            # Always yield, so write+drain in a loop cannot starve other tasks.
            return (yield from core.sleep_ms(0))
        view = memoryview(self.out_buf)
        pos = 0
        while pos < len(view):
            yield core._io_queue.queue_write(self.s)
            n = self.s.write(view[pos:])
            if n is not None:
                pos += n
        self.out_buf = b""

    async def awrite(self, buf, off=0, sz=-1):
        if off != 0 or sz != -1:
            buf = memoryview(buf)
            if sz == -1:
                sz = len(buf)
            buf = buf[off : off + sz]
        self.write(buf)
        await self.drain()

    awritestr = awrite

    async def aclose(self):
        self.s.close()


StreamReader = Stream
StreamWriter = Stream


def open_connection(host, port, ssl=None, server_hostname=None):
    from errno import EINPROGRESS
    import socket

    ai = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)[0]
    s = socket.socket(ai[0], ai[1], ai[2])
    s.setblocking(False)
    try:
        s.connect(ai[-1])
    except OSError as e:
        if e.errno != EINPROGRESS:
            raise e
    if ssl:
        if ssl is True:
            import ssl as _ssl

            ssl = _ssl.SSLContext(_ssl.PROTOCOL_TLS_CLIENT)
        s = ssl.wrap_socket(
            s, server_hostname=server_hostname or host, do_handshake_on_connect=False
        )
        s.setblocking(False)
    st = Stream(s)
    yield core._io_queue.queue_write(s)
    return st, st


class Server:
    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb):
        self.close()
        await self.wait_closed()

    def close(self):
        self.state = True
        self.task.cancel()

    async def wait_closed(self):
        await self.task

    async def _serve(self, s, cb, ssl):
        self.state = False
        while True:
            try:
                yield core._io_queue.queue_read(s)
            except core.CancelledError as e:
                s.close()
                if self.state:
                    return  # closed on purpose
                raise e
            try:
                s2, addr = s.accept()
            except:
                continue
            if ssl:
                try:
                    s2 = ssl.wrap_socket(s2, server_side=True, do_handshake_on_connect=False)
                except OSError as e:
                    core.sys.print_exception(e)
                    s2.close()
                    continue
            s2.setblocking(False)
            st = Stream(s2, {"peername": addr})
            core.create_task(cb(st, st))


async def start_server(cb, host, port, backlog=5, ssl=None):
    import socket

    ai = socket.getaddrinfo(host, port)[0]
    s = socket.socket(ai[0])
    s.setblocking(False)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(ai[-1])
    s.listen(backlog)
    srv = Server()
    srv.task = core.create_task(srv._serve(s, cb, ssl))
    try:
        # Let _serve start, so it is inside its try when a cancel arrives.
        await core.sleep_ms(0)
    except core.CancelledError as e:
        srv.task.cancel()
        raise e
    return srv
