"""scripts/run-standalone: the standalone connector against the local Timestream SQL stand-in, with a real
Prometheus scraping itself and the connector's /metrics, remote-writing and remote-reading through the connector.
Runs until Ctrl-C (or SIGTERM, or SIGHUP when its terminal closes), then stops everything it started; logs go to a temporary directory it prints."""
import argparse, os, signal, socket, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from local_stack import Standalone, free_port, sql_standin, standalone_binary  # noqa: E402
import children  # noqa: E402  (Tests/oracles, on the path through local_stack)

PROMETHEUS_YML = """global: {{scrape_interval: 5s, evaluation_interval: 15s}}
scrape_configs:
  - job_name: prometheus
    static_configs: [{{targets: ["127.0.0.1:{prometheus_port}"]}}]
  - job_name: timestream-connector
    static_configs: [{{targets: ["127.0.0.1:{connector_port}"]}}]
# The connector signs Timestream calls with the basic-auth key pair; the stand-in only checks a SigV4 header is there.
remote_write:
  - url: {connector}/write
    basic_auth: {{username: AKIDLOCAL, password: local-secret}}
remote_read:
  - url: {connector}/read
    basic_auth: {{username: AKIDLOCAL, password: local-secret}}
    read_recent: true
"""


def port_or_free(port):
    if port == 0:
        return free_port()
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            chosen = free_port()
            print("port %d is busy: using %d instead" % (port, chosen), flush=True)
            return chosen


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=9201, help="connector port (0: any free port)")
    ap.add_argument("--prometheus-port", type=int, default=9090, help="Prometheus port (0: any free port)")
    ap.add_argument("--connector-flag", action="append", default=[], help="extra connector flag, e.g. --log.level=debug")
    args = ap.parse_args()
    binary = standalone_binary()
    if not os.access(binary, os.X_OK):
        sys.exit("no connector at %s: run `swift build --product timestream-prometheus-connector`" % binary)
    logs = tempfile.mkdtemp(prefix="run-standalone-")
    started = []

    def stop(*_):
        for child in reversed(started):
            child.stop()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)  # the terminal closed
    try:
        standin = sql_standin(logs, "--database", "PrometheusDatabase", "--table", "PrometheusMetricsTable")
        started.append(standin)
        connector = Standalone(logs, binary, standin.url, port=port_or_free(args.port), log_name="connector.log",
                               flags=["--default-database=PrometheusDatabase", "--default-table=PrometheusMetricsTable",
                                      *args.connector_flag])
        started.append(connector)
        prometheus = PrometheusChild(logs, port_or_free(args.prometheus_port), connector)
        started.append(prometheus)
    except Exception as error:
        print("run-standalone: %s" % error, file=sys.stderr)
        for child in reversed(started):
            child.stop()
        sys.exit(1)
    print()
    print("Prometheus            %s   (try: rate(timestream_connector_received_samples_total[1m]))" % prometheus.url)
    print("connector             %s/write  %s/read" % (connector.url, connector.url))
    print("connector metrics     %s/metrics   health: /-/healthy  /-/ready" % connector.url)
    print("Timestream stand-in   %s/records   (every stored record as JSON)" % standin.url)
    print("logs                  %s" % logs)
    print("\nCtrl-C stops everything.", flush=True)
    while all(child.process.poll() is None for child in started):
        time.sleep(1)
    print("run-standalone: a process exited; logs in %s" % logs, file=sys.stderr)
    stop()


class PrometheusChild:
    def __init__(self, logs, port, connector):
        directory = os.path.join(logs, "prometheus")
        os.makedirs(directory)
        config = os.path.join(directory, "prometheus.yml")
        with open(config, "w") as f:
            f.write(PROMETHEUS_YML.format(prometheus_port=port, connector_port=connector.port, connector=connector.url))
        self.url = "http://127.0.0.1:%d" % port
        self.log_path = os.path.join(logs, "prometheus.log")
        # As every other child: killed with this script however it ends (a closed terminal's SIGHUP, Ctrl-C while
        # Prometheus is still starting, SIGKILL), never left holding its port and writing to a stopped connector.
        self.process = children.popen(
            ["prometheus", "--config.file=" + config, "--storage.tsdb.path=" + os.path.join(directory, "data"),
             "--web.listen-address=127.0.0.1:%d" % port],
            stdout=open(self.log_path, "ab"), stderr=subprocess.STDOUT)
        end = time.time() + 30
        while time.time() < end and self.process.poll() is None:
            try:
                if urllib.request.urlopen(self.url + "/-/ready", timeout=2).status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("prometheus did not become ready; log %s" % self.log_path)

    def stop(self):
        children.stop(self.process, grace=20)


if __name__ == "__main__":
    main()
