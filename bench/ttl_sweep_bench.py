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
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from index_preload import HEADERS  # noqa: E402  (the loads' fake SigV4 header)

TABLE = "usertable"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def call(self, op, body):
        self.conn.request("POST", "/", json.dumps(body),
                          dict(HEADERS, **{"X-Amz-Target": "DynamoDB_20120810." + op}))
        resp = self.conn.getresponse()
        answer = json.loads(resp.read() or b"{}")
        if resp.status != 200:
            raise RuntimeError(f"{op}: {resp.status} {answer}")
        return answer


def load(port, items, conns=4):
    exp = str(int(time.time()) - 60)
    payload = "x" * 160
    batches = list(range(0, items, 25))
    lock = threading.Lock()

    def worker():
        client = Client(port)
        while True:
            with lock:
                if not batches:
                    return
                start = batches.pop()
            reqs = [{"PutRequest": {"Item": {"pk": {"S": f"old{i:010d}"}, "f0": {"S": payload},
                                             "exp": {"N": exp}}}}
                    for i in range(start, min(start + 25, items))]
            answer = client.call("BatchWriteItem", {"RequestItems": {TABLE: reqs}})
            if answer.get("UnprocessedItems"):
                raise RuntimeError("unprocessed items")

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - began


class Writers:
    """WRITERS threads putting new items (without exp) until stopped; counts them."""

    def __init__(self, port, n, prefix):
        self.port, self.prefix, self.count, self.stop = port, prefix, 0, False
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(w,)) for w in range(n)]

    def run(self, w):
        client = Client(self.port)
        i = 0
        while not self.stop:
            client.call("PutItem", {"TableName": TABLE, "Item": {
                "pk": {"S": f"{self.prefix}{w}-{i}"}, "f0": {"S": "y" * 160}}})
            i += 1
            with self.lock:
                self.count += 1

    def __enter__(self):
        self.began = time.monotonic()
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop = True
        for t in self.threads:
            t.join()
        self.seconds = time.monotonic() - self.began

    def rate(self):
        return self.count / self.seconds


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
        print(f"loaded {args.items} expired items in {load(port, args.items):.1f} s")
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
