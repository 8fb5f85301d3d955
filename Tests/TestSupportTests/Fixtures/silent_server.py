"""A server that never prints its `READY <port>` handshake and never exits on its own."""
import sys, time

sys.stderr.write("silent_server.py: stuck before listening\n")
sys.stderr.flush()
while True:
    time.sleep(60)
