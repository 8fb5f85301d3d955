"""Independent checks for LambdaRuntimeTests, using Python's strict json and base64 modules.

  lambda_json_oracle.py echo              stdin: JSON text -> the same value, re-dumped (sorted keys, ASCII);
                                          fails on invalid JSON (json.loads rejects raw control characters)
  lambda_json_oracle.py response          stdin: an API Gateway proxy response -> {"keys", "statusCode",
                                          "headers", "multiValueHeaders", "isBase64Encoded", "bodyHex"} where
                                          bodyHex is the hex of the bytes API Gateway would send to the client
  lambda_json_oracle.py event-body FILE   -> hex of the body bytes an API Gateway event FILE carries
  lambda_json_oracle.py b64encode         stdin bytes -> base64 text
  lambda_json_oracle.py b64decode         stdin base64 text -> hex of the decoded bytes (validate=True)
"""
import base64, binascii, json, sys

mode = sys.argv[1]
data = sys.stdin.buffer.read()
if mode == "echo":
    print(json.dumps(json.loads(data.decode("utf-8")), sort_keys=True))
elif mode == "response":
    r = json.loads(data.decode("utf-8"))
    body = r.get("body") or ""
    raw = base64.b64decode(body, validate=True) if r.get("isBase64Encoded") else body.encode("utf-8")
    print(json.dumps({"keys": sorted(r.keys()), "statusCode": r["statusCode"], "headers": r.get("headers"),
                      "multiValueHeaders": r.get("multiValueHeaders"), "isBase64Encoded": r.get("isBase64Encoded"),
                      "bodyHex": raw.hex()}))
elif mode == "event-body":
    with open(sys.argv[2], "rb") as f:
        e = json.load(f)
    body = e.get("body") or ""
    raw = base64.b64decode(body, validate=True) if e.get("isBase64Encoded") else body.encode("utf-8")
    print(raw.hex())
elif mode == "b64encode":
    sys.stdout.write(base64.b64encode(data).decode())
elif mode == "b64decode":
    try:
        sys.stdout.write(base64.b64decode(data, validate=True).hex())
    except binascii.Error:
        sys.stdout.write("invalid")
else:
    sys.exit("unknown mode " + mode)
