"""The AWS partition of each region, from botocore's endpoints.json (the partition table every AWS SDK ships).
stdin: JSON ["region", …]. Prints JSON [{"partition": name, "dnsSuffix": suffix, "timestream": bool}] in order:
the partition whose explicit region list or regionRegex matches (as botocore's resolver picks it, "aws" when
none does), and whether that partition lists an ingest.timestream endpoint for the region."""
import json, os, re, sys
import botocore

with open(os.path.join(os.path.dirname(botocore.__file__), "data", "endpoints.json")) as f:
    partitions = json.load(f)["partitions"]


def partition_of(region):
    for p in partitions:
        if region in p.get("regions", {}):
            return p
    for p in partitions:
        if re.match(p["regionRegex"], region):
            return p
    return next(p for p in partitions if p["partition"] == "aws")


out = []
for region in json.load(sys.stdin):
    p = partition_of(region)
    ingest = p["services"].get("ingest.timestream", {}).get("endpoints", {})
    out.append({"partition": p["partition"], "dnsSuffix": p["dnsSuffix"], "timestream": region in ingest})
json.dump(out, sys.stdout)
