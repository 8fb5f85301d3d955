"""scripts/publish against moto's S3 on 127.0.0.1 (endpoint via AWS_ENDPOINT_URL, as a user would override it).
Checks: both objects exist with the exact bytes; the code key carries the zip's SHA-256; the packaged template equals
template.yml except that CodeUri is the uploaded object's s3:// URI; the printed Launch-stack URL names the region and
the template object; a second run uploads nothing; a bucket in another Region and a missing bucket are refused; the
packaged template's Architecture parameter allows only the zip's (x86_64 or arm64, from its ELF header), and a zip
without a Linux bootstrap of either is refused.
Run with the oracle venv: .venv/bin/python Tests/package/publish_test.py. Prints "N passed, N failed".
"""
import hashlib, io, logging, os, re, subprocess, sys, tempfile, urllib.parse, zipfile

import boto3
from moto.server import ThreadedMotoServer

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
logging.getLogger("werkzeug").setLevel(logging.ERROR)
results = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    results["passed" if condition else "failed"] += 1
    print(("ok   " if condition else "FAIL ") + name + ("" if condition or not detail else "\n     " + detail))


def publish(env, *args):
    out = os.path.join(tempfile.gettempdir(), "publish-test-%d.yml" % os.getpid())
    return subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "lib", "publish.py"), *args,
                           "--packaged-out", out], env=env,
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def zipped(bootstrap):
    """A zip holding `bootstrap` as scripts/package lays it out."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("bootstrap", bootstrap)
    return out.getvalue()


def elf(machine):
    """The first bytes of a 64-bit little-endian Linux executable for ELF e_machine `machine`, then noise."""
    return b"\x7fELF\x02\x01\x01" + bytes(9) + (2).to_bytes(2, "little") + machine.to_bytes(2, "little") + os.urandom(64)


def main():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    endpoint = "http://127.0.0.1:%d" % server.get_host_and_port()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
               AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", AWS_REGION="us-east-1",
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-1",
                      aws_access_key_id="x", aws_secret_access_key="x")
    s3.create_bucket(Bucket="releases-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    try:
        with tempfile.TemporaryDirectory() as tmp:
            zip_path = os.path.join(tmp, "bootstrap.zip")
            code = zipped(elf(0x3E))
            with open(zip_path, "wb") as f:
                f.write(code)
            digest = hashlib.sha256(code).hexdigest()

            run = publish(env, "releases-eu", "eu-west-1", "--prefix", "ptl/v1", "--zip", zip_path)
            check("publish exits 0", run.returncode == 0, run.stderr + run.stdout)
            keys = {o["Key"] for o in s3.list_objects_v2(Bucket="releases-eu").get("Contents", [])}
            code_key = "ptl/v1/bootstrap-%s.zip" % digest
            check("the zip is uploaded under its SHA-256", code_key in keys, repr(keys))
            check("the zip's bytes are exact",
                  code_key in keys and s3.get_object(Bucket="releases-eu", Key=code_key)["Body"].read() == code)
            template_keys = [k for k in keys if re.fullmatch(r"ptl/v1/template-[0-9a-f]{16}\.yml", k)]
            check("one packaged template is uploaded", len(template_keys) == 1, repr(keys))
            if template_keys:
                packaged = s3.get_object(Bucket="releases-eu", Key=template_keys[0])["Body"].read().decode()
                uris = re.findall(r"^\s+CodeUri: (\S+)$", packaged, re.MULTILINE)
                check("CodeUri points at the uploaded zip", uris == ["s3://releases-eu/" + code_key], repr(uris))
                original = open(os.path.join(ROOT, "template.yml"), encoding="utf-8").read()
                pinned = "    Default: x86_64\n    AllowedValues: [x86_64]\n"
                check("the Architecture parameter allows only the zip's (x86_64)", pinned in packaged)
                check("everything else is template.yml unchanged",
                      packaged.replace("s3://releases-eu/" + code_key, "dist/bootstrap.zip")
                      .replace(pinned, "    Default: x86_64\n    AllowedValues: [x86_64, arm64]\n") == original)
                check("the template's key is its own SHA-256 prefix",
                      template_keys[0].endswith(hashlib.sha256(packaged.encode()).hexdigest()[:16] + ".yml"))
                launch = [l.strip() for l in run.stdout.splitlines() if l.strip().startswith("https://console.")]
                want_template = "https://releases-eu.s3.eu-west-1.amazonaws.com/" + template_keys[0]
                parsed = urllib.parse.urlparse(launch[0]) if launch else None
                fragment = urllib.parse.parse_qs(parsed.fragment.split("?", 1)[1]) if parsed else {}
                check("Launch-stack URL: console, region, template object, stack name",
                      bool(launch) and parsed.netloc == "console.aws.amazon.com"
                      and urllib.parse.parse_qs(parsed.query) == {"region": ["eu-west-1"]}
                      and parsed.fragment.startswith("/stacks/create/review?")
                      and fragment.get("templateURL") == [want_template]
                      and fragment.get("stackName") == ["PrometheusTimestreamConnector"], repr(launch))
                check("sam deploy --guided instructions are printed",
                      "sam deploy --guided" in run.stdout and "--s3-bucket releases-eu" in run.stdout, run.stdout)

            again = publish(env, "releases-eu", "--prefix", "ptl/v1", "--zip", zip_path)
            check("a second run (region from the bucket) uploads nothing",
                  again.returncode == 0 and again.stdout.count("already there:") == 2, again.stdout + again.stderr)

            wrong = publish(env, "releases-eu", "us-west-2", "--zip", zip_path)
            check("a bucket in another Region is refused",
                  wrong.returncode != 0 and "is in eu-west-1, not us-west-2" in wrong.stderr, wrong.stderr)
            missing = publish(env, "no-such-bucket", "eu-west-1", "--zip", zip_path)
            check("a missing bucket is refused", missing.returncode != 0 and "no-such-bucket" in missing.stderr,
                  missing.stderr)
            arm_path = os.path.join(tmp, "bootstrap-arm64.zip")
            with open(arm_path, "wb") as f:
                f.write(zipped(elf(0xB7)))
            arm = publish(env, "releases-eu", "--prefix", "ptl/arm", "--zip", arm_path)
            arm_templates = [k["Key"] for k in s3.list_objects_v2(Bucket="releases-eu", Prefix="ptl/arm/template-")
                             .get("Contents", [])]
            arm_packaged = (s3.get_object(Bucket="releases-eu", Key=arm_templates[0])["Body"].read().decode()
                            if len(arm_templates) == 1 else "")
            check("an arm64 zip pins the Architecture parameter to arm64 (the packaged template, the sam command)",
                  arm.returncode == 0 and "    Default: arm64\n    AllowedValues: [arm64]\n" in arm_packaged
                  and "--parameter-overrides Architecture=arm64" in arm.stdout,
                  arm.stderr + arm.stdout)
            for name, data, why in (("not-a-zip.zip", b"PK\x03\x04 not a zip", "no bootstrap executable"),
                                    ("riscv.zip", zipped(elf(0xF3)), "not an x86_64 or arm64")):
                path = os.path.join(tmp, name)
                with open(path, "wb") as f:
                    f.write(data)
                refused = publish(env, "releases-eu", "--prefix", "ptl/bad", "--zip", path)
                check("a zip with %s is refused" % why, refused.returncode != 0 and why in refused.stderr, refused.stderr)
            nozip = publish(env, "releases-eu", "--zip", os.path.join(tmp, "absent.zip"))
            check("a missing zip says to run scripts/package",
                  nozip.returncode != 0 and "scripts/package" in nozip.stderr, nozip.stderr)
    finally:
        server.stop()
        leftover = os.path.join(tempfile.gettempdir(), "publish-test-%d.yml" % os.getpid())
        if os.path.exists(leftover):
            os.remove(leftover)
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
