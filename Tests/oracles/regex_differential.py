"""Differential check of the RE2 → Java regex translation. stdin: JSON [{"re2": P, "java": J, "subject": S}, ...]
(J is the Swift translation, already anchored). For each case: RE2's full match of P on S (google-re2, the
library Prometheus' Go regexp follows) versus java.util.regex's find() of J on S (the real JVM). Prints JSON
[{"re2": bool, "java": bool | "error: ..."}] in order."""
import json, os, subprocess, sys
import re2

cases = json.load(sys.stdin)
here = os.path.dirname(os.path.abspath(__file__))
java_in = "".join(json.dumps({"pattern": c["java"], "subject": c["subject"]}) + "\n" for c in cases)
run = subprocess.run(["java", "-Xshare:auto", "-XX:TieredStopAtLevel=1", os.path.join(here, "JavaRegexOracle.java")],
                     input=java_in.encode(), capture_output=True, check=True)
java = run.stdout.decode().split("\n")
out = []
for case, answer in zip(cases, java):
    expected = re2.fullmatch(case["re2"], case["subject"]) is not None
    got = answer == "1" if answer in ("0", "1") else "error: " + answer
    out.append({"re2": expected, "java": got})
json.dump(out, sys.stdout)
