"""JSON oracle: stdin is a JSON document produced by the Swift encoder; it must parse with Python's strict json
module. stdout: the same document re-serialized canonically (sorted keys, ASCII escapes) for comparison."""
import json, sys

data = sys.stdin.buffer.read()
doc = json.loads(data.decode("utf-8"), strict=True)
sys.stdout.write(json.dumps(doc, sort_keys=True, ensure_ascii=True, separators=(",", ":")))
