"""A listener whose accept queue is full and never drained: further TCP connects get no SYN-ACK and hang, so a
client's connect timeout fires (127.0.0.1 only, no black-hole address needed). Prints 'READY <port>'."""
import signal, socket, time

# Spawned by the Swift tests with SIGTERM blocked; unblock it so OracleServer.stop() can end us.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(0)
port = listener.getsockname()[1]
fillers = []
for _ in range(4):  # Linux queues backlog + 1 connections; a few more to be sure the queue is full
    filler = socket.socket()
    filler.setblocking(False)
    try:
        filler.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    fillers.append(filler)
print("READY %d" % port, flush=True)
while True:
    time.sleep(3600)
