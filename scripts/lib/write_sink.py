"""A Timestream write endpoint that discards what it is sent, for the write benchmarks of scripts/bench-standalone
(S1–S3): one asyncio event loop, no thread per connection, so its own cost per call is a few tens of microseconds
and it stays far from being the limit (the benchmark prints its CPU share). Not a stand-in for tests: it refuses
only a call without a SigV4 Authorization header (403, as Timestream), and answers every WriteRecords 200 without
parsing its records; the SQL stand-in (Tests/oracles/timestream_sql_standin.py) is the one that checks them.

Speaks HTTP/1.1 with keep-alive (Content-Length bodies only, which is all libcurl sends here). Endpoints, the
subset of the SQL stand-in's that the benchmark uses:
- POST / with X-Amz-Target …WriteRecords: after `delay_ms`, 200 {"RecordsIngested": …}; …DescribeEndpoints: this
  address. Every data call's access key id and CLOCK_MONOTONIC start (request fully read) and end (answer written)
  are kept while `record_calls` is on.
- POST /control {"delay_ms": ms, "record_calls": bool}; GET /control: the settings, "max_in_flight", "calls".
- GET /calls: the kept calls [key, start, end], then forgets them.
Prints `READY <port>` once listening."""
import argparse, asyncio, json, time

SETTINGS = {"delay_ms": 0, "record_calls": False}
STATS = {"calls": 0, "in_flight": 0, "max_in_flight": 0, "connections": 0}
CALLS = []
WRITTEN = b'{"RecordsIngested":{"Total":0,"MemoryStore":0,"MagneticStore":0}}'


def answer(status, body, reason=b"OK"):
    return b"HTTP/1.1 %d %s\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: %d\r\n\r\n%s" % (
        status, reason, len(body), body)


class Connection(asyncio.Protocol):
    def __init__(self, port):
        self.port, self.buffer, self.transport = port, bytearray(), None

    def connection_made(self, transport):
        self.transport = transport
        STATS["connections"] += 1

    def data_received(self, data):
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            fields = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                fields[name.strip().lower()] = value.strip()
            length = int(fields.get("content-length", "0"))
            if len(self.buffer) < end + 4 + length:
                return
            body = bytes(self.buffer[end + 4:end + 4 + length])
            del self.buffer[:end + 4 + length]
            method, path = head[0].split(" ")[:2]
            self.handle(method, path, fields, body, time.monotonic())

    def handle(self, method, path, fields, body, started):
        if path == "/control":
            if method == "POST":
                SETTINGS.update({k: v for k, v in json.loads(body or b"{}").items() if k in SETTINGS})
            return self.transport.write(answer(200, json.dumps(dict(SETTINGS, **STATS)).encode()))
        if path == "/calls":
            calls = CALLS[:]
            CALLS.clear()
            return self.transport.write(answer(200, json.dumps(calls).encode()))
        auth = fields.get("authorization", "")
        if not auth.startswith("AWS4-HMAC-SHA256 Credential=") or "/timestream/aws4_request" not in auth:
            return self.transport.write(answer(403, b'{"__type":"UnrecognizedClientException","message":"Missing or '
                                                    b'malformed SigV4 Authorization."}', b"Forbidden"))
        target = fields.get("x-amz-target", "").rsplit(".", 1)[-1]
        if target == "DescribeEndpoints":
            address = json.dumps({"Endpoints": [{"Address": "127.0.0.1:%d" % self.port, "CachePeriodInMinutes": 1440}]})
            return self.transport.write(answer(200, address.encode()))
        if target != "WriteRecords":
            return self.transport.write(answer(400, b'{"__type":"ValidationException","message":"only WriteRecords '
                                                    b'here"}', b"Bad Request"))
        STATS["calls"] += 1
        STATS["in_flight"] += 1
        STATS["max_in_flight"] = max(STATS["max_in_flight"], STATS["in_flight"])
        key = auth.split("Credential=", 1)[1].split("/", 1)[0]

        def respond():
            STATS["in_flight"] -= 1
            if not self.transport.is_closing():
                self.transport.write(answer(200, WRITTEN))
            if SETTINGS["record_calls"]:
                CALLS.append([key, started, time.monotonic()])

        delay = SETTINGS["delay_ms"] / 1000.0
        # Answers go out in request order on one connection: libcurl sends one request at a time per connection.
        asyncio.get_running_loop().call_later(delay, respond) if delay else respond()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    loop = asyncio.get_running_loop()
    holder = {}
    server = await loop.create_server(lambda: Connection(holder["port"]), "127.0.0.1", args.port, backlog=512)
    holder["port"] = server.sockets[0].getsockname()[1]
    print("READY %d" % holder["port"], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
