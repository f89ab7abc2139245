# Two threads take turns through a pair of locks (ping-pong): each blocks in acquire until
# the other releases, so the interleaving and the output are fixed.
import _thread

ping = _thread.allocate_lock()
pong = _thread.allocate_lock()
finished = _thread.allocate_lock()
log = []
N = 20

ping.acquire()
pong.acquire()
finished.acquire()


def player():
    for i in range(N):
        ping.acquire()
        # Whatever happens, the turn is handed back, so the main thread never waits for
        # ever (the allocation-failure sweep makes any allocation fail).
        try:
            log.append("pong %d" % i)
        except MemoryError:
            pass
        pong.release()
    finished.release()


_thread.start_new_thread(player, ())
for i in range(N):
    log.append("ping %d" % i)
    ping.release()
    pong.acquire()
finished.acquire()
print(len(log))
print(log[:4], log[-2:])
print(all(log[2 * i] == "ping %d" % i and log[2 * i + 1] == "pong %d" % i for i in range(N)))
