"""scripts/publish BUCKET [REGION] [--prefix P]: uploads dist/bootstrap.zip (keyed by its SHA-256) and a packaged
template.yml (CodeUri rewritten to that S3 object, the Architecture parameter pinned to the zip's) to BUCKET with boto3, then prints the CloudFormation "Launch stack"
URL for REGION and `sam deploy --guided` instructions.

The bucket must be in REGION: Lambda only takes code from a bucket in the function's own Region
(https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCode.html). Credentials and endpoint come from the usual
AWS environment (AWS_PROFILE, AWS_ACCESS_KEY_ID…, AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3 for a local S3).
"""
import argparse, hashlib, io, os, re, urllib.parse, zipfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CODE_URI = re.compile(r"^(?P<indent>[ \t]+)CodeUri:[ \t]*dist/bootstrap\.zip[ \t]*$", re.MULTILINE)
ARCHITECTURE = re.compile(r"^(?P<indent>[ \t]+)Default:[ \t]*x86_64\n(?P=indent)AllowedValues:[ \t]*\[x86_64, arm64\][ \t]*$",
                          re.MULTILINE)
ELF_MACHINES = {0x3E: "x86_64", 0xB7: "arm64"}  # e_machine: EM_X86_64, EM_AARCH64
DEFAULT_PREFIX = "prometheus-timestream-lambda"
DEFAULT_STACK = "PrometheusTimestreamConnector"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def packaged_template(template, bucket, key):
    """template.yml with its one `CodeUri: dist/bootstrap.zip` replaced by the uploaded object's s3:// URI."""
    found = CODE_URI.findall(template)
    if len(found) != 1:
        raise SystemExit("publish: expected exactly one 'CodeUri: dist/bootstrap.zip' in the template, found %d"
                         % len(found))
    return CODE_URI.sub(lambda m: "%sCodeUri: s3://%s/%s" % (m.group("indent"), bucket, key), template)


def zip_architecture(code):
    """The Lambda architecture the zip's `bootstrap` is built for, from its ELF header's e_machine."""
    try:
        with zipfile.ZipFile(io.BytesIO(code)) as archive:
            head = archive.open("bootstrap").read(20)
    except (zipfile.BadZipFile, KeyError):
        raise SystemExit("publish: the zip has no bootstrap executable: build it with scripts/package")
    machine = int.from_bytes(head[18:20], "little") if head[:4] == b"\x7fELF" and len(head) == 20 else None
    if machine not in ELF_MACHINES:
        raise SystemExit("publish: the zip's bootstrap is not an x86_64 or arm64 Linux executable (e_machine %s)" % machine)
    return ELF_MACHINES[machine]


def pinned_architecture(template, architecture):
    """The template with its Architecture parameter allowing only `architecture` (the zip's): a stack launched
    with the other one would fail every invocation with an exec format error."""
    found = ARCHITECTURE.findall(template)
    if len(found) != 1:
        raise SystemExit("publish: expected the Architecture parameter's Default and AllowedValues in the template, found %d"
                         % len(found))
    return ARCHITECTURE.sub(lambda m: "%sDefault: %s\n%sAllowedValues: [%s]" % (m.group("indent"), architecture,
                                                                            m.group("indent"), architecture), template)


def https_url(bucket, region, key):
    # Virtual-hosted style, the form CloudFormation's templateURL expects for S3.
    return "https://%s.s3.%s.amazonaws.com/%s" % (bucket, region, urllib.parse.quote(key))


def launch_stack_url(region, template_url, stack_name):
    return ("https://console.aws.amazon.com/cloudformation/home?region=%s#/stacks/create/review?templateURL=%s"
            "&stackName=%s" % (region, urllib.parse.quote(template_url, safe=""), urllib.parse.quote(stack_name)))


def bucket_region(s3, bucket):
    import botocore.exceptions
    try:
        location = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint")
    except botocore.exceptions.ClientError as error:
        raise SystemExit("publish: cannot use bucket %s: %s" % (bucket, error))
    # us-east-1 answers an empty constraint; "EU" is the legacy name of eu-west-1.
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)


def upload(s3, bucket, key, data, content_type):
    """Puts `data` at `key` unless an object with the same SHA-256 is already there. Returns True if uploaded."""
    import botocore.exceptions
    digest = sha256(data)
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
        if head.get("Metadata", {}).get("sha256") == digest:
            return False
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
            raise
    s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type, Metadata={"sha256": digest})
    return True


def main():
    parser = argparse.ArgumentParser(prog="scripts/publish", description=__doc__.split("\n\n")[0])
    parser.add_argument("bucket")
    parser.add_argument("region", nargs="?", help="default: the bucket's Region")
    parser.add_argument("--prefix", default=DEFAULT_PREFIX, help="key prefix (default %(default)s)")
    parser.add_argument("--stack-name", default=DEFAULT_STACK, help="stack name in the URL (default %(default)s)")
    parser.add_argument("--zip", default=os.path.join(ROOT, "dist", "bootstrap.zip"), help="default dist/bootstrap.zip")
    parser.add_argument("--template", default=os.path.join(ROOT, "template.yml"))
    parser.add_argument("--packaged-out", default=os.path.join(ROOT, "dist", "template.packaged.yml"),
                        help="local copy of the packaged template (default dist/template.packaged.yml)")
    args = parser.parse_args()
    import boto3

    if not os.path.isfile(args.zip):
        raise SystemExit("publish: %s does not exist: run scripts/package first" % args.zip)
    with open(args.zip, "rb") as f:
        code = f.read()
    with open(args.template, encoding="utf-8") as f:
        template = f.read()
    prefix = args.prefix.strip("/")
    prefix = prefix + "/" if prefix else ""

    s3 = boto3.client("s3", region_name=args.region or os.environ.get("AWS_REGION") or "us-east-1")
    region = bucket_region(s3, args.bucket)
    if args.region and args.region != region:
        raise SystemExit("publish: bucket %s is in %s, not %s: Lambda takes code only from a bucket in its own "
                         "Region; use a bucket in %s" % (args.bucket, region, args.region, args.region))
    s3 = boto3.client("s3", region_name=region)

    code_key = "%sbootstrap-%s.zip" % (prefix, sha256(code))
    architecture = zip_architecture(code)
    packaged = pinned_architecture(packaged_template(template, args.bucket, code_key), architecture).encode()
    template_key = "%stemplate-%s.yml" % (prefix, sha256(packaged)[:16])
    for key, data, kind in ((code_key, code, "application/zip"), (template_key, packaged, "text/yaml")):
        fresh = upload(s3, args.bucket, key, data, kind)
        print("%s s3://%s/%s (%d bytes)" % ("uploaded" if fresh else "already there:", args.bucket, key, len(data)))
    os.makedirs(os.path.dirname(os.path.abspath(args.packaged_out)), exist_ok=True)
    with open(args.packaged_out, "wb") as f:
        f.write(packaged)

    template_url = https_url(args.bucket, region, template_key)
    print()
    print("Launch stack (CloudFormation console, %s, %s; tick the IAM and auto-expand acknowledgements):"
          % (region, architecture))
    print("  " + launch_stack_url(region, template_url, args.stack_name))
    print()
    print("Or with the AWS CLI:")
    print("  aws cloudformation deploy --region %s --stack-name %s --template-file %s \\"
          % (region, args.stack_name, os.path.relpath(args.packaged_out)))
    print("    --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --parameter-overrides EnableSigV4Auth=false")
    print()
    print("Or with the SAM CLI (uploads dist/bootstrap.zip itself and remembers the answers in samconfig.toml):")
    print("  sam deploy --guided --template-file template.yml --region %s --s3-bucket %s --s3-prefix %s \\"
          % (region, args.bucket, prefix.rstrip("/") or DEFAULT_PREFIX))
    print("    --capabilities CAPABILITY_IAM --stack-name %s --parameter-overrides Architecture=%s"
          % (args.stack_name, architecture))
    print()
    print("Then read InvokeWriteURL / InvokeReadURL from the stack's outputs into prometheus.yml (README, "
          "\"Prometheus configuration\").")


if __name__ == "__main__":
    main()
