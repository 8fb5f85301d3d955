#!/usr/bin/env python3
"""The standalone connector (`timestream-prometheus-connector`) as a process, against the Timestream SQL stand-in,
run by scripts/test (the real-Prometheus checks are in Tests/PrometheusEndToEnd, which runs it too):

1. Flags (startup_checks.py): --help, a bad flag or half a TLS pair → exit 2 with one line; env names configure it
   too; bearer_token_secret_arn refused; a port taken with logging off → exit 1 with one line.
2. HTTP: keep-alive, /-/healthy, /-/ready, /metrics (Prometheus text), 413 past the body cap, a connection that
   stops sending is closed after the idle timeout, 503 + Retry-After past --max-concurrent-requests.
3. Load: 64 writers at once, several rounds of 2000-sample writes; every sample stored exactly once; the
   server's RSS and open descriptors flat from round to round (bounded loops, 127.0.0.1 only).
4. SIGTERM while 32 slow writes are in flight: each is answered 204 and stored, nothing else is lost, exit 0.
5. TLS with a self-signed certificate made here with the openssl CLI.
6. scripts/run-standalone (the quick start) with a real Prometheus, stopped with Ctrl-C.
7. Streamed reads (streamed_read.py): exact series in TSDB order over many pages, peak RSS bounded, a failure
   after the first frames breaks the answer off.
8. Slow clients (slow_clients.py): a trickled body loses its slot at --request-timeout (503 + Retry-After);
   404/405 are answered before admission; a client that stops reading its answer is disconnected.
9. Every interface (startup_checks.py): `--web.listen-address=:PORT` answers on 127.0.0.1 and, where the machine
   has IPv6, on ::1; with --enable-sigv4-auth start warns that any client reaching it uses the process's identity.
Arguments name steps to run (flags http every-interface load sigterm tls slow-clients gone-client shutdown-body
stalled-reader quick-start streamed-read;
default all). Exit status 0 when every check holds; prints `standalone: N passed, M failed`.
"""
import http.client, json, os, signal, socket, ssl, subprocess, sys, tempfile, shutil, time, traceback, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "oracles"))
from local_stack import Standalone, free_port, sql_standin, standalone_binary  # noqa: E402
from check_tally import FAILURES, PASSED, check  # noqa: E402
from support import post, run, sent, stored, write_body  # noqa: E402
from http_checks import http_behaviour  # noqa: E402
from load_checks import load, sigterm_mid_load  # noqa: E402
from streamed_read import streamed_read  # noqa: E402
from slow_clients import body_cut_by_shutdown, gone_before_the_head, stalled_reader, trickled_body  # noqa: E402
from startup_checks import every_interface, flags  # noqa: E402


def tls(work, binary, standin):
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    door = Standalone(work, binary, standin.url, scheme="https", log_name="tls.log",
                      flags=["--tls-certificate", cert, "--tls-key=" + key])
    try:
        context = ssl.create_default_context(cafile=cert)
        stamp = int(time.time() * 1000)
        status, _, answer = post(door.url + "/write", write_body("tls_metric", 0, stamp, series=10), context=context)
        check(status == 204, "HTTPS write with the self-signed certificate verified → %d %s" % (status, answer[:80]))
        check(stored(standin, "tls_metric") == (sent([0], [stamp], series=10), 10), "the HTTPS write is stored")
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/-/healthy" % door.port, timeout=5)
            plain = "answered"
        except (OSError, http.client.HTTPException) as error:
            plain = "refused (%s)" % type(error).__name__
        check(plain != "answered", "plain HTTP on the TLS port is not served: %s" % plain)
    finally:
        check(door.stop() == 0, "TLS server exits 0 on SIGTERM")
    # Timestream behind a certificate of a private CA (a TLS-inspecting proxy, a private endpoint): trusted through
    # AWS_CA_BUNDLE, as the AWS SDKs read it; refused (503, Prometheus retries) without it.
    private = sql_standin(work, "--tls-cert", cert, "--tls-key", key)
    private_url = "https://127.0.0.1:%d" % private.port
    try:
        for bundle, expected in ((cert, 204), (None, 503)):
            door = Standalone(work, binary, private_url, log_name="ca-bundle.log", env={"AWS_CA_BUNDLE": bundle} if bundle else {})
            try:
                status, _, answer = post(door.url + "/write", write_body("private_ca_metric", 0, stamp, series=10))
            finally:
                door.stop()
            check(status == expected, "a Timestream endpoint with a private CA's certificate, AWS_CA_BUNDLE %s → %d (%s)"
                  % ("set" if bundle else "unset", status, answer[:100]))
        with urllib.request.urlopen(private_url + "/records", timeout=10,
                                    context=ssl.create_default_context(cafile=cert)) as response:
            stored_private = [r for r in json.load(response) if r["measure_name"] == "private_ca_metric"]
        check(len(stored_private) == 10, "the write through AWS_CA_BUNDLE is stored (%d records)" % len(stored_private))
    finally:
        private.stop()
    for bundle in (os.path.join(work, "missing-ca.pem"), work, key):  # missing, a directory (a CA path), no certificate
        code, _, err = run([binary, "--default-database=d", "--default-table=t"], env=dict(os.environ, AWS_CA_BUNDLE=bundle))
        check(code == 2 and "AWS_CA_BUNDLE=%s is not a readable PEM file of certificates" % bundle in err,
              "AWS_CA_BUNDLE without certificates → exit 2 naming it (%s)" % err.strip()[-140:])
    code, _, err = run([binary, "--default-database=d", "--default-table=t", "--web.listen-address=127.0.0.1:%d" % free_port(),
                        "--tls-certificate", key, "--tls-key", key])
    check(code == 1 and "cannot serve" in err and "--tls-certificate %s cannot be read" % key in err
          and "shutting down" not in err,
          "a certificate file that is not a certificate → exit 1 naming the file, no shutdown line (%s)" % err.strip()[-160:])
    missing = os.path.join(work, "missing-key.pem")
    code, _, err = run([binary, "--default-database=d", "--default-table=t", "--web.listen-address=127.0.0.1:%d" % free_port(),
                        "--tls-certificate", cert, "--tls-key", missing])
    check(code == 1 and "--tls-key %s cannot be read" % missing in err,
          "a missing key file → exit 1 naming it (%s)" % err.strip()[-160:])
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        code, _, err = run([binary, "--default-database=d", "--default-table=t",
                            "--web.listen-address=127.0.0.1:%d" % busy.getsockname()[1]])
    finally:
        busy.close()
    check(code == 1 and "cannot serve" in err and "shutting down" not in err,
          "an address in use → exit 1 with the reason and no shutdown line (%s)" % err.strip()[-160:])


def quick_start(work):
    """scripts/run-standalone as a newcomer runs it: Prometheus's own samples reach the stand-in through the
    connector, the URLs are printed, and Ctrl-C (SIGINT) stops everything it started."""
    if shutil.which("prometheus") is None:
        if os.environ.get("PROMETHEUS_E2E") == "required":
            check(False, "prometheus is installed for the quick-start check")
        else:  # not counted as a pass: nothing was checked
            print("NOTICE: prometheus not on PATH; skipped the scripts/run-standalone check (apt-get install prometheus)")
        return
    root = os.path.join(HERE, "..", "..")
    script = subprocess.Popen([os.path.join(root, "scripts", "run-standalone"), "--port", "0", "--prometheus-port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
                              env=dict(os.environ, ORACLE_PYTHON=sys.executable))
    lines, urls = [], {}
    try:
        for line in script.stdout:
            lines.append(line.rstrip())
            words = line.split()
            if len(words) >= 2 and words[1].startswith("http"):
                urls[words[0]] = words[1]
            elif len(words) >= 3 and words[2].startswith("http"):
                urls[" ".join(words[:2])] = words[2]
            if line.startswith("Ctrl-C"):
                break
        check({"Prometheus", "connector", "Timestream stand-in"} <= set(urls), "run-standalone prints the URLs (%s)" % sorted(urls))
        standin = urls.get("Timestream stand-in", "").rsplit("/records", 1)[0]
        end, names = time.time() + 90, set()
        while time.time() < end and "up" not in names:
            time.sleep(2)
            try:
                with urllib.request.urlopen(standin + "/records", timeout=10) as response:
                    names = {r["measure_name"] for r in json.load(response)}
            except OSError:
                pass
        check("up" in names and "timestream_connector_received_samples_total" in names,
              "Prometheus scrapes itself and the connector and remote-writes through it (%d metric names stored)" % len(names))
        os.killpg(script.pid, signal.SIGINT)
        code = script.wait(60)
        still = []
        for url in urls.values():
            host, port = url.split("/")[2].split(":")
            try:
                socket.create_connection((host, int(port)), timeout=2).close()
                still.append(url)
            except OSError:
                pass
        check(code == 0 and not still, "Ctrl-C stops everything it started (exit %s; still answering: %s)" % (code, still))
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)
        if FAILURES:
            print("\n".join(lines[-30:]))


def main():
    binary = standalone_binary()
    work = tempfile.mkdtemp(prefix="standalone-")
    print("logs in", work, flush=True)
    standin = sql_standin(work)
    try:
        steps = {"flags": lambda b: flags(b), "http": lambda b: http_behaviour(work, b, standin),
                 "every-interface": lambda b: every_interface(work, b, standin),
                 "load": lambda b: load(work, b, standin),
                 "sigterm": lambda b: sigterm_mid_load(work, b, standin), "tls": lambda b: tls(work, b, standin),
                 "slow-clients": lambda b: trickled_body(work, b, standin),
                 "gone-client": lambda b: gone_before_the_head(work, b, standin),
                 "shutdown-body": lambda b: body_cut_by_shutdown(work, b, standin),
                 "stalled-reader": lambda b: stalled_reader(work, b, standin),
                 "quick-start": lambda b: quick_start(work),
                 "streamed-read": lambda b: streamed_read(work, b)}
        for name in sys.argv[1:] or steps:  # arguments: run only these steps
            try:
                steps[name](binary)
            except Exception:
                traceback.print_exc()
                FAILURES.append("exception")
    finally:
        standin.stop()
    print("standalone: %d passed, %d failed" % (len(PASSED), len(FAILURES)))
    if FAILURES:
        print("logs in", work)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
