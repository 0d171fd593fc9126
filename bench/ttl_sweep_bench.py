#!/usr/bin/env python3
"""Time to Live sweep: how long the expiry sweeper takes to delete N expired items, and the
PutItem throughput of foreground writers during the sweep against without a sweep, measured
before and after it (the sweeper must not stall them).

Starts build/tideline (--ttl-interval 1) on a free port with a fresh data directory, loads N
items of ~200 B whose `exp` is a minute in the past, measures WRITERS PutItem loops of new items
(no `exp`) for a few seconds, then enables TTL on `exp` and runs the same writers until
DescribeTable's ItemCount shows only their items left, then the same writers again for a few
seconds with nothing left to sweep. Checks at the end that a Scan finds no expired item.

Usage: bench/ttl_sweep_bench.py [--items 1000000] [--writers 2] [--bin build/tideline]
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_client import Client, Writers, free_port, load_items  # noqa: E402

TABLE = "usertable"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1000000)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--bin", default=os.path.join(HERE, "..", "build", "tideline"))
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="tideline-ttl-bench-")
    port = free_port()
    server = subprocess.Popen([args.bin, "serve", "--port", str(port), "--data-dir", data,
                               "--ttl-interval", "1"], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        client = Client(port)
        client.call("CreateTable", {
            "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
        print(f"# {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {os.cpu_count()} cores, "
              f"load {os.getloadavg()[0]:.1f}; {args.items} expired items, {args.writers} writers")
        expired = {"exp": {"N": str(int(time.time()) - 60)}}  # a minute ago
        secs = load_items(port, args.items, extra=expired)
        print(f"loaded {args.items} expired items in {secs:.1f} s")
        time.sleep(2)
        with Writers(port, args.writers, "before") as before:
            time.sleep(5)
        client = Client(port)  # (the first one's connection idled out during the load)
        client.call("UpdateTimeToLive", {"TableName": TABLE, "TimeToLiveSpecification": {
            "AttributeName": "exp", "Enabled": True}})
        enabled = time.monotonic()
        with Writers(port, args.writers, "during") as during:
            while True:
                count = client.call("DescribeTable", {"TableName": TABLE})["Table"]["ItemCount"]
                with during.lock:
                    written = during.count
                if count <= before.count + written:
                    break
                time.sleep(0.2)
            swept = time.monotonic() - enabled
        print(f"sweep of {args.items} expired items: {swept:.1f} s "
              f"({args.items / swept:.0f} items/s, the first sweep starts within 1 s)")
        with Writers(port, args.writers, "after") as after:
            time.sleep(5)
        without = (before.rate() + after.rate()) / 2
        print(f"PutItem without a sweep: {before.rate():.0f}/s before, {after.rate():.0f}/s "
              f"after (mean {without:.0f}/s)")
        print(f"PutItem during the sweep: {during.rate():.0f}/s "
              f"({during.rate() / without:.2f} of without)")
        scan = {"TableName": TABLE, "Select": "COUNT", "FilterExpression": "attribute_exists(exp)"}
        while True:
            page = client.call("Scan", scan)
            assert page["Count"] == 0, page
            if "LastEvaluatedKey" not in page:
                break
            scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        print("check: no expired item left")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
