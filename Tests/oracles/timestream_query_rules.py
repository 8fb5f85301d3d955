"""What Timestream's Query API refuses and how it pages, for timestream_sql_standin.py (which runs the SQL):
the request shape as the API model constrains it, NextToken as API_query_Query documents it, CancelQuery, and the
SQL functions the connector's queries call (regexp_like, from_milliseconds) as SQLite functions.
The stand-in's module docstring lists where this differs from the real service."""
import datetime, re, time, uuid
import regex
from timestream_write_rules import Refusal

# QueryString's length limit (the Query API's model, as botocore ships it: QueryString min 1, max 262144).
MAX_QUERY_STRING = 262_144
TOKEN_USES, TOKEN_LIFETIME_S = 5, 3600.0  # API_query_Query NextToken: "up to five Query invocations, OR ... 1 hour"


def java_to_python(pattern):
    """A Java regex as Python's `regex` reads it: \\z → \\Z, \\Q…\\E → the text escaped; the rest as it is."""
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


COMPILED = {}  # pattern -> compiled


def regexp_like(subject, pattern):
    """Timestream's regexp_like(subject, pattern): whether the pattern matches anywhere in the subject."""
    if subject is None or pattern is None:
        return None
    rx = COMPILED.get(pattern)
    if rx is None:
        rx = COMPILED[pattern] = regex.compile(java_to_python(pattern), regex.V0)
    return 1 if rx.search(subject) else 0


# Timestream's TIMESTAMP runs from 1677-09-21 to 2262-04-11 23:47:16.854775807 (nanoseconds in a signed 64-bit
# integer; supported-data-types.html) and "does not support negative time values. Any operation resulting in
# negative time results in error" (date-time-functions.html): both refused here as a ValidationException.
MAX_TIMESTAMP_MS = (2**63 - 1) // 1_000_000


def from_milliseconds(ms):
    if ms < 0 or ms > MAX_TIMESTAMP_MS:
        raise ValueError("from_milliseconds(%d): the time is outside Timestream's supported range" % ms)
    return ms


def fmt_time(ms):
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%d %H:%M:%S.") + "%09d" % (t.microsecond * 1000)


def check_query_request(body):
    """Query's request shape as the API model (botocore's timestream-query service-2.json) constrains it: QueryString
    required, length 1..262144; NextToken length 1..2048; MaxRows 1..1000. Every violation is listed, in AWS's form
    for shape violations (the value left out, as the stand-ins' other shape texts do)."""
    types = {"QueryString": str, "NextToken": str, "MaxRows": int}
    for name, kind in types.items():
        value = body.get(name)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            raise Refusal(400, "SerializationException", "%s is not a JSON %s" % (name, "string" if kind is str else "integer"))
    errors = []
    sql, token, max_rows = body.get("QueryString"), body.get("NextToken"), body.get("MaxRows")
    if sql is None:
        errors.append(("queryString", "Member must not be null"))
    elif not 1 <= len(sql) <= MAX_QUERY_STRING:
        errors.append(("queryString", "Member must have length greater than or equal to 1" if not sql else
                       "Member must have length less than or equal to %d" % MAX_QUERY_STRING))
    if token is not None and not 1 <= len(token) <= 2048:
        errors.append(("nextToken", "Member must have length greater than or equal to 1" if not token else
                       "Member must have length less than or equal to 2048"))
    if max_rows is not None and not 1 <= max_rows <= 1000:
        errors.append(("maxRows", "Member must have value greater than or equal to 1" if max_rows < 1 else
                       "Member must have value less than or equal to 1000"))
    if errors:
        raise Refusal(400, "ValidationException", "%d validation error%s detected: %s" % (
            len(errors), "" if len(errors) == 1 else "s",
            "; ".join("Value at '%s' failed to satisfy constraint: %s" % e for e in errors)))


class Queries:
    """The queries a stand-in has answered: the cursors behind their NextTokens and the cancelled QueryIds. Not
    thread-safe: the stand-in calls it under its lock."""

    def __init__(self, page_rows, empty_first_pages):
        self.page_rows, self.empty_first_pages = page_rows, empty_first_pages
        self.cursors = {}  # NextToken -> {query, rows, info, convert, offset, empty (pages left), born, uses, parent, children, qid}
        self.cancelled = set()  # QueryIds CancelQuery was called for

    def cancel(self, body):
        """API_query_CancelQuery: QueryId required, 1..64 characters of [a-zA-Z0-9]; the first cancellation answers
        {}, a repeated one a CancellationMessage. The query's tokens keep working (what Timestream answers for them
        is not documented)."""
        qid = body.get("QueryId")
        if not isinstance(qid, str) or not re.fullmatch(r"[a-zA-Z0-9]{1,64}", qid):
            raise Refusal(400, "ValidationException", "1 validation error detected: Value at 'queryId' failed to "
                          "satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9]+")
        if qid in self.cancelled:
            return {"CancellationMessage": "Query %s has already been cancelled." % qid}
        self.cancelled.add(qid)
        return {}

    def query(self, body, run_query):
        """One Query call: a new query runs `run_query(sql)` → (rows, column info, row → Timestream Row) and answers
        its first page; a NextToken answers the page it stands for."""
        check_query_request(body)
        sql, token = body["QueryString"], body.get("NextToken")
        max_rows = self.page_rows if body.get("MaxRows") is None else body["MaxRows"]
        now, cursors = time.monotonic(), self.cursors
        for old in [t for t, c in cursors.items() if now - c["born"] >= TOKEN_LIFETIME_S]:
            del cursors[old]
        if token is not None:
            cursor = cursors.get(token)
            # Unknown, past its hour or its fifth use, invalidated by its successor, or sent with another QueryString.
            if cursor is None or cursor["query"] != sql:
                raise Refusal(400, "ValidationException", "Invalid NextToken")
            cursor["uses"] += 1
            if cursor["uses"] >= TOKEN_USES:
                del cursors[token]
            cursors.pop(cursor["parent"], None)  # "If TokenB is used ..., then TokenA is invalidated"
            rows, info, convert, offset, empty = (cursor[k] for k in ("rows", "info", "convert", "offset", "empty"))
            qid = cursor["qid"]
        else:
            cursor = None
            rows, info, convert = run_query(sql)
            offset, empty = 0, self.empty_first_pages
            qid = uuid.uuid4().hex  # API_query_Query: QueryId, [a-zA-Z0-9]+, the same on every page of the query

        def next_token(next_offset, next_empty):
            """The token of the page after this one: the same one again when this token is used again."""
            key = (next_offset, next_empty)
            known = cursor["children"].get(key) if cursor else None
            if known in cursors:
                return known
            nxt = str(uuid.uuid4())
            cursors[nxt] = {"query": sql, "rows": rows, "info": info, "convert": convert, "offset": next_offset,
                            "empty": next_empty, "born": now, "uses": 0, "parent": token, "children": {}, "qid": qid}
            if cursor:
                cursor["children"][key] = nxt
            return nxt

        if empty > 0:
            return {"QueryId": qid, "NextToken": next_token(offset, empty - 1), "Rows": [], "ColumnInfo": info}
        page = [convert(row) for row in rows[offset:offset + max_rows]]
        resp = {"QueryId": qid, "Rows": page, "ColumnInfo": info,
                "QueryStatus": {"ProgressPercentage": 100.0, "CumulativeBytesScanned": 0, "CumulativeBytesMetered": 0}}
        if offset + max_rows < len(rows):
            resp["NextToken"] = next_token(offset + max_rows, 0)
        elif cursor is not None and token in cursors:
            # The last page: its token (reusable for the hour) keeps only the rows it can still answer with.
            cursor["rows"], cursor["offset"] = rows[offset:], 0
        return resp
