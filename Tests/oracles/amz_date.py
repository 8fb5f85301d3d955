"""Date oracle: stdin holds epoch seconds, one per line; stdout the UTC timestamp of each as %Y%m%dT%H%M%SZ."""
import datetime, sys

for line in sys.stdin.read().split():
    t = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=int(line))
    print(t.strftime("%Y%m%dT%H%M%SZ"))
