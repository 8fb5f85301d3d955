"""A local stand-in for Amazon Timestream for LiveAnalytics that stores WriteRecords and EXECUTES the Query SQL
the connector generates, so reads can be tested end to end without AWS. Prints 'READY <port>' once it listens on
127.0.0.1 (port 0 = the OS picks). Usage: timestream_sql_standin.py [--database D --table T] [--page-rows N]
[--empty-first-pages N] [--port P] [--memory-hours H --magnetic-days D --magnetic-writes on|off]
[--tls-cert PEM --tls-key PEM] (HTTPS)

Speaks Timestream's JSON 1.0 protocol (X-Amz-Target: Timestream_20181101.<Op>) on one URL for both the ingest
and the query API, like moto. Operations: DescribeEndpoints, WriteRecords, Query, CancelQuery (recorded, counted
in GET /control's "cancelled"; a cancelled query's tokens keep answering, which Timestream's docs do not describe).

Where it differs from the real service (known, deliberate):
- Authentication: it requires a SigV4 Authorization header whose scope names the `timestream` service, but does
  not verify the signature (moto_server does that in the signature tests).
- SQL: only the statement shape the connector generates is supported (SELECT * FROM "db"."table" WHERE ...). It
  runs on SQLite: from_milliseconds() is the identity on integer milliseconds (a time before 1970 or after
  2262-04-11 refused, as Timestream does); regexp_like() runs Python's
  `regex` module on a translation of the Java pattern (\\z → \\Z, \\Q…\\E → escaped text), not java.util.regex.
- Query's request shape is checked as the API model constrains it (QueryString 1..262 144 characters, NextToken
  1..2048, MaxRows 1..1000; 400 ValidationException "N validation error(s) detected: ..."; a member of the wrong
  JSON type: 400 SerializationException, docs silent). Without MaxRows a page has --page-rows rows (not 1 MB).
- NextToken as API_query_Query documents it: a token serves up to five Query invocations or one hour, whichever
  comes first, each returning the same page (and the same next token); the QueryString sent with it must be the
  first call's; using the next token invalidates the one it came from. Otherwise 400 ValidationException
  "Invalid NextToken". Not checked: that the caller is the query initiator's IAM principal.
- GET /records lists every stored record (value and its exact IEEE-754 bits in hex).
- Values come back as Python's shortest repr ('1e-09'), times as 'YYYY-MM-DD HH:MM:SS.nnnnnnnnn' (UTC) like
  Timestream; columns in Timestream's order (dimensions, measure_name, time, measure_value::double).
- DESCRIBE "db"."table" answers Timestream's three columns (Column, Type, Timestream attribute type), one row
  per column: the dimensions seen so far (varchar, DIMENSION), measure_name, time, and measure_value::double once
  a record is stored (a table without records lists only measure_name and time here).
- Missing columns give Timestream's ValidationException text "Column 'x' does not exist"; SQLite's habit of
  reading unknown "identifiers" as strings is blocked by checking every quoted identifier first.
- Names are case-sensitive, as in Timestream: SQLite's column names are not, so each dimension is stored in a
  column of its own numbered name (dimension `Time` beside the `time` column, `Host` beside `host`), and the
  quoted identifiers of a query are rewritten to those names.
- WriteRecords refuses what Timestream refuses, the same way (whole call: 400 ValidationException, nothing stored;
  per record: 419 RejectedRecordsException, the other records stored): the rules, their sources and where the docs
  are silent are tabled in timestream_write_rules.py (shared with timestream_standin.py). The table's retention is
  set by --memory-hours/--magnetic-days/--magnetic-writes (default: 200 years back to 15 minutes ahead accepted).
  All --database/--table names share one store. Only DOUBLE / MILLISECONDS records are stored.
- Faults for tests: POST /control {"throttle": n, "fail500": n, "delay_ms": ms, "drop": n, "delay_calls": n}
  makes the next n data calls fail with ThrottlingException (429) / InternalServerException (500), be delayed, or
  have their connection closed without an answer. GET /control returns call counters, max concurrency and
  "resent": records accepted again unchanged (Timestream ignores an identical record; the count shows a client
  that sent some twice, which the store itself cannot show).
  {"discard_writes": true} answers every WriteRecords with success without parsing or storing it (scripts/bench:
  a Timestream whose only cost is the injected delay, so the Python stand-in's own work does not enter P1).
  {"record_calls": true} keeps, for every data call, its access key id and the CLOCK_MONOTONIC times at which its
  handler started and finished answering; GET /calls returns them and forgets them (scripts/bench-standalone: the
  stand-in's own service time per connector request, measured in the same run).
"""
import argparse, http.server, json, signal, struct, socketserver, sqlite3, threading, time, uuid
import regex
import timestream_query_rules as query_rules
import timestream_write_rules as rules

signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})  # the test runner may block them

ap = argparse.ArgumentParser()
ap.add_argument("--database", action="append", default=[])
ap.add_argument("--table", action="append", default=[])
ap.add_argument("--page-rows", type=int, default=1000)
ap.add_argument("--empty-first-pages", type=int, default=0)
ap.add_argument("--port", type=int, default=0)
ap.add_argument("--tls-cert")
ap.add_argument("--tls-key")
rules.add_table_arguments(ap)
args = ap.parse_args()

LOCK = threading.Lock()
DB = sqlite3.connect(":memory:", check_same_thread=False)
# _bits keeps the exact IEEE-754 pattern: SQLite stores integral REALs as integers and would turn -0.0 into 0.
DB.execute('CREATE TABLE records (measure_name TEXT NOT NULL, time INTEGER NOT NULL, "measure_value::double" REAL, _bits INTEGER)')
DIMENSIONS = []  # dimension names in first-seen order; dimension i is stored in SQLite column "_d<i>"
COLUMNS = {}  # dimension name -> its quoted SQLite column
TABLE = rules.table_from(args)  # what the table refuses, and its stored records' values and versions
TABLES = {(d, t) for d in args.database for t in args.table} or {("PrometheusDatabase", "PrometheusMetricsTable")}
QUERIES = query_rules.Queries(args.page_rows, args.empty_first_pages)  # paging by NextToken, cancellations
FAULTS = {"throttle": 0, "fail500": 0, "delay_ms": 0, "delay_calls": 0, "drop": 0, "discard_writes": False,
          "record_calls": False}
CALLS = []  # [access key id, started, finished] per data call while FAULTS["record_calls"]
STATS = {"calls": {}, "in_flight": 0, "max_in_flight": 0, "connections": 0, "faults_injected": 0, "cancelled": 0,
         "resent": 0}


DB.create_function("regexp_like", 2, query_rules.regexp_like, deterministic=True)
DB.create_function("from_milliseconds", 1, query_rules.from_milliseconds, deterministic=True)

ServiceError = rules.Refusal


def series_condition(dims):
    """SQL matching the rows of exactly this dimension set (every other dimension column NULL)."""
    parts, params = [], []
    for name in DIMENSIONS:
        if name in dims:
            parts.append(COLUMNS[name] + ' = ?'); params.append(dims[name])
        else:
            parts.append(COLUMNS[name] + ' IS NULL')
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
            STATS["resent"] += 1
            continue
        dims = dict(rec["dimensions"])
        for name in dims:
            if name not in COLUMNS:
                COLUMNS[name] = '"_d%d"' % len(DIMENSIONS)
                DB.execute('ALTER TABLE records ADD COLUMN %s TEXT' % COLUMNS[name])
                DIMENSIONS.append(name)
        if rec["store"] == "update":  # a higher Version replaces the value
            where, params = series_condition(dims)
            DB.execute("DELETE FROM records WHERE measure_name = ? AND time = ? AND " + where, [rec["measure"], rec["ms"]] + params)
        batches.setdefault(tuple(dims), []).append([rec["measure"], rec["ms"], rec["value"], rec["bits"]] + list(dims.values()))
    for names, values in batches.items():
        columns = ['measure_name', 'time', '"measure_value::double"', '_bits'] + [COLUMNS[n] for n in names]
        DB.executemany("INSERT INTO records (%s) VALUES (%s)" % (", ".join(columns), ", ".join("?" * len(columns))), values)
    if rejected:
        raise rules.rejected_records(rejected)
    return {"RecordsIngested": {"Total": len(accepted), "MemoryStore": len(accepted), "MagneticStore": 0}}


SQL_HEAD = regex.compile(r'^SELECT \* FROM "((?:[^"]|"")*)"\."((?:[^"]|"")*)" WHERE (.*)$', regex.S)


def sqlite_where(sql):
    """A WHERE clause in SQLite's terms: each double-quoted identifier outside single-quoted literals becomes its
    dimension's column (Timestream's "Column 'x' does not exist" when there is none), and measure_value::double is
    quoted."""
    out, i = [], 0
    while i < len(sql):
        c = sql[i]
        if c == "'":
            j = i + 1
            while j < len(sql):
                if sql[j] == "'" and j + 1 < len(sql) and sql[j + 1] == "'": j += 2; continue
                if sql[j] == "'": break
                j += 1
            out.append(sql[i:j + 1]); i = j + 1
        elif c == '"':
            j, name = i + 1, []
            while j < len(sql):
                if sql[j] == '"' and j + 1 < len(sql) and sql[j + 1] == '"': name.append('"'); j += 2; continue
                if sql[j] == '"': break
                name.append(sql[j]); j += 1
            name = "".join(name)
            if name not in COLUMNS:
                raise ServiceError(400, "ValidationException", "line 1:1: Column '%s' does not exist" % name)
            out.append(COLUMNS[name]); i = j + 1
        elif sql.startswith("measure_value::double", i):
            out.append('"measure_value::double"'); i += len("measure_value::double")
        else:
            out.append(c); i += 1
    return "".join(out)


DESCRIBE_HEAD = regex.compile(r'^DESCRIBE "((?:[^"]|"")*)"\."((?:[^"]|"")*)"$', regex.S)


def check_table_for_query(key, m):
    """Query answers a missing database or table with ValidationException naming it (real: "Requested database
    'abc' not found for identifier 'abc.sampleDB' at line 1:36", aws/aws-sdk-pandas#1036; the table's wording is
    assumed the same), not with WriteRecords' ResourceNotFoundException (not in Query's error list)."""
    if key in TABLES:
        return
    what = "table" if any(database == key[0] for database, _ in TABLES) else "database"
    raise ServiceError(400, "ValidationException", "Requested %s '%s' not found for identifier '%s.%s' at line 1:%d"
                       % (what, key[1] if what == "table" else key[0], key[0], key[1], m.start(1)))


def describe(m):
    key = (m.group(1).replace('""', '"'), m.group(2).replace('""', '"'))
    check_table_for_query(key, m)
    rows = [[c, "varchar", "DIMENSION"] for c in DIMENSIONS] + [
        ["measure_name", "varchar", "MEASURE_NAME"], ["time", "timestamp", "TIMESTAMP"]]
    if DB.execute("SELECT 1 FROM records LIMIT 1").fetchone():
        rows.append(["measure_value::double", "double", "MEASURE_VALUE"])
    info = [{"Name": n, "Type": {"ScalarType": "VARCHAR"}} for n in ("Column", "Type", "Timestream attribute type")]
    return [{"Data": [{"ScalarValue": v} for v in row]} for row in rows], info, lambda row: row


def run_query(sql):
    d = DESCRIBE_HEAD.match(sql)
    if d:
        return describe(d)
    m = SQL_HEAD.match(sql)
    if not m:
        raise ServiceError(400, "ValidationException", "The stand-in only runs SELECT * FROM \"db\".\"table\" WHERE ...")
    key = (m.group(1).replace('""', '"'), m.group(2).replace('""', '"'))
    check_table_for_query(key, m)
    where = sqlite_where(m.group(3))
    select = ", ".join([COLUMNS[n] for n in DIMENSIONS] + ["measure_name", "time", "_bits"])
    try:
        rows = DB.execute("SELECT %s FROM records WHERE %s" % (select, where)).fetchall()
    except (sqlite3.Error, regex.error) as e:
        raise ServiceError(400, "ValidationException", "line 1:1: %s" % e)
    info = [{"Name": c, "Type": {"ScalarType": "VARCHAR"}} for c in DIMENSIONS] + [
        {"Name": "measure_name", "Type": {"ScalarType": "VARCHAR"}},
        {"Name": "time", "Type": {"ScalarType": "TIMESTAMP"}},
        {"Name": "measure_value::double", "Type": {"ScalarType": "DOUBLE"}}]
    return rows, info, result_row  # rows become Timestream's JSON page by page: a large result's first page is quick


def result_row(row):
    """One SQLite row (dimensions, measure_name, time, _bits) as a Timestream Row."""
    data = [{"NullValue": True} if v is None else {"ScalarValue": v} for v in row[:-2]]
    data.append({"ScalarValue": query_rules.fmt_time(row[-2])})
    data.append({"ScalarValue": repr(struct.unpack("<d", struct.pack("<q", row[-1]))[0])})
    return {"Data": data}


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
        if self.path == "/calls":
            with LOCK:
                calls = CALLS[:]; CALLS.clear()
            return self.send_json(200, calls)
        if self.path == "/records":
            with LOCK:
                cols = ["measure_name", "time", "_bits"] + DIMENSIONS
                rows = DB.execute("SELECT %s FROM records" % ", ".join(cols[:3] + [COLUMNS[n] for n in DIMENSIONS])).fetchall()
            out = []
            for r in rows:
                record = dict((c, v) for c, v in zip(cols, r) if v is not None and c != "_bits")
                record["measure_value::double"] = struct.unpack("<d", struct.pack("<q", r[2]))[0]
                record["bits"] = "%016x" % (r[2] & 0xFFFFFFFFFFFFFFFF)
                out.append(record)
            return self.send_json(200, out)
        self.send_json(404, {"message": "not found"})

    def do_POST(self):
        started = time.monotonic()
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
                        result = QUERIES.query(request, run_query)
                    elif target == "CancelQuery":
                        result = QUERIES.cancel(request)
                        STATS["cancelled"] = len(QUERIES.cancelled)
                    else:
                        raise ServiceError(400, "UnknownOperationException", "Unknown operation %s" % target)
                self.send_json(200, result)
            except ServiceError as e:
                payload = {"__type": "com.amazonaws.timestream.v20181101#" + e.code, "message": e.message}
                payload.update(e.extra)
                self.send_json(e.status, payload)
        finally:
            finished = time.monotonic()
            with LOCK:
                STATS["in_flight"] -= 1
                if FAULTS["record_calls"]:
                    CALLS.append([auth.split("Credential=", 1)[1].split("/", 1)[0], started, finished])


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 128


srv = Server(("127.0.0.1", args.port), Handler)
if args.tls_cert:  # HTTPS with this certificate (a private CA's endpoint: the connector's AWS_CA_BUNDLE)
    import ssl
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(args.tls_cert, args.tls_key)
    srv.socket = tls.wrap_socket(srv.socket, server_side=True)
print("READY %d" % srv.server_address[1], flush=True)
srv.serve_forever()
