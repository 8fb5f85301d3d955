"""Stand-ins for the two HTTP credential sources of the AWS credential chain, on one port:

- EC2 instance metadata, IMDSv2 only (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html):
  PUT /latest/api/token needs X-aws-ec2-metadata-token-ttl-seconds in 1..21600 (else 400; "a minimum of one
  second and a maximum of six hours", instance-metadata-v2-how-it-works.html): a decimal integer of ASCII digits
  only, no sign, '_', inner or non-ASCII space or non-ASCII digit (Python's int() takes "+5", "1_0", "٥");
  leading zeros are accepted ("05" is 5: the docs are silent, and common integer parsers read it so). Spaces and tabs
  around the value are not part of it (RFC 9110 5.5), as for any header. Refuses a request with
  X-Forwarded-For (403), and answers the token with the granted TTL in the same header. Every GET under /latest/
  needs a current X-aws-ec2-metadata-token: missing, unknown or past its TTL -> 401 (an instance that requires v2).
  GET /latest/meta-data/iam/security-credentials/ -> the role name; .../<role> -> {"Code": "Success",
  "LastUpdated", "Type": "AWS-HMAC", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"}; other role -> 404.
- The container credentials endpoint (ECS task role / EKS Pod Identity agent,
  https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html): GET /v2/credentials/<id>
  with `Authorization: <token>` when the stand-in was given one (missing -> 401, wrong -> 403) ->
  {"AccessKeyId", "SecretAccessKey", "Token", "Expiration", "RoleArn"}.

Where it differs from the real services: every credentials answer mints NEW keys (the real ones hand out the same
keys until about 5-15 minutes before they expire), so each refresh is visible as a rotation; keys are random, not
AWS-shaped beyond their ASIA prefix; the token TTL is measured on this process's clock, which /_settings can
shift; the ECS agent's and EKS agent's exact 4xx statuses for a bad token are not documented (401/403 chosen here);
no IMDSv1, no hop limit, no other metadata paths.

Usage: credential_endpoints_standin.py [CONTAINER_AUTH_TOKEN]    prints "READY <port>"
Control (not in the real services):
  GET  /_issued     every key minted: [{"AccessKeyId", "SecretAccessKey", "Token", "Expiration" (epoch s)}]
                    (timestream_standin.py issuer=<this URL> accepts exactly these)
  POST /_settings   {"lifetime_seconds": N (default 3600), "fail": bool (answer 500), "expire_tokens": true
                    (every IMDS token issued so far becomes stale)}
  GET  /_requests   [{"method", "path", "token_header"}]: what the connector asked
"""
import json, re, secrets, signal, sys, threading, time, http.server
from datetime import datetime, timezone

signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT, signal.SIGHUP})

CONTAINER_TOKEN = sys.argv[1] if len(sys.argv) > 1 else None
ROLE = "prometheus-connector"
LOCK = threading.Lock()
ISSUED, REQUESTS, IMDS_TOKENS = [], [], {}
SETTINGS = {"lifetime_seconds": 3600, "fail": False}
TTL_TEXT = re.compile(r"[0-9]+", re.ASCII)  # the token TTL header: ASCII digits only


def iso(epoch):
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def mint():
    with LOCK:
        key = {"AccessKeyId": "ASIASTANDIN%08d" % len(ISSUED), "SecretAccessKey": secrets.token_urlsafe(30),
               "Token": secrets.token_urlsafe(90), "Expiration": int(time.time()) + SETTINGS["lifetime_seconds"]}
        ISSUED.append(key)
    return {**key, "Expiration": iso(key["Expiration"])}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=None, content_type="text/plain"):
        data = body if isinstance(body, bytes) else (body.encode() if isinstance(body, str) else json.dumps(body).encode())
        self.send_response(status)
        self.send_header("Content-Type", content_type if not isinstance(body, (dict, list)) else "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def record(self):
        with LOCK:
            REQUESTS.append({"method": self.command, "path": self.path,
                             "token_header": self.headers.get("X-aws-ec2-metadata-token")})

    def do_PUT(self):
        self.body()
        self.record()
        if self.path != "/latest/api/token":
            return self.reply(404)
        if self.headers.get("X-Forwarded-For"):
            return self.reply(403)
        text = (self.headers.get("X-aws-ec2-metadata-token-ttl-seconds") or "").strip(" \t")
        digits = text.lstrip("0")
        if not TTL_TEXT.fullmatch(text) or len(digits) > 5 or not 1 <= int(digits or "0") <= 21600:
            return self.reply(400)
        ttl = int(digits)
        token = secrets.token_urlsafe(40)
        with LOCK:
            IMDS_TOKENS[token] = time.time() + ttl
        self.reply(200, token, {"X-aws-ec2-metadata-token-ttl-seconds": str(ttl)})

    def do_POST(self):
        if self.path != "/_settings":
            self.body()
            return self.reply(405)
        doc = json.loads(self.body() or b"{}")
        with LOCK:
            if doc.pop("expire_tokens", False):
                IMDS_TOKENS.clear()
            SETTINGS.update(doc)
        self.reply(200, {"ok": True})

    def do_GET(self):
        if self.path == "/_issued":
            with LOCK:
                return self.reply(200, list(ISSUED))
        if self.path == "/_requests":
            with LOCK:
                return self.reply(200, list(REQUESTS))
        self.record()
        if self.path.startswith("/latest/"):
            return self.imds()
        if self.path.startswith("/v2/credentials/"):
            return self.container()
        self.reply(404)

    def imds(self):
        token = self.headers.get("X-aws-ec2-metadata-token")
        with LOCK:
            expires = IMDS_TOKENS.get(token)
        if token is None or expires is None or time.time() >= expires:
            return self.reply(401)
        prefix = "/latest/meta-data/iam/security-credentials/"
        if self.path == prefix:
            return self.reply(200, ROLE)
        if self.path == prefix + ROLE:
            if SETTINGS["fail"]:
                return self.reply(500)
            key = mint()
            return self.reply(200, {"Code": "Success", "LastUpdated": iso(time.time()), "Type": "AWS-HMAC", **key})
        self.reply(404)

    def container(self):
        if CONTAINER_TOKEN is not None:
            given = self.headers.get("Authorization")
            if given is None:
                return self.reply(401, {"message": "missing authorization token"})
            if given != CONTAINER_TOKEN:
                return self.reply(403, {"message": "invalid authorization token"})
        if SETTINGS["fail"]:
            return self.reply(500, {"message": "agent unavailable"})
        self.reply(200, {**mint(), "RoleArn": "arn:aws:iam::123456789012:role/" + ROLE})


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"READY {server.server_address[1]}", flush=True)
server.serve_forever()
