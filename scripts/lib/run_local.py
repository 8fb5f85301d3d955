"""scripts/run-local: the whole stack on 127.0.0.1 with no AWS — the Timestream SQL stand-in, and the API Gateway
HTTP API front door running `bootstrap` under the Lambda Runtime API stand-in — then the prometheus.yml snippet to
point a Prometheus at it. Runs until Ctrl-C; logs go to a temporary directory it prints."""
import argparse, errno, os, signal, socket, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from local_stack import ROOT, front_door, sql_standin  # noqa: E402

SNIPPET = """# prometheus.yml (merge into yours); the front door accepts any key pair, the stand-in only checks SigV4 is there
remote_write:
  - url: {url}/{stage}/write
    basic_auth: {{username: AKIDLOCAL, password: local-secret}}
    queue_config: {{max_samples_per_send: 1000, batch_send_deadline: 5s, min_backoff: 100ms, max_backoff: 5s}}
remote_read:
  - url: {url}/{stage}/read
    basic_auth: {{username: AKIDLOCAL, password: local-secret}}
    read_recent: true
"""


def port_in_use(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError as e:
            return e.errno == errno.EADDRINUSE
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=9201, help="front door port (0: any free port)")
    ap.add_argument("--stage", default="dev")
    ap.add_argument("--bootstrap", default=os.path.join(ROOT, ".build", "debug", "bootstrap"))
    ap.add_argument("--function-timeout", type=int, default=30, help="Lambda timeout in seconds (LambdaTimeoutInSeconds)")
    ap.add_argument("--env", action="append", default=[], help="extra NAME=VALUE for the function (e.g. log_level=debug)")
    args = ap.parse_args()
    if not os.access(args.bootstrap, os.X_OK):
        sys.exit("no bootstrap at %s: run `swift build` first" % args.bootstrap)
    if args.port and port_in_use(args.port):
        sys.exit("run-local: port %d on 127.0.0.1 is in use (another run-local?); pick another with --port N "
                 "(--port 0: any free port)" % args.port)
    logs = tempfile.mkdtemp(prefix="run-local-")
    standin = sql_standin(logs)
    try:
        extra = dict(item.split("=", 1) for item in args.env)
        door = front_door(logs, args.bootstrap, standin.url, args.function_timeout * 1000, extra.items(), args.port)
    except Exception:
        standin.stop()
        raise
    print("Timestream stand-in  %s   (GET /records, GET|POST /control)" % standin.url)
    print("API Gateway (local)  %s/%s/{write,read}   (GET /_frontdoor/status)" % (door.url, args.stage))
    print("logs                 %s   (bootstrap.log, frontdoor.log, timestream-standin.log)\n" % logs)
    print(SNIPPET.format(url=door.url, stage=args.stage), flush=True)
    print("Ctrl-C stops everything.", flush=True)

    def stop(*_):
        door.stop()
        standin.stop()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while door.process.poll() is None and standin.process.poll() is None:
        time.sleep(1)
    stop()


if __name__ == "__main__":
    main()
