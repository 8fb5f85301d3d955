"""The local stack (scripts/run-local, the Prometheus end-to-end test, the soak run): the Timestream SQL stand-in and
the API Gateway front door (with `bootstrap` under the Runtime API stand-in), each a child process on 127.0.0.1
that prints `READY <port>`, stopped by PID."""
import os, socket, subprocess, sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ORACLES = os.path.join(ROOT, "Tests", "oracles")
sys.path.insert(0, ORACLES)
import children  # noqa: E402


def free_port():
    """A port nothing listens on right now (Prometheus cannot report the port it chose for :0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Child:
    """A child process that prints `READY <port>` on its first line."""

    def __init__(self, argv, log_path, env=None, timeout=120):
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.process = children.popen(argv, stdout=subprocess.PIPE, stderr=log, env=env)
        self.port = children.ready_port(self.process, timeout)
        if self.port is None:
            raise RuntimeError("%s did not start within %d s; log %s:\n%s" % (argv[1], timeout, log_path, self.log()))
        self.url = "http://127.0.0.1:%d" % self.port

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()[-4000:]

    def stop(self):
        children.stop(self.process, grace=10)


def sql_standin(log_dir, *extra):
    return Child([sys.executable, os.path.join(ORACLES, "timestream_sql_standin.py"), "--database", "db", "--table",
                  "tbl", *extra], os.path.join(log_dir, "timestream-standin.log"))


def front_door(log_dir, bootstrap, standin_url, function_timeout_ms=30000, extra_env=(), port=0):
    env = dict(os.environ, FRONTDOOR_FUNCTION_LOG=os.path.join(log_dir, "bootstrap.log"))
    for key in list(env):
        if key.startswith("AWS_") or key == "region":
            del env[key]  # no real credentials or endpoints leak into the local function
    function_env = {"default_database": "db", "default_table": "tbl", "region": "us-east-1",
                    "AWS_ENDPOINT_URL": standin_url, **dict(extra_env)}
    argv = [sys.executable, os.path.join(ORACLES, "api_gateway_frontdoor.py"), "--bootstrap", bootstrap,
            "--port", str(port), "--function-timeout-ms", str(function_timeout_ms)]
    for k, v in function_env.items():
        argv += ["--env", "%s=%s" % (k, v)]
    return Child(argv, os.path.join(log_dir, "frontdoor.log"), env=env)


class Standalone:
    """The standalone connector (`timestream-prometheus-connector`) on 127.0.0.1, configured with the Go
    connector's flags against a Timestream stand-in; ready once `/-/ready` answers. `.url` as for a Child."""

    def __init__(self, log_dir, binary, standin_url, flags=(), env=None, port=0, scheme="http", log_name="standalone.log"):
        import time, urllib.request, ssl
        self.port = port or free_port()
        self.url = "%s://127.0.0.1:%d" % (scheme, self.port)
        self.log_path = os.path.join(log_dir, log_name)
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "region"}
        child_env.update({"AWS_ENDPOINT_URL": standin_url, **dict(env or {})})
        self.argv = [binary, "--web.listen-address=127.0.0.1:%d" % self.port, "--default-database=db",
                     "--default-table=tbl", "--region=us-east-1", *flags]
        with open(self.log_path, "ab") as log:
            self.process = children.popen(self.argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                          env=child_env)
        context = ssl._create_unverified_context() if scheme == "https" else None
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("%s exited %d; log %s:\n%s" % (binary, self.process.returncode, self.log_path, self.log()))
            try:
                with urllib.request.urlopen(self.url + "/-/ready", timeout=2, context=context) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("%s did not become ready; log %s:\n%s" % (binary, self.log_path, self.log()))

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()[-4000:]

    def stop(self, timeout=40):
        """SIGTERM, then wait (the connector drains); returns the exit status."""
        children.stop(self.process, grace=timeout)
        return self.process.returncode


def standalone_binary():
    return os.environ.get("STANDALONE_PATH", os.path.join(ROOT, ".build", "debug", "timestream-prometheus-connector"))
