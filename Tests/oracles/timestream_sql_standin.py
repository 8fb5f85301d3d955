"""A local stand-in for Amazon Timestream for LiveAnalytics that stores WriteRecords and EXECUTES the Query SQL
the connector generates, so reads can be tested end to end without AWS. Prints 'READY <port>' once it listens on
127.0.0.1 (port 0 = the OS picks). Usage: timestream_sql_standin.py [--database D --table T] [--page-rows N]
[--empty-first-pages N] [--port P] [--memory-hours H --magnetic-days D --magnetic-writes on|off]

Speaks Timestream's JSON 1.0 protocol (X-Amz-Target: Timestream_20181101.<Op>) on one URL for both the ingest
and the query API, like moto. Operations: DescribeEndpoints, WriteRecords, Query.

Where it differs from the real service (known, deliberate):
- Authentication: it requires a SigV4 Authorization header whose scope names the `timestream` service, but does
  not verify the signature (moto_server does that in the signature tests).
- SQL: only the statement shape the connector generates is supported (SELECT * FROM "db"."table" WHERE ...). It
  runs on SQLite: from_milliseconds() is the identity on integer milliseconds; regexp_like() runs Python's
  `regex` module on a translation of the Java pattern (\\z → \\Z, \\Q…\\E → escaped text), not java.util.regex.
- GET /records lists every stored record (value and its exact IEEE-754 bits in hex).
- Values come back as Python's shortest repr ('1e-09'), times as 'YYYY-MM-DD HH:MM:SS.nnnnnnnnn' (UTC) like
  Timestream; columns in Timestream's order (dimensions, measure_name, time, measure_value::double).
- DESCRIBE "db"."table" answers Timestream's three columns (Column, Type, Timestream attribute type), one row
  per column: the dimensions seen so far (varchar, DIMENSION), measure_name, time, and measure_value::double once
  a record is stored (a table without records lists only measure_name and time here).
- Missing columns give Timestream's ValidationException text "Column 'x' does not exist"; SQLite's habit of
  reading unknown "identifiers" as strings is blocked by checking every quoted identifier first.
- WriteRecords refuses what Timestream refuses, the same way (whole call: 400 ValidationException, nothing stored;
  per record: 419 RejectedRecordsException, the other records stored): the rules, their sources and where the docs
  are silent are tabled in timestream_write_rules.py (shared with timestream_standin.py). The table's retention is
  set by --memory-hours/--magnetic-days/--magnetic-writes (default: 200 years back to 15 minutes ahead accepted).
  All --database/--table names share one store. Only DOUBLE / MILLISECONDS records are stored.
- Faults for tests: POST /control {"throttle": n, "fail500": n, "delay_ms": ms, "drop": n, "delay_calls": n}
  makes the next n data calls fail with ThrottlingException (429) / InternalServerException (500), be delayed, or
  have their connection closed without an answer. GET /control returns call counters and max concurrency.
  {"discard_writes": true} answers every WriteRecords with success without parsing or storing it (scripts/bench:
  a Timestream whose only cost is the injected delay, so the Python stand-in's own work does not enter P1).
"""
import argparse, datetime, http.server, json, signal, struct, socketserver, sqlite3, sys, threading, time, uuid
import regex
import timestream_write_rules as rules

signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})  # the test runner may block them

ap = argparse.ArgumentParser()
ap.add_argument("--database", action="append", default=[])
ap.add_argument("--table", action="append", default=[])
ap.add_argument("--page-rows", type=int, default=1000)
ap.add_argument("--empty-first-pages", type=int, default=0)
ap.add_argument("--port", type=int, default=0)
rules.add_table_arguments(ap)
args = ap.parse_args()

LOCK = threading.Lock()
DB = sqlite3.connect(":memory:", check_same_thread=False)
# _bits keeps the exact IEEE-754 pattern: SQLite stores integral REALs as integers and would turn -0.0 into 0.
DB.execute('CREATE TABLE records (measure_name TEXT NOT NULL, time INTEGER NOT NULL, "measure_value::double" REAL, _bits INTEGER)')
DIMENSIONS = []  # dimension columns in first-seen order
TABLE = rules.table_from(args)  # what the table refuses, and its stored records' values and versions
TABLES = {(d, t) for d in args.database for t in args.table} or {("PrometheusDatabase", "PrometheusMetricsTable")}
CURSORS = {}  # NextToken -> (rows, columns, offset, empty pages left)
FAULTS = {"throttle": 0, "fail500": 0, "delay_ms": 0, "delay_calls": 0, "drop": 0, "discard_writes": False}
STATS = {"calls": {}, "in_flight": 0, "max_in_flight": 0, "connections": 0, "faults_injected": 0}


def java_to_python(pattern):
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            n = pattern[i + 1]
            if n == "z":
                out.append("\\Z"); i += 2; continue
            if n == "Q":
                end = pattern.find("\\E", i + 2)
                end = len(pattern) if end < 0 else end
                out.append(regex.escape(pattern[i + 2:end])); i = end + 2; continue
            out.append(pattern[i:i + 2]); i += 2; continue
        out.append(c); i += 1
    return "".join(out)


COMPILED = {}
def regexp_like(subject, pattern):
    if subject is None or pattern is None:
        return None
    rx = COMPILED.get(pattern)
    if rx is None:
        rx = COMPILED[pattern] = regex.compile(java_to_python(pattern), regex.V0)
    return 1 if rx.search(subject) else 0


DB.create_function("regexp_like", 2, regexp_like, deterministic=True)
DB.create_function("from_milliseconds", 1, lambda ms: ms, deterministic=True)


ServiceError = rules.Refusal


def fmt_time(ms):
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%d %H:%M:%S.") + "%09d" % (t.microsecond * 1000)


def series_condition(dims):
    """SQL matching the rows of exactly this dimension set (every other dimension column NULL)."""
    parts, params = [], []
    for name in DIMENSIONS:
        if name in dims:
            parts.append('"%s" = ?' % name.replace('"', '""')); params.append(dims[name])
        else:
            parts.append('"%s" IS NULL' % name.replace('"', '""'))
    return " AND ".join(parts), params


def write_records(body):
    key = (body.get("DatabaseName"), body.get("TableName"))
    if key not in TABLES:
        raise ServiceError(404, "ResourceNotFoundException", "The table %s does not exist." % key[1])
    accepted, rejected = TABLE.write(body)  # raises for the whole-call rules
    # One INSERT per set of dimension names, run with executemany (a call's records mostly share their names):
    # per-row statements made this stand-in, not the function, the slowest part of a 2000-sample write.
    batches = {}
    for rec in accepted:
        if rec["store"] == "same":
            continue
        dims = dict(rec["dimensions"])
        for name in dims:
            if name not in DIMENSIONS:
                DB.execute('ALTER TABLE records ADD COLUMN "%s" TEXT' % name.replace('"', '""'))
                DIMENSIONS.append(name)
        if rec["store"] == "update":  # a higher Version replaces the value
            where, params = series_condition(dims)
            DB.execute("DELETE FROM records WHERE measure_name = ? AND time = ? AND " + where, [rec["measure"], rec["ms"]] + params)
        batches.setdefault(tuple(dims), []).append([rec["measure"], rec["ms"], rec["value"], rec["bits"]] + list(dims.values()))
    for names, values in batches.items():
        columns = ["measure_name", "time", "measure_value::double", "_bits"] + list(names)
        DB.executemany("INSERT INTO records (%s) VALUES (%s)" % (", ".join('"%s"' % n.replace('"', '""') for n in columns), ", ".join("?" * len(columns))), values)
    if rejected:
        raise rules.rejected_records(rejected)
    return {"RecordsIngested": {"Total": len(accepted), "MemoryStore": len(accepted), "MagneticStore": 0}}


SQL_HEAD = regex.compile(r'^SELECT \* FROM "((?:[^"]|"")*)"\."((?:[^"]|"")*)" WHERE (.*)$', regex.S)


def quoted_identifiers(sql):
    """Double-quoted identifiers outside single-quoted literals."""
    found, i = [], 0
    while i < len(sql):
        c = sql[i]
        if c == "'":
            i += 1
            while i < len(sql):
                if sql[i] == "'" and i + 1 < len(sql) and sql[i + 1] == "'": i += 2; continue
                if sql[i] == "'": break
                i += 1
        elif c == '"':
            j, name = i + 1, []
            while j < len(sql):
                if sql[j] == '"' and j + 1 < len(sql) and sql[j + 1] == '"': name.append('"'); j += 2; continue
                if sql[j] == '"': break
                name.append(sql[j]); j += 1
            found.append("".join(name)); i = j
        i += 1
    return found


DESCRIBE_HEAD = regex.compile(r'^DESCRIBE "((?:[^"]|"")*)"\."((?:[^"]|"")*)"$', regex.S)


def describe(m):
    key = (m.group(1).replace('""', '"'), m.group(2).replace('""', '"'))
    if key not in TABLES:
        raise ServiceError(404, "ResourceNotFoundException", "The table %s does not exist." % key[1])
    rows = [[c, "varchar", "DIMENSION"] for c in DIMENSIONS] + [
        ["measure_name", "varchar", "MEASURE_NAME"], ["time", "timestamp", "TIMESTAMP"]]
    if DB.execute("SELECT 1 FROM records LIMIT 1").fetchone():
        rows.append(["measure_value::double", "double", "MEASURE_VALUE"])
    info = [{"Name": n, "Type": {"ScalarType": "VARCHAR"}} for n in ("Column", "Type", "Timestream attribute type")]
    return [{"Data": [{"ScalarValue": v} for v in row]} for row in rows], info


def run_query(sql):
    d = DESCRIBE_HEAD.match(sql)
    if d:
        return describe(d)
    m = SQL_HEAD.match(sql)
    if not m:
        raise ServiceError(400, "ValidationException", "The stand-in only runs SELECT * FROM \"db\".\"table\" WHERE ...")
    key = (m.group(1).replace('""', '"'), m.group(2).replace('""', '"'))
    if key not in TABLES:
        raise ServiceError(404, "ResourceNotFoundException", "The table %s does not exist." % key[1])
    where = m.group(3)
    for name in quoted_identifiers(where):
        if name not in DIMENSIONS:
            raise ServiceError(400, "ValidationException", "line 1:1: Column '%s' does not exist" % name)
    where = where.replace("measure_value::double", '"measure_value::double"')
    columns = DIMENSIONS + ["measure_name", "time", "_bits"]
    select = ", ".join('"%s"' % c.replace('"', '""') for c in columns)
    try:
        rows = DB.execute("SELECT %s FROM records WHERE %s" % (select, where)).fetchall()
    except (sqlite3.Error, regex.error) as e:
        raise ServiceError(400, "ValidationException", "line 1:1: %s" % e)
    info = [{"Name": c, "Type": {"ScalarType": "VARCHAR"}} for c in DIMENSIONS] + [
        {"Name": "measure_name", "Type": {"ScalarType": "VARCHAR"}},
        {"Name": "time", "Type": {"ScalarType": "TIMESTAMP"}},
        {"Name": "measure_value::double", "Type": {"ScalarType": "DOUBLE"}}]
    return FormattedRows(rows, len(DIMENSIONS)), info


class FormattedRows:
    """Result rows formatted as Timestream's JSON page by page, when a page is asked for: formatting a
    million-row result up front kept the first page longer than a Query attempt's timeout."""

    def __init__(self, rows, dimensions):
        self.rows, self.dimensions = rows, dimensions

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, window):
        out = []
        for row in self.rows[window]:
            data = [{"NullValue": True} if v is None else {"ScalarValue": v} for v in row[:self.dimensions + 1]]
            data.append({"ScalarValue": fmt_time(row[-2])})
            data.append({"ScalarValue": repr(struct.unpack("<d", struct.pack("<q", row[-1]))[0])})
            out.append({"Data": data})
        return out


def query(body):
    max_rows = int(body.get("MaxRows") or args.page_rows)
    token = body.get("NextToken")
    if token:
        if token not in CURSORS:
            raise ServiceError(400, "ValidationException", "Invalid NextToken")
        rows, info, offset, empty = CURSORS.pop(token)
    else:
        rows, info = run_query(body.get("QueryString", ""))
        offset, empty = 0, args.empty_first_pages
    qid = str(uuid.uuid4())
    if empty > 0:
        nxt = str(uuid.uuid4()); CURSORS[nxt] = (rows, info, offset, empty - 1)
        return {"QueryId": qid, "NextToken": nxt, "Rows": [], "ColumnInfo": info}
    page = rows[offset:offset + max_rows]
    resp = {"QueryId": qid, "Rows": page, "ColumnInfo": info,
            "QueryStatus": {"ProgressPercentage": 100.0, "CumulativeBytesScanned": 0, "CumulativeBytesMetered": 0}}
    if offset + max_rows < len(rows):
        nxt = str(uuid.uuid4()); CURSORS[nxt] = (rows, info, offset + max_rows, 0); resp["NextToken"] = nxt
    return resp


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else kept-alive requests wait ~40 ms for delayed ACKs

    def log_message(self, *a):
        pass

    def setup(self):
        super().setup()
        with LOCK:
            STATS["connections"] += 1

    def send_json(self, status, obj, headers=()):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for k, v in headers: self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/control":
            with LOCK: return self.send_json(200, dict(STATS, faults=dict(FAULTS), records=len(TABLE.stored)))
        if self.path == "/records":
            with LOCK:
                cols = ["measure_name", "time", "_bits"] + DIMENSIONS
                rows = DB.execute("SELECT %s FROM records" % ", ".join('"%s"' % c.replace('"', '""') for c in cols)).fetchall()
            out = []
            for r in rows:
                record = dict((c, v) for c, v in zip(cols, r) if v is not None and c != "_bits")
                record["measure_value::double"] = struct.unpack("<d", struct.pack("<q", r[2]))[0]
                record["bits"] = "%016x" % (r[2] & 0xFFFFFFFFFFFFFFFF)
                out.append(record)
            return self.send_json(200, out)
        self.send_json(404, {"message": "not found"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/control":
            with LOCK: FAULTS.update(json.loads(body or b"{}"))
            return self.send_json(200, FAULTS)
        target = (self.headers.get("X-Amz-Target") or "").rsplit(".", 1)[-1]
        auth = self.headers.get("Authorization") or ""
        if not auth.startswith("AWS4-HMAC-SHA256 Credential=") or "/timestream/aws4_request" not in auth:
            return self.send_json(403, {"__type": "com.amazonaws.timestream.v20181101#UnrecognizedClientException", "message": "Missing or malformed SigV4 Authorization."})
        with LOCK:
            STATS["calls"][target] = STATS["calls"].get(target, 0) + 1
            STATS["in_flight"] += 1
            STATS["max_in_flight"] = max(STATS["max_in_flight"], STATS["in_flight"])
            fault = None
            if target != "DescribeEndpoints":
                for name in ("drop", "throttle", "fail500"):
                    if FAULTS[name] > 0:
                        FAULTS[name] -= 1; fault = name; STATS["faults_injected"] += 1; break
                delay = FAULTS["delay_ms"] if FAULTS["delay_calls"] > 0 else 0
                if delay: FAULTS["delay_calls"] -= 1
            else:
                delay = 0
        try:
            if delay: time.sleep(delay / 1000.0)
            if fault == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if fault == "throttle":
                return self.send_json(429, {"__type": "com.amazonaws.timestream.v20181101#ThrottlingException", "message": "Rate exceeded (injected)"})
            if fault == "fail500":
                return self.send_json(500, {"__type": "com.amazonaws.timestream.v20181101#InternalServerException", "message": "Internal error (injected)"})
            if target == "WriteRecords" and FAULTS["discard_writes"]:
                return self.send_json(200, {"RecordsIngested": {"Total": 0, "MemoryStore": 0, "MagneticStore": 0}})
            request = json.loads(body or b"{}")
            try:
                with LOCK:
                    if target == "DescribeEndpoints":
                        result = {"Endpoints": [{"Address": "127.0.0.1:%d" % self.server.server_address[1], "CachePeriodInMinutes": 1440}]}
                    elif target == "WriteRecords":
                        result = write_records(request)
                    elif target == "Query":
                        result = query(request)
                    else:
                        raise ServiceError(400, "UnknownOperationException", "Unknown operation %s" % target)
                self.send_json(200, result)
            except ServiceError as e:
                payload = {"__type": "com.amazonaws.timestream.v20181101#" + e.code, "message": e.message}
                payload.update(e.extra)
                self.send_json(e.status, payload)
        finally:
            with LOCK: STATS["in_flight"] -= 1


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 128


srv = Server(("127.0.0.1", args.port), Handler)
print("READY %d" % srv.server_address[1], flush=True)
srv.serve_forever()
