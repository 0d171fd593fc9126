#!/usr/bin/env python3
"""Loads keys 0..KEYS-1 into the table of bench/index_bench.sh with BatchWriteItem (25 items a
request) over a few connections, and fails unless every batch was fully processed.

The items are those of bench/ddb_index.lua's preload: pk user<i:010d>, f0 (VALUE_BYTES of 'x'),
n = i, g = group<i % GSI_GROUPS:05d>, t = tag<i % TAGS:03d>. wrk would do the same, but it waits out
its whole -d even after the last batch, which on a slow server must be generous.

Usage: index_preload.py ENDPOINT KEYS   (env: GSI_GROUPS, TAGS, VALUE_BYTES, TABLE, CONNS)
"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

# The fixed, well-formed fake SigV4 header of ddb_common.lua: accepted by servers that check
# only its shape (dynalite, Tideline without --credentials).
HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Target": "DynamoDB_20120810.BatchWriteItem",
    "X-Amz-Date": "20250101T000000Z",
    "Authorization": "AWS4-HMAC-SHA256 Credential=x/20250101/us-east-1/dynamodb/aws4_request, "
                     "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                     "Signature=" + "0" * 64,
}


def item(i, groups, tags, payload):
    return {"PutRequest": {"Item": {
        "pk": {"S": f"user{i:010d}"}, "f0": {"S": payload}, "n": {"N": str(i)},
        "g": {"S": f"group{i % groups:05d}"}, "t": {"S": f"tag{i % tags:03d}"}}}}


def preload(endpoint, keys, groups=1000, tags=100, value_bytes=160, table="usertable", conns=4):
    """Loads the items; returns the seconds it took. Raises RuntimeError on any failed batch."""
    payload = "x" * value_bytes
    url = urllib.parse.urlsplit(endpoint)
    batches = list(range(0, keys, 25))
    lock = threading.Lock()
    errors = []

    def worker():
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        while True:
            with lock:
                if not batches or errors:
                    return
                start = batches.pop()
            body = json.dumps({"RequestItems": {table: [
                item(i, groups, tags, payload) for i in range(start, min(start + 25, keys))]}})
            conn.request("POST", "/", body, HEADERS)
            resp = conn.getresponse()
            answer = resp.read()
            if resp.status != 200 or json.loads(answer).get("UnprocessedItems"):
                with lock:
                    errors.append(f"batch at {start}: {resp.status} {answer[:300]!r}")

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError("preload failed: " + errors[0])
    return time.monotonic() - began


def main():
    endpoint, keys = sys.argv[1], int(sys.argv[2])
    try:
        secs = preload(endpoint, keys, groups=int(os.environ.get("GSI_GROUPS", "1000")),
                       tags=int(os.environ.get("TAGS", "100")),
                       value_bytes=int(os.environ.get("VALUE_BYTES", "160")),
                       table=os.environ.get("TABLE", "usertable"),
                       conns=int(os.environ.get("CONNS", "4")))
    except RuntimeError as e:
        sys.exit(str(e))
    print(f"preloaded {keys} items in {secs:.1f} s")


if __name__ == "__main__":
    main()
