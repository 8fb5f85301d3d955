"""Differential check of the RE2 → Timestream regex translation. stdin: JSON [{"re2": P, "java": J, "subject": S,
"dot_nl": "1" (optional)}] (J is the Swift translation, already anchored). For each case: RE2's full match of P on S
(google-re2: the dialect of Prometheus' Go regexp; with "dot_nl", RE2's dot-matches-newline flag, as Prometheus 3
parses matchers with syntax.DotNL) versus two engines searching J in S:
  - joni with Syntax.Java / Option.DEFAULT, as Presto and Trino (and so Timestream's Presto-derived SQL) run
    regexp_like (Debian libjruby-joni-java);
  - java.util.regex, the "Java pattern syntax" Timestream's documentation names.
Prints JSON [{"re2": bool, "joni": bool | "error: …", "java": bool | "error: …"}] in order."""
import json, os, subprocess, sys
import re2

cases = json.load(sys.stdin)
here = os.path.dirname(os.path.abspath(__file__))
lines = "".join("%s %s\n" % (c["java"].encode().hex(), c["subject"].encode().hex()) for c in cases).encode()
classpath = ":".join(["/usr/share/java/joni.jar", "/usr/share/java/jcodings.jar"])


def run(engine):
    out = subprocess.run(["java", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                          os.path.join(here, "RegexOracle.java"), engine], input=lines, capture_output=True, check=True)
    return [a == "1" if a in ("0", "1") else "error: " + a for a in out.stdout.decode().split("\n")[:len(cases)]]


dot_nl = re2.Options()
dot_nl.dot_nl = True


def re2_fullmatch(c):
    return re2.compile(c["re2"], dot_nl if c.get("dot_nl") else None).fullmatch(c["subject"]) is not None


java, joni = run("java"), run("joni")
json.dump([{"re2": re2_fullmatch(c), "joni": b, "java": a} for c, a, b in zip(cases, java, joni)], sys.stdout)
