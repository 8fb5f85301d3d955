"""Slow clients against the standalone connector as a process (a step of test_standalone.py):
- a client that trickles its request body (a byte every 0.2 s, so the idle timeout never fires) holds its admission
  slot only until --request-timeout: then it is answered 503 + Retry-After (Prometheus retries), and the slot
  serves the next write;
- while that client holds the only slot (--max-concurrent-requests=1), a write is refused 503 but an unknown path is
  still 404 and a GET on the write route 405: routes are answered from the request head, before admission.
"""
import re, socket, threading, time
from local_stack import Standalone


def trickled_body(work, binary, standin, check, post, get, write_body):
    door = Standalone(work, binary, standin.url, log_name="slow-clients.log",
                      flags=["--max-concurrent-requests=1", "--request-timeout=3", "--idle-timeout=10"])
    stop = threading.Event()
    try:
        slow = socket.create_connection(("127.0.0.1", door.port), timeout=20)
        slow.sendall(b"POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")

        def trickle():
            while not stop.is_set():
                try:
                    slow.sendall(b"x")
                except OSError:
                    return
                stop.wait(0.2)

        threading.Thread(target=trickle, daemon=True).start()
        time.sleep(0.5)
        body = write_body("slow_client_metric", 0, int(time.time() * 1000), series=3)
        held, _, held_answer = post(door.url + "/write", body)
        missing, _ = get(door.url + "/no/such/path")
        wrong_method, _ = get(door.url + "/write")
        check(held == 503 and missing == 404 and wrong_method == 405,
              "while a trickled body holds the only slot: a write → %d (%s), an unknown path → %d, GET /write → %d"
              % (held, held_answer[:70], missing, wrong_method))
        began = time.time()
        answer = b""
        while b"\r\n\r\n" not in answer:
            part = slow.recv(4096)
            if not part:
                break
            answer += part
        waited = time.time() - began
        head, _, text = answer.partition(b"\r\n\r\n")
        length = re.search(rb"content-length: *(\d+)", head, re.I)
        while length and len(text) < int(length.group(1)):  # the connection may stay open: read the answer's length
            part = slow.recv(4096)
            if not part:
                break
            text += part
        check(head.startswith(b"HTTP/1.1 503") and b"retry-after: 1" in head.lower()
              and b"did not arrive within --request-timeout" in text,
              "a body still trickling at --request-timeout=3 → %r after %.1f s more" % (answer.split(b"\r\n")[0], waited))
        stop.set()
        slow.close()
        status, _, after = post(door.url + "/write", body)
        check(status == 204, "the freed slot serves the next write → %d %s" % (status, after[:70]))
    finally:
        stop.set()
        check(door.stop() == 0, "exit 0 on SIGTERM after the slow client")
