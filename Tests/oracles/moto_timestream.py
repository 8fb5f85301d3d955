"""moto_server for Timestream with SigV4 verification ON, for the Swift client's end-to-end tests.

Usage: moto_timestream.py SETUP_JSON_PATH
Starts moto on 127.0.0.1 (OS-chosen port) with INITIAL_NO_AUTH_ACTION_COUNT=5: the five unauthenticated calls create
an IAM user with an access key (timestream:* and sts:AssumeRole) and a role with timestream:*. Every later call must
be signed correctly. Then, signed: assume the role (temporary credentials, as Lambda has), create database "promdb"
and table "metrics". Writes {"port", "access_key_id", "secret_access_key", "session": {...}} to SETUP_JSON_PATH and
prints "READY <port>". Runs until terminated. Records are read back through GET /moto-api/data.json.

For transport, signing, credentials and exact stored values only: moto's WriteRecords stores whatever it is given
(no dimension, reserved or too-long names, negative times, NaN, duplicates: all accepted; CommonAttributes are not
merged into the stored records). Tests of what Timestream refuses use the stand-ins that apply
timestream_write_rules.py (timestream_standin.py, timestream_sql_standin.py), never this.

STS AssumeRoleWithWebIdentity (IRSA) is patched to behave as the real STS does on the points the connector relies
on: it is accepted unsigned (the web identity token is the credential), and a WebIdentityToken other than the one
in the setup file ("web_identity_token") gets 400 InvalidIdentityToken. Unlike STS, moto neither verifies the token
as a JWT against an OIDC provider nor checks the role's trust policy. The setup file also names "role_arn" (role
"fn", timestream:*), whose temporary keys moto's Timestream then accepts.

Secrets Manager: secret "prometheus-bearer-token" is created (value "bearer_token_previous") and rotated once (value
"bearer_token", AWSCURRENT; the first is AWSPREVIOUS), as the token mode of the function reads it; the role may
secretsmanager:GetSecretValue (and nothing else there), the user may manage it. The setup file names "bearer_secret_arn",
"bearer_token" and "bearer_token_previous".
"""
import json, signal, logging, os, sys, threading

# A child of the Swift test runner inherits its thread's blocked signals; unblock so terminate() stops us.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT, signal.SIGHUP})

os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "5"  # read by moto at import
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
import boto3  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402
from moto.core.authorization import ActionAuthenticatorMixin  # noqa: E402
from moto.sts.exceptions import STSClientError  # noqa: E402
from moto.sts.responses import TokenResponse  # noqa: E402

WEB_IDENTITY_TOKEN = "eyJhbGciOiJSUzI1NiJ9.stand-in-service-account-token.signature"
_authenticate = ActionAuthenticatorMixin._authenticate_and_authorize_action
_assume_role_with_web_identity = TokenResponse.assume_role_with_web_identity


def _authenticate_except_web_identity(self, iam_request_cls, resource="*"):
    if self._get_action() == "AssumeRoleWithWebIdentity":
        return  # unsigned in the real STS
    return _authenticate(self, iam_request_cls, resource)


def _checked_assume_role_with_web_identity(self):
    if self._get_param("WebIdentityToken") != WEB_IDENTITY_TOKEN:
        raise STSClientError("InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider")
    return _assume_role_with_web_identity(self)


ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate_except_web_identity
TokenResponse.assume_role_with_web_identity = _checked_assume_role_with_web_identity

logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no request log on the test's stderr
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
port = server.get_host_and_port()[1]
endpoint = f"http://127.0.0.1:{port}"
region = "us-east-1"


def client(service, key="x", secret="x", token=None):
    return boto3.client(service, endpoint_url=endpoint, region_name=region, aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token)


allow_all_timestream = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["timestream:*", "sts:AssumeRole", "secretsmanager:*"], "Resource": "*"}]})
role_policy = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["timestream:*"], "Resource": "*"},
    # moto authorises Secrets Manager calls against resource "*" only, so the secret's ARN cannot be named here.
    {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": "*"}]})
trust = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/lambda"}, "Action": "sts:AssumeRole"}]})
iam = client("iam")
iam.create_user(UserName="lambda")                                                       # unauthenticated 1
key = iam.create_access_key(UserName="lambda")["AccessKey"]                              # 2
iam.put_user_policy(UserName="lambda", PolicyName="ts", PolicyDocument=allow_all_timestream)  # 3
role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument=trust)["Role"]           # 4
iam.put_role_policy(RoleName="fn", PolicyName="ts", PolicyDocument=role_policy)   # 5

signed = dict(key=key["AccessKeyId"], secret=key["SecretAccessKey"])
session = client("sts", **signed).assume_role(RoleArn=role["Arn"], RoleSessionName="swift-tests")["Credentials"]
write = client("timestream-write", **signed)
write.create_database(DatabaseName="promdb")
write.create_table(DatabaseName="promdb", TableName="metrics")
secrets = client("secretsmanager", **signed)
bearer_secret = secrets.create_secret(Name="prometheus-bearer-token", SecretString="previous-7Qm2xWcLr9Tz4Hk1")
secrets.put_secret_value(SecretId=bearer_secret["ARN"], SecretString="current-Vd8pNs3Yq6Bf0Jg5")

with open(sys.argv[1], "w") as f:
    json.dump({"port": port, "role_arn": role["Arn"], "web_identity_token": WEB_IDENTITY_TOKEN,
               "bearer_secret_arn": bearer_secret["ARN"], "bearer_token": "current-Vd8pNs3Yq6Bf0Jg5",
               "bearer_token_previous": "previous-7Qm2xWcLr9Tz4Hk1", "access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"],
               "session": {"access_key_id": session["AccessKeyId"], "secret_access_key": session["SecretAccessKey"],
                           "session_token": session["SessionToken"]}}, f)
print(f"READY {port}", flush=True)
threading.Event().wait()
