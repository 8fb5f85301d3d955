"""The standalone connector's start (a step of test_standalone.py): --help, flags that exit 2 with one line (a bad
flag, half a TLS pair, a missing setting, env names, the function's bearer_token_secret_arn), a port already taken
with logging off (exit 1, one line on stderr), and `:port` listening on every interface — with --enable-sigv4-auth,
which start warns about there.
"""
import socket
from local_stack import Standalone, free_port
from check_tally import check
from support import get, run


def flags(binary):
    code, out, err = run([binary, "--help"])
    check(code == 0 and "--web.listen-address=<value>  [web_listen_address]" in out and "--tls-key" in out,
          "--help exits 0 and documents the flags (%d lines)" % len(out.splitlines()))
    for argv, expected in (
        (["--default-database=d", "--default-table=t", "--bogus=1"], "unknown flag --bogus"),
        (["--default-database=d", "--default-table=t", "--tls-certificate=/nonexistent.pem"], "--tls-key is not"),
        (["--default-table=t"], "--default-database (default_database): is required"),
        (["--default-database=d", "--default-table=t", "--enable-logging=maybe"], "is not a boolean"),
    ):
        code, out, err = run([binary, *argv])
        check(code == 2 and len(err.strip().splitlines()) == 1 and expected in err,
              "%s → exit %d, one line: %s" % (" ".join(argv[-1:]), code, err.strip()))
    code, out, err = run([binary, "--web.listen-address=127.0.0.1:1"], env={"default_table": "t", "PATH": "/usr/bin"})
    check(code == 2 and "default_database" in err, "env names are read (default_table from env; %s)" % err.strip())
    code, out, err = run([binary, "--default-database=d", "--default-table=t"],
                         env={"bearer_token_secret_arn": "arn:aws:secretsmanager:us-east-1:1:secret:t", "PATH": "/usr/bin"})
    check(code == 2 and len(err.strip().splitlines()) == 1 and "bearer_token_secret_arn: the standalone connector does not check bearer tokens" in err,
          "the function's bearer_token_secret_arn is refused, not ignored → exit %d: %s" % (code, err.strip()))
    # A port already taken, with logging off: still one line on stderr, exit 1.
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    taken_port = taken.getsockname()[1]
    try:
        code, out, err = run([binary, "--default-database=d", "--default-table=t", "--enable-logging=false",
                              "--web.listen-address=127.0.0.1:%d" % taken_port], env={"PATH": "/usr/bin"})
    finally:
        taken.close()
    check(code == 1 and len(err.strip().splitlines()) == 1
          and "cannot serve on --web.listen-address 127.0.0.1:%d" % taken_port in err,
          "cannot listen, logging off → exit %d with one line: %s" % (code, err.strip()))


def every_interface(work, binary, standin):
    """`:port` listens on every interface like the Go connector's `:9201`: IPv4 and, where the machine has IPv6, IPv6."""
    port = free_port()
    # With --enable-sigv4-auth: every client that reaches the port uses the process's identity, which start warns of.
    door = Standalone(work, binary, standin.url, log_name="every-interface.log", port=port,
                      flags=["--web.listen-address=:%d" % port, "--enable-sigv4-auth"],
                      env={"AWS_ACCESS_KEY_ID": "AKIDEVERYWHERE", "AWS_SECRET_ACCESS_KEY": "local-secret"})
    try:
        check(get("http://127.0.0.1:%d/-/healthy" % port)[0] == 200, ":%d answers on 127.0.0.1" % port)
        check("every client that reaches this address writes and reads the table with this process's AWS identity" in door.log(),
              "--enable-sigv4-auth on every interface: start warns that any client reaching it uses the process's identity")
        try:
            probe = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            probe.bind(("::1", 0))
            probe.close()
            ipv6 = True
        except OSError:
            ipv6 = False
        if ipv6:
            check(get("http://[::1]:%d/-/healthy" % port)[0] == 200, ":%d answers on ::1 too" % port)
        else:
            print("  (no IPv6 loopback on this machine: ::1 not checked)")
    finally:
        door.stop()
