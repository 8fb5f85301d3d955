"""Query-response oracle for the Swift Query page reader: stdin is {"strings": [...], "ascii": bool}; stdout is a
Timestream Query response (as Python's json module writes it: \\u escapes incl. surrogate pairs when ascii, raw UTF-8
otherwise) with one row per string, plus members the reader must skip (QueryStatus with numbers, nested arrays)."""
import json, sys

spec = json.load(sys.stdin)
rows = [{"Data": [{"ScalarValue": s}, {"NullValue": True}, {"ArrayValue": [{"ScalarValue": "1"}, {"NullValue": True}]},
                  {"ScalarValue": "%r" % (i * 1.5e-9)}]} for i, s in enumerate(spec["strings"])]
doc = {"QueryId": "AEBQEANLMI", "Rows": rows,
       "ColumnInfo": [{"Name": "label\u00e9", "Type": {"ScalarType": "VARCHAR"}}, {"Name": "n", "Type": {"ScalarType": "VARCHAR"}},
                      {"Name": "a", "Type": {"ArrayColumnInfo": {"Type": {"ScalarType": "BIGINT"}}}},
                      {"Name": "measure_value::double", "Type": {"ScalarType": "DOUBLE"}}],
       "QueryStatus": {"ProgressPercentage": 100.0, "CumulativeBytesScanned": 1234567, "CumulativeBytesMetered": -1e-3,
                       "Nested": [[], {}, [True, False, None]]},
       "NextToken": ""}
sys.stdout.buffer.write(json.dumps(doc, ensure_ascii=spec["ascii"], indent=1 if spec["ascii"] else None).encode("utf-8"))
