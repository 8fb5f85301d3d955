"""What Amazon Timestream for LiveAnalytics refuses in WriteRecords, and how: the one implementation both stand-ins
(timestream_sql_standin.py, timestream_standin.py) apply to every call they accept records from.

A call is checked in two passes, as Timestream answers: first every record for the WHOLE-CALL rules (the first
violation fails the call with HTTP 400 ValidationException and nothing is stored), then record by record for the
PER-RECORD rules (HTTP 419 RejectedRecordsException listing {RecordIndex, Reason[, ExistingVersion]} of the refused
records; every record not listed IS stored). CommonAttributes are merged into each record first.

Sources: [W] API_WriteRecords, [R] API_Record, [D] API_Dimension, [RR] API_RejectedRecord / RejectedRecordsException,
[CA] WriteRecordsRequest.CommonAttributes, [Q] ts-limits.html (quotas and naming constraints), [IOT] IoT's
API_TimestreamDimension (naming of Timestream dimensions), [DT] writes.html data types. "docs silent" = the docs do
not say whether the call or the record is refused, or give no text: the stand-in takes the stricter plausible way.
Texts marked (shape) follow AWS's form for request-shape violations ("1 validation error detected: ...");
Timestream's exact wording for them is not documented.

| #  | Rule                                                    | Refused     | Text / shape                                          | Source |
|----|---------------------------------------------------------|-------------|-------------------------------------------------------|--------|
| 1  | Records: 1..100 per call                                | whole call  | (shape) ... at 'records' ... length ...               | [W] shape min 1 max 100 |
| 2  | a record has no dimension after the merge               | whole call  | "At least one dimension is required for a record."    | real answer, leonyork/xk6-output-timestream#257 |
| 3  | more than 128 dimensions in a record                    | whole call  | (shape) ... at 'records.N.member.dimensions' ...      | [R] shape max 128; merged count: docs silent |
| 4  | a dimension name twice in a record (incl. Common)       | whole call  | "Dimensions may not overlap: ..."                     | [CA] "or a ValidationException will be thrown"; text docs silent |
| 5  | dimension name empty or over 60 bytes                   | whole call  | (shape) ... 'records.N.member.dimensions.M.member.name' | [D] length 1..60, [Q] 60 bytes |
| 6  | dimension name `time`, `measure_name*`, `measure_value*`, `ts_*`, or with ':' | whole call | "The dimension name is invalid. ..." | [IOT], [Q]; mode: real ValidationException "The dimension name is invalid." (influxdata/telegraf#9452, 2021, which then also named an older rule: alphanumerics and '_' only, starting with a letter, not ending in '_'; today's docs name only these) |
| 7  | dimension value empty                                   | whole call  | (shape) ... at '...dimensions.M.member.value' ...     | docs silent today (older model: min 1, telegraf#8470) |
| 8  | measure name missing, empty or over 256 bytes           | whole call  | (shape) ... at 'records.N.member.measureName' ...     | [R] length 1..256, [Q] 256 bytes |
| 9  | MeasureValueType / TimeUnit not one of the enum values  | whole call  | (shape) ... Member must satisfy enum value set ...    | [R] valid values |
| 10 | MeasureValue missing, empty, over 2048 bytes, or (DOUBLE) not a plain finite decimal number | whole call | "Invalid measure value for record." | [R] length; [DT] DOUBLE; NaN/Inf cannot be written; mode and text docs silent |
| 11 | Time missing, not an integer, or before 1970 (negative) | whole call  | "Invalid time for record."                            | real ValidationException text (boto/boto3#4239; there for a time that was probably seconds read as ms, i.e. 1970: a far-out time may be refused whole too, the docs say per record: rule 17); Timestream's times start at 1970 (its SQL refuses from_milliseconds before it), so a negative one is refused the stricter way |
| 12 | Version below 1                                         | whole call  | (shape) ... at 'records.N.member.version' ...         | [R] "Version must be 1 or greater, or you will receive a ValidationException" |
| 13 | a name both a dimension and a measure name (in the call or the table) | whole call | "The name N cannot be both a dimension and a measure name in a table." | [Q] naming ("the name for a dimension can not be the same as the name for a measure"); mode and text docs silent |
| 14 | name+value of a dimension over 2 KB (2048 bytes)        | per record  | "Dimension name and value exceed 2048 bytes."        | [Q] 2 KB per pair; [RR] "exceed the Timestream defined limits"; text docs silent |
| 15 | record over 2 KB (2048 bytes): dimension names+values, measure name+value, 8 bytes of time | per record | "Record size exceeds 2048 bytes." | [Q] max record size; [RR]; how size is counted and text docs silent |
| 16 | a 129th dimension name / an 8193rd measure name in the table | per record | "... exceeds the maximum of 128 dimensions per table." | [Q] 128 / 8192 per table; [RR] |
| 17 | time older than the memory store window (magnetic writes off) or the magnetic retention (on) | per record | "Record timestamp is outside the retention period." | [RR] outside retention; text docs silent |
| 18 | time more than 15 minutes in the future                 | per record  | "Record timestamp is too far in the future."          | [Q] future ingestion period 15 min; [RR]; text docs silent |
| 19 | same dimensions, measure and time as a stored record (or an earlier one of the call), other value, Version not higher | per record | "A record already exists with the same time, dimensions, measure name, and record version. ..." + ExistingVersion | [RR]; text real (dpattmann/prometheus-timestream-adapter#87); lower version: aws/aws-sdk-pandas#2018 |

Accepted: the same record again with the same value (idempotent retry, its version is kept unless higher), and a
higher Version (upsert). Not modelled: multi-measure records (MULTI, MeasureValues), types other than DOUBLE and
units other than MILLISECONDS are refused by the stand-ins with a ValidationException naming the stand-in; the
magnetic store's asynchronous rejections (S3 error reports); table schema type conflicts.

The table's retention is a stand-in option: --memory-hours (default 8766, the most Timestream allows), --magnetic-days
(default 73000, Timestream's default) and --magnetic-writes on|off (default on), so the default table accepts every
time from 200 years ago to 15 minutes ahead.
"""
import math, re, struct, time

SHAPE = "1 validation error detected: Value at '%s' failed to satisfy constraint: %s"
DUPLICATE = ("A record already exists with the same time, dimensions, measure name, and record version. A higher record "
             "version must be specified in order to update the measure value. Specifying record version is supported by "
             "the latest SDKs.")
LOWER_VERSION = "The record version %d is lower than the existing version %d. A higher version is required to update the measure value."
MEASURE_VALUE_TYPES = {"DOUBLE", "BIGINT", "VARCHAR", "BOOLEAN", "TIMESTAMP", "MULTI"}
TIME_UNITS = {"MILLISECONDS", "SECONDS", "MICROSECONDS", "NANOSECONDS"}
INTEGER = re.compile(r"[0-9]+\Z")  # no sign: a time before 1970 is refused (rule 11)
DECIMAL = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\Z")
FUTURE_MS = 15 * 60 * 1000


class Refusal(Exception):
    """A whole-call refusal: HTTP status, error code (`__type` after '#'), message, extra members of the body."""

    def __init__(self, status, code, message, extra=None):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra or {}


def invalid(message):
    return Refusal(400, "ValidationException", message)


def utf8(text):
    return len(text.encode("utf-8"))


def reserved_measure_name(name):
    # ts-limits, System identifiers: "time", "measure_value", "ts_non_existent_col" are reserved, "column names
    # may not start with ts_ or measure_name", and "System identifiers may not be used for dimension or measure names".
    return name in ("time", "measure_value") or name.startswith(("ts_", "measure_name"))


def reserved_dimension_name(name):
    return name == "time" or name.startswith(("measure_name", "measure_value", "ts_")) or ":" in name


class Table:
    """One Timestream table: its retention, the names it has seen and its stored records' values and versions."""

    def __init__(self, memory_hours=8766, magnetic_days=73000, magnetic_writes=True, clock=time.time):
        self.memory_ms = memory_hours * 3600 * 1000
        self.magnetic_ms = magnetic_days * 86400 * 1000
        self.magnetic_writes = magnetic_writes
        self.clock = clock
        self.dimension_names, self.measure_names = set(), set()
        self.stored = {}  # (sorted dimension pairs, measure, ms) -> [value bits, version]

    def merged(self, common, record, index):
        """The record with CommonAttributes merged in, checked against the whole-call rules (1-13 but 13's table part)."""
        at = "records.%d.member" % (index + 1)
        dims = list(common.get("Dimensions") or []) + list(record.get("Dimensions") or [])
        if len(record.get("Dimensions") or []) > 128 or len(dims) > 128:
            raise invalid(SHAPE % (at + ".dimensions", "Member must have length less than or equal to 128"))
        if not dims:
            raise invalid("At least one dimension is required for a record.")
        names = set()
        for m, dim in enumerate(dims):
            name, value = dim.get("Name"), dim.get("Value")
            where = "%s.dimensions.%d.member" % (at, m + 1)
            if not isinstance(name, str) or not 1 <= utf8(name) <= 60:
                raise invalid(SHAPE % (where + ".name", "Member must have length between 1 and 60"))
            if reserved_dimension_name(name):
                raise invalid("The dimension name is invalid. Dimension name %s must not be time, measure_name or "
                              "measure_value, start with ts_, measure_name or measure_value, or contain ':'." % name)
            if not isinstance(value, str) or value == "":
                raise invalid(SHAPE % (where + ".value", "Member must have length greater than or equal to 1"))
            if name in names:
                raise invalid("Dimensions may not overlap: dimension %s appears twice in record %d (its own "
                              "Dimensions and CommonAttributes' together)." % (name, index))
            names.add(name)
        pick = lambda key, default=None: record.get(key, common.get(key, default))
        measure = pick("MeasureName")
        if not isinstance(measure, str) or not 1 <= utf8(measure) <= 256:
            raise invalid(SHAPE % (at + ".measureName", "Member must have length between 1 and 256"))
        if reserved_measure_name(measure):
            raise invalid("The measure name is invalid. Measure name %s must not be time or measure_value, or start "
                          "with ts_ or measure_name." % measure)
        vtype, unit = pick("MeasureValueType", "DOUBLE"), pick("TimeUnit", "MILLISECONDS")
        if vtype not in MEASURE_VALUE_TYPES:
            raise invalid(SHAPE % (at + ".measureValueType", "Member must satisfy enum value set: %s" % sorted(MEASURE_VALUE_TYPES)))
        if unit not in TIME_UNITS:
            raise invalid(SHAPE % (at + ".timeUnit", "Member must satisfy enum value set: %s" % sorted(TIME_UNITS)))
        if vtype != "DOUBLE" or unit != "MILLISECONDS":
            raise invalid("The stand-in stores only DOUBLE measures in MILLISECONDS (record %d)." % index)
        value = pick("MeasureValue")
        # A plain decimal number (no "nan", "inf", hex, "1_0", spaces: Python's float() would take those).
        number = float(value) if isinstance(value, str) and utf8(value) <= 2048 and DECIMAL.match(value) else math.nan
        if not math.isfinite(number):
            raise invalid("Invalid measure value for record.")
        ms = pick("Time")
        if not isinstance(ms, str) or not INTEGER.match(ms) or utf8(ms) > 256:
            raise invalid("Invalid time for record.")
        version = pick("Version", 1)
        if not isinstance(version, int) or version < 1:
            raise invalid(SHAPE % (at + ".version", "Member must have value greater than or equal to 1"))
        dims = [(d["Name"], d["Value"]) for d in dims]
        # Values compare by their IEEE-754 bits (so -0.0 differs from 0.0; docs silent), not by their text.
        return {"dimensions": dims, "measure": measure, "value_text": value, "value": number,
                "bits": struct.unpack("<q", struct.pack("<d", number))[0], "ms": int(ms),
                "version": version}

    def reason(self, rec, now_ms, dimension_names, measure_names):
        """Why a record is rejected (rules 14-18), or None."""
        for name, value in rec["dimensions"]:
            if utf8(name) + utf8(value) > 2048:
                return "Dimension name and value exceed 2048 bytes (dimension %s)." % name
        size = sum(utf8(n) + utf8(v) for n, v in rec["dimensions"]) + utf8(rec["measure"]) + utf8(rec["value_text"]) + 8
        if size > 2048:
            return "Record size exceeds 2048 bytes (%d bytes)." % size
        new = {n for n, _ in rec["dimensions"]} - dimension_names
        if len(dimension_names) + len(new) > 128:
            return "The record's dimensions exceed the maximum of 128 dimensions per table."
        if rec["measure"] not in measure_names and len(measure_names) >= 8192:
            return "The record's measure name exceeds the maximum of 8192 measure names per table."
        oldest = now_ms - (self.magnetic_ms if self.magnetic_writes else self.memory_ms)
        if rec["ms"] < oldest:
            return "Record timestamp is outside the retention period."
        if rec["ms"] > now_ms + FUTURE_MS:
            return "Record timestamp is too far in the future."
        return None

    def write(self, body):
        """Checks a WriteRecords body; stores and returns its accepted records (dicts as `merged` makes them) and
        the rejected ones ([{RecordIndex, Reason[, ExistingVersion]}]). Raises Refusal for a whole-call rule."""
        records = body.get("Records")
        if not isinstance(records, list) or not records:
            raise invalid(SHAPE % ("records", "Member must have length greater than or equal to 1"))
        if len(records) > 100:
            raise invalid(SHAPE % ("records", "Member must have length less than or equal to 100"))
        common = body.get("CommonAttributes") or {}
        merged = [self.merged(common, record, index) for index, record in enumerate(records)]
        call_dims = {n for rec in merged for n, _ in rec["dimensions"]}
        call_measures = {rec["measure"] for rec in merged}
        for name in sorted((call_dims | self.dimension_names) & (call_measures | self.measure_names)):
            raise invalid("The name %s cannot be both a dimension and a measure name in a table." % name)
        now_ms = int(self.clock() * 1000)
        dimension_names, measure_names = set(self.dimension_names), set(self.measure_names)
        accepted, rejected, pending = [], [], {}
        for index, rec in enumerate(merged):
            why = self.reason(rec, now_ms, dimension_names, measure_names)
            if why:
                rejected.append({"RecordIndex": index, "Reason": why}); continue
            key = (tuple(sorted(rec["dimensions"])), rec["measure"], rec["ms"])
            existing = pending.get(key) or self.stored.get(key)
            if existing and rec["version"] <= existing[1] and rec["bits"] != existing[0]:
                text = DUPLICATE if rec["version"] == existing[1] else LOWER_VERSION % (rec["version"], existing[1])
                rejected.append({"RecordIndex": index, "Reason": text, "ExistingVersion": existing[1]}); continue
            # Stored as new ("insert"), replacing the value ("update", a higher version), or the same value again
            # ("same": an idempotent retry; a higher version is kept).
            rec["key"], rec["store"] = key, "insert" if not existing else "same" if rec["bits"] == existing[0] else "update"
            pending[key] = [rec["bits"], max(rec["version"], existing[1] if existing else 0)]
            dimension_names.update(n for n, _ in rec["dimensions"])
            measure_names.add(rec["measure"])
            accepted.append(rec)
        self.stored.update(pending)
        self.dimension_names, self.measure_names = dimension_names, measure_names
        return accepted, rejected


def rejected_records(rejected):
    """The 419 answer for a call with rejected records."""
    return Refusal(419, "RejectedRecordsException", "One or more records have been rejected. See RejectedRecords for details.",
                   {"RejectedRecords": rejected})


def add_table_arguments(parser):
    parser.add_argument("--memory-hours", type=int, default=8766)
    parser.add_argument("--magnetic-days", type=int, default=73000)
    parser.add_argument("--magnetic-writes", choices=["on", "off"], default="on")


def table_from(args):
    return Table(args.memory_hours, args.magnetic_days, args.magnetic_writes == "on")
