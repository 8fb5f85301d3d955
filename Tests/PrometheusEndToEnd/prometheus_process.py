"""Prometheus (Debian's 2.42) as a child process for the end-to-end test: own config, TSDB directory and port on
127.0.0.1, stopped by PID."""
import collections, json, os, subprocess, sys, time, urllib.error, urllib.parse, urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "lib"))
from local_stack import children, free_port  # noqa: E402


class ApiError(RuntimeError):
    """An /api/v1 call that did not answer 200 with status "success" (its HTTP status and Prometheus' error text),
    or, from Prometheus.data, one that answered with warnings."""


# One /api/v1 answer: its "data" and its "warnings" (a list, empty when there were none).
Answer = collections.namedtuple("Answer", "data warnings")


class Prometheus:
    """Debian's `prometheus` run by PID with its own config, TSDB directory and port."""

    def __init__(self, name, config_yaml, work_dir):
        self.dir = os.path.join(work_dir, name)
        os.makedirs(self.dir)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        config = os.path.join(self.dir, "prometheus.yml")
        with open(config, "w") as f:
            f.write(config_yaml)
        self.log_path = os.path.join(self.dir, "prometheus.log")
        self.process = children.popen(
            ["prometheus", "--config.file=" + config, "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
             "--web.listen-address=127.0.0.1:%d" % self.port, "--log.level=warn"],
            stdout=open(self.log_path, "ab"), stderr=subprocess.STDOUT)
        end = time.time() + 30
        while time.time() < end:
            try:
                if urllib.request.urlopen(self.url + "/-/ready", timeout=2).status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("prometheus %s did not become ready:\n%s" % (name, open(self.log_path).read()[-3000:]))

    def api(self, path, **params):
        """GET /api/v1/<path> → Answer(data, warnings). A remote read is best-effort secondary storage for
        Prometheus (storage/secondary.go): when it fails, the query still answers 200 with what the other
        storages hold (nothing, for a reader without scrape targets) and the failure as a warning. So a caller
        that needs the whole answer must look at `warnings`. An HTTP error or a non-success status → ApiError."""
        url = "%s/api/v1/%s?%s" % (self.url, path, urllib.parse.urlencode(params))
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        try:
            answer = json.loads(body)
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        if status != 200 or answer.get("status") != "success":
            text = answer.get("error") or body[:300].decode(errors="replace")
            raise ApiError("%s %s → HTTP %d %s: %s" % (path, params, status, answer.get("errorType", ""), text))
        return Answer(answer.get("data"), list(answer.get("warnings") or []))

    def data(self, path, **params):
        """api()'s data where the answer must be complete: any warning → ApiError carrying the warnings."""
        answer = self.api(path, **params)
        if answer.warnings:
            raise ApiError("%s %s answered with warnings: %s" % (path, params, "; ".join(answer.warnings)))
        return answer.data

    def metrics(self):
        """This Prometheus' own /metrics as {name{labels}: value}."""
        with urllib.request.urlopen(self.url + "/metrics", timeout=10) as response:
            text = response.read().decode()
        out = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                key, _, value = line.rpartition(" ")
                out[key] = float(value)
        return out

    def metric_sum(self, name):
        """Sum over every label set of one metric family from /metrics."""
        return sum(v for k, v in self.metrics().items() if k == name or k.startswith(name + "{"))

    def stop(self):
        children.stop(self.process, grace=15)

