"""Validates CloudWatch Embedded Metric Format documents, one JSON object per stdin line, against the EMF
specification (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
the published structure as a JSON schema, plus the rules the schema cannot say (every dimension and metric named
in a directive is a root member of the right type). Prints "ok N" or the first problem, and exits non-zero on one."""
import json, sys
import jsonschema

UNITS = ["Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
         "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
         "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
         "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None"]
SCHEMA = {
    "type": "object", "required": ["_aws"],
    "properties": {"_aws": {
        "type": "object", "required": ["Timestamp", "CloudWatchMetrics"],
        "properties": {
            "Timestamp": {"type": "integer", "minimum": 0},
            "CloudWatchMetrics": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["Namespace", "Dimensions", "Metrics"],
                "properties": {
                    "Namespace": {"type": "string", "minLength": 1, "maxLength": 1024},
                    "Dimensions": {"type": "array", "items": {
                        "type": "array", "maxItems": 30, "items": {"type": "string", "minLength": 1, "maxLength": 250}}},
                    "Metrics": {"type": "array", "maxItems": 100, "items": {
                        "type": "object", "required": ["Name"],
                        "properties": {"Name": {"type": "string", "minLength": 1, "maxLength": 1024},
                                       "Unit": {"enum": UNITS},
                                       "StorageResolution": {"enum": [1, 60]}}}}}}}}}}}

count = 0
for line in sys.stdin.read().splitlines():
    if not line.strip():
        continue
    doc = json.loads(line)
    jsonschema.validate(doc, SCHEMA)
    for directive in doc["_aws"]["CloudWatchMetrics"]:
        for dimension_set in directive["Dimensions"]:
            for name in dimension_set:
                if not isinstance(doc.get(name), str):
                    sys.exit("dimension %r is not a string member of the root" % name)
        names = [m["Name"] for m in directive["Metrics"]]
        if len(set(names)) != len(names):
            sys.exit("duplicate metric names in %r" % names)
        for name in names:
            value = doc.get(name)
            if isinstance(value, bool) or not isinstance(value, (int, float, list)):
                sys.exit("metric %r has no numeric root member" % name)
    count += 1
print("ok %d" % count)
