"""Started by ChildTreeProbe: starts a grandchild (`sleep`) through Tests/oracles/children.py, prints
`PIDS <own pid> <grandchild pid>`, and waits. Both keep the probe's stdout open, as a stand-in and its worker would."""
import os, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "oracles"))
import children  # noqa: E402

grandchild = children.popen(["sleep", "600"])
print("PIDS %d %d" % (os.getpid(), grandchild.pid), flush=True)
while True:
    time.sleep(60)
