#!/usr/bin/env python3
"""Backfill of a new GSI: UpdateTable GlobalSecondaryIndexUpdates Create over a loaded table.

Starts build/tideline on a free port with a fresh data directory, loads ITEMS items of ~200 B
(bench/index_preload.py: g holds one of GSI_GROUPS group names), waits for the server to idle,
then creates the GSI byGroup (g HASH, n RANGE, ALL) and polls DescribeTable until it is ACTIVE.
Prints the backfill time, the server's peak RSS over its idle RSS during the backfill (sampled
from /proc every 20 ms), and the PutItem latencies of one writer that keeps writing new items
while the backfill runs (a backfill must not stall other writes). Then checks the result: a
Query of the new index for one group counts exactly the items of that group, new ones included.

Issue 10's target on 2 cores: 1M items backfilled in <= 5 s with <= 100 MB over idle.

Usage: bench/backfill_bench.py [--items 1000000] [--groups 1000] [--bin build/tideline]
"""
import argparse
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from bench_client import Client, free_port
from index_preload import preload

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = "usertable"


def cpu_seconds(pid):
    """User + system CPU seconds `pid` has used so far (a shared machine's load changes wall
    times much more than CPU times)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kb(pid):
    """The resident set of `pid` in kB; 0 once the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def wait_healthy(port, proc):
    for _ in range(300):
        if proc.poll() is not None:
            sys.exit("tideline exited at start")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit("tideline never became healthy")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=1_000_000)
    ap.add_argument("--groups", type=int, default=1000)
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "build", "tideline"))
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="tideline-backfill-")
    port = free_port()
    log = open(os.path.join(tmp, "server.log"), "wb")
    proc = subprocess.Popen([args.bin, "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--data-dir", os.path.join(tmp, "data")], stdout=log, stderr=log)
    try:
        wait_healthy(port, proc)
        client = Client(port)
        client.call("CreateTable", {
            "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]})
        secs = preload(f"http://127.0.0.1:{port}", args.items, groups=args.groups, value_bytes=140)
        print(f"loaded {args.items} items in {secs:.1f} s ({args.items / secs:.0f} items/s)")
        time.sleep(3)  # let flushes and compactions of the load settle before measuring idle
        idle = rss_kb(proc.pid)
        client = Client(port)  # the first one idled through the load: the server may close it

        peak = [idle]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], rss_kb(proc.pid))
                time.sleep(0.02)

        latencies = []
        write_errors = []

        def write():
            writer = Client(port)
            i = args.items
            while not stop.is_set():
                began = time.monotonic()
                try:
                    writer.call("PutItem", {"TableName": TABLE, "Item": {
                        "pk": {"S": f"user{i:010d}"}, "n": {"N": str(i)},
                        "g": {"S": f"group{i % args.groups:05d}"}}})
                except (OSError, RuntimeError, http.client.HTTPException) as e:
                    write_errors.append(e)
                    return
                latencies.append(time.monotonic() - began)
                i += 1

        threads = [threading.Thread(target=sample), threading.Thread(target=write)]
        for t in threads:
            t.start()
        began = time.monotonic()
        cpu_began = cpu_seconds(proc.pid)
        client.call("UpdateTable", {
            "TableName": TABLE,
            "AttributeDefinitions": [{"AttributeName": "g", "AttributeType": "S"},
                                     {"AttributeName": "n", "AttributeType": "N"}],
            "GlobalSecondaryIndexUpdates": [{"Create": {
                "IndexName": "byGroup",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                              {"AttributeName": "n", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"}}}]})
        while True:
            desc = client.call("DescribeTable", {"TableName": TABLE})["Table"]
            index = desc["GlobalSecondaryIndexes"][0]
            if index["IndexStatus"] == "ACTIVE":
                break
            if time.monotonic() - began > 600:
                sys.exit(f"backfill not done after 600 s: {index}")
            time.sleep(0.05)
        elapsed = time.monotonic() - began
        cpu = cpu_seconds(proc.pid) - cpu_began
        stop.set()
        for t in threads:
            t.join()

        if write_errors:
            sys.exit(f"PutItem during the backfill failed: {write_errors[0]}")
        latencies.sort()
        written = len(latencies)
        p99 = latencies[int(written * 0.99)] * 1000 if written else 0
        print(f"backfill of {args.items} items: {elapsed:.2f} s (server CPU {cpu:.2f} s, "
              f"the writer's PutItems included); RSS idle {idle / 1024:.0f} MB, "
              f"peak {peak[0] / 1024:.0f} MB, over idle {(peak[0] - idle) / 1024:.0f} MB")
        print(f"PutItem during the backfill: {written} writes, p99 {p99:.1f} ms, "
              f"max {latencies[-1] * 1000 if written else 0:.1f} ms")

        # The index holds exactly the items of the table: a group's count, new writes included.
        expected = sum(1 for i in range(args.items + written) if i % args.groups == 7)
        count, start = 0, None
        while True:
            query = {"TableName": TABLE, "IndexName": "byGroup", "Select": "COUNT",
                     "KeyConditionExpression": "g = :g",
                     "ExpressionAttributeValues": {":g": {"S": f"group{7:05d}"}}}
            if start:
                query["ExclusiveStartKey"] = start
            page = client.call("Query", query)
            count += page["Count"]
            start = page.get("LastEvaluatedKey")
            if not start:
                break
        if count != expected:
            sys.exit(f"index check failed: group00007 counts {count}, expected {expected}")
        print(f"index check: group00007 has {expected} items, as the table")
    except Exception:
        sys.stderr.write("server log tail:\n" + open(log.name, errors="replace").read()[-3000:])
        raise
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
