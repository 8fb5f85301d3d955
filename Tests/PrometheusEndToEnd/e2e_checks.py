"""What the end-to-end steps share: the check tally (check_tally.py), bounded waits and plain HTTP with the test's credentials."""
import base64, time, urllib.error, urllib.request
from check_tally import check

AUTH = ("AKIDLOCALEXAMPLE", "local-secret")


def wait_until(predicate, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.25)
    check(False, "timed out waiting for " + what)
    return False


def http(method, url, body=b"", headers=None):
    request = urllib.request.Request(url, data=body if method != "GET" else None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=40) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def basic_auth_header(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
