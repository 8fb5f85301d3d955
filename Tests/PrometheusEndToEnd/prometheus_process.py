"""Prometheus (Debian's 2.42) as a child process for the end-to-end test: own config, TSDB directory and port on
127.0.0.1, stopped by PID."""
import json, os, subprocess, sys, time, urllib.parse, urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "lib"))
from local_stack import children, free_port  # noqa: E402


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
        query = urllib.parse.urlencode(params)
        with urllib.request.urlopen("%s/api/v1/%s?%s" % (self.url, path, query), timeout=30) as response:
            answer = json.load(response)
        if answer.get("status") != "success":
            raise RuntimeError("%s: %s" % (path, answer))
        return answer["data"]

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

