"""SigV4 oracle: signs requests with botocore's SigV4Auth at a fixed time (no patching, public methods only).
stdin: JSON list of {method, url, headers: [[name, value]], body_b64, akid, secret, token|null, amz_date, region,
service}. stdout: JSON list of {headers: [[name, value]], canonical_request, string_to_sign}."""
import base64, json, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(case):
    body = base64.b64decode(case["body_b64"])
    req = AWSRequest(method=case["method"], url=case["url"], data=body, headers=dict(case["headers"]))
    amz_date = case["amz_date"]
    req.context["timestamp"] = amz_date
    req.headers["X-Amz-Date"] = amz_date
    if case.get("token"):
        req.headers["X-Amz-Security-Token"] = case["token"]
    auth = SigV4Auth(Credentials(case["akid"], case["secret"], case.get("token")), case["service"], case["region"])
    creq = auth.canonical_request(req)
    sts = auth.string_to_sign(req, creq)
    sig = auth.signature(sts, req)
    req.headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={auth.scope(req)}, "
        f"SignedHeaders={auth.signed_headers(auth.headers_to_sign(req))}, Signature={sig}")
    return {"headers": [[k, v] for k, v in req.headers.items()], "canonical_request": creq, "string_to_sign": sts}


json.dump([sign(c) for c in json.load(sys.stdin)], sys.stdout)
