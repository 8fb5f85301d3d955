"""The end-to-end tests' tally (Tests/StandaloneEndToEnd, Tests/PrometheusEndToEnd): each check printed as it is
made, `ok` or `FAIL`, and counted."""
PASSED, FAILURES = [], []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message, flush=True)
    (PASSED if condition else FAILURES).append(message)
    return condition
