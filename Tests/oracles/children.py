"""Child processes that can neither outlive their parent nor hang it (the Python side of
Sources/TestSupport/ChildProcess.swift; used by the stand-ins, scripts/lib and the Prometheus end-to-end test):
- each child gets its own process group (a new session), and `stop()` signals the whole group, grandchildren too;
- each child is started through util-linux's `setpriv --pdeathsig KILL` (it execs in place: same pid), so the
  kernel SIGKILLs it when this process dies, however it dies. Linux sends that signal when the *thread* that started
  the child ends, so every child is started from one thread that lives as long as the process;
- every wait has a timeout: `ready_port` for the `READY <port>` handshake, `run` for a command run to its end."""
import os, signal, subprocess, threading
from concurrent.futures import ThreadPoolExecutor

SETPRIV = "/usr/bin/setpriv"
_spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spawner")  # its one thread never idles out


def popen(argv, **kwargs):
    """subprocess.Popen(argv, **kwargs) in a new process group, SIGKILLed when this process dies."""
    kwargs["start_new_session"] = True  # stop() signals the group: it must never be ours
    return _spawner.submit(subprocess.Popen, [SETPRIV, "--pdeathsig", "KILL", "--", *argv], **kwargs).result()


def stop(process, grace=5):
    """SIGTERM to the child's group, SIGKILL after `grace` seconds, and SIGKILL again for grandchildren that
    outlived the leader. Bounded."""
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    _signal_group(process, signal.SIGKILL)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        pass


def _signal_group(process, sig):
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def ready_port(process, timeout=60):
    """The port from the child's first stdout line `READY <port>`, waiting at most `timeout` seconds; None when
    the child printed something else, exited or timed out (it is then stopped)."""
    line = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    text = line[0] if line else ""
    text = text.decode(errors="replace") if isinstance(text, bytes) else text
    words = text.split()
    if len(words) == 2 and words[0] == "READY" and words[1].isdigit():
        return int(words[1])
    stop(process)
    return None


def run(argv, input=None, timeout=600, **kwargs):
    """subprocess.run(argv, input=…, capture_output=True) as a child of this module; past `timeout` seconds the
    group is stopped and subprocess.TimeoutExpired raised."""
    process = popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    try:
        out, err = process.communicate(input, timeout)
    except subprocess.TimeoutExpired:
        stop(process)
        raise
    finally:
        stop(process, grace=0)  # grandchildren left in the group
    return subprocess.CompletedProcess(process.args[4:], process.returncode, out, err)
