"""Oracle for ReadSQL.seriesOrder: orders rows by the connector's ORDER BY in SQLite (the SQL stand-in's engine)
and, independently, as Prometheus orders label sets (labels.Compare: the sorted (name, value) pairs compared pair
by pair, byte-wise, a prefix first), then by time.

stdin: {"dimensions": [names], "order_by": "ORDER BY ...",
        "rows": [{"measure_name": str, "time": int, "labels": {dimension: value, absent = missing}}]}
stdout: {"sqlite": [row indices in SQLite's order], "prometheus": [row indices in Prometheus' order]}
"""
import json, sqlite3, sys

spec = json.load(sys.stdin)
dims = spec["dimensions"]
quote = lambda n: '"%s"' % n.replace('"', '""')
db = sqlite3.connect(":memory:")
db.execute("CREATE TABLE records (i INTEGER, measure_name TEXT NOT NULL, time INTEGER NOT NULL%s)"
           % "".join(", %s TEXT" % quote(d) for d in dims))
for i, row in enumerate(spec["rows"]):
    names = ["i", "measure_name", "time"] + list(row["labels"])
    db.execute("INSERT INTO records (%s) VALUES (%s)" % (", ".join(quote(n) for n in names), ", ".join("?" * len(names))),
               [i, row["measure_name"], row["time"]] + list(row["labels"].values()))
sqlite_order = [r[0] for r in db.execute("SELECT i FROM records " + spec["order_by"])]


def key(i):
    row = spec["rows"][i]
    pairs = sorted([(b"__name__", row["measure_name"].encode())] +
                   [(n.encode(), v.encode()) for n, v in row["labels"].items()])
    return (pairs, row["time"])


print(json.dumps({"sqlite": sqlite_order, "prometheus": sorted(range(len(spec["rows"])), key=key)}))
