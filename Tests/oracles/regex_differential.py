"""Differential check of the RE2 → Timestream regex translation. stdin: JSON [{"re2": P, "java": J, "subject": S,
"dot_nl": "1" (optional)}] (J is the Swift translation, already anchored). For each case: RE2's full match of P on S
(google-re2: the dialect of Prometheus' Go regexp; with "dot_nl", RE2's dot-matches-newline flag, as Prometheus 3
parses matchers with syntax.DotNL) versus two engines searching J in S:
  - joni with Syntax.Java / Option.DEFAULT, as Presto and Trino (and so Timestream's Presto-derived SQL) run
    regexp_like (Debian libjruby-joni-java);
  - java.util.regex, the "Java pattern syntax" Timestream's documentation names.
Prints JSON [{"re2": bool, "joni": bool | "error: …", "java": bool | "error: …"}] in order."""
import json, os, shutil, sys
import re2
import children

cases = json.load(sys.stdin)
here = os.path.dirname(os.path.abspath(__file__))
lines = "".join("%s %s\n" % (c["java"].encode().hex(), c["subject"].encode().hex()) for c in cases).encode()
classpath = ":".join(["/usr/share/java/joni.jar", "/usr/share/java/jcodings.jar"])


HINT = ("the regex oracle needs a JVM (`java` on PATH) and joni (/usr/share/java/joni.jar, jcodings.jar): run "
        "scripts/setup-system, or apt-get install -y --no-install-recommends default-jre-headless libjruby-joni-java")


def run(engine):
    missing = [what for what, there in [("java", shutil.which("java")),
                                         *[(jar, os.path.exists(jar)) for jar in classpath.split(":")]] if not there]
    if missing:
        sys.exit("regex_differential.py: missing %s; %s" % (", ".join(missing), HINT))
    argv = ["java", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classpath, os.path.join(here, "RegexOracle.java"),
            engine]
    out = children.run(argv, input=lines, timeout=600)
    if out.returncode != 0:
        sys.exit("regex_differential.py: %s exited %d: %s\n%s" % (" ".join(argv), out.returncode,
                                                                   out.stderr.decode(errors="replace")[-3000:], HINT))
    return [a == "1" if a in ("0", "1") else "error: " + a for a in out.stdout.decode().split("\n")[:len(cases)]]


dot_nl = re2.Options()
dot_nl.dot_nl = True


def re2_fullmatch(c):
    return re2.compile(c["re2"], dot_nl if c.get("dot_nl") else None).fullmatch(c["subject"]) is not None


java, joni = run("java"), run("joni")
json.dump([{"re2": re2_fullmatch(c), "joni": b, "java": a} for c, a, b in zip(cases, java, joni)], sys.stdout)
