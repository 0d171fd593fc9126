#!/usr/bin/env python3
"""GetRecords throughput while writers run: how fast one DynamoDB Streams reader gets through a
backlog of stream records, in records/s, while WRITERS PutItem loops keep adding to the stream,
and the writers' rate meanwhile against without a reader.

Starts build/tideline on a free port with a fresh data directory and a table with a
NEW_AND_OLD_IMAGES stream, writes a backlog of BACKLOG items (~200 B; BatchWriteItem), then
measures the writers alone for a few seconds, then starts them again with one reader that walks
the stream from TRIM_HORIZON the way AWS's developer guide does (DescribeStream, parents before
children, GetRecords with Limit 1000 following NextShardIterator) until it has read the backlog.
--rollover-ms sets the hidden testing flag, so that the reader also crosses shard rollovers.
Checks that the reader saw each backlog key exactly once.

Usage: bench/stream_read_bench.py [--backlog 200000] [--writers 2] [--rollover-ms 0]
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


def read_backlog(client, arn, backlog):
    """Reads the stream from TRIM_HORIZON, parents first, until `backlog` old keys are seen.
    Returns (seconds, records read, GetRecords calls, shards, old keys in order)."""
    began = time.monotonic()
    records = calls = 0
    old_keys = []
    done = set()
    while len(old_keys) < backlog:
        shards, start = [], None
        while True:  # DescribeStream paged by ExclusiveStartShardId
            body = {"StreamArn": arn}
            if start:
                body["ExclusiveStartShardId"] = start
            desc = client.streams("DescribeStream", body)["StreamDescription"]
            shards += desc["Shards"]
            start = desc.get("LastEvaluatedShardId")
            if not start:
                break
        # Listed in creation order, which puts parents before children.
        for shard in shards:
            if shard["ShardId"] in done:
                continue
            it = client.streams("GetShardIterator", {
                "StreamArn": arn, "ShardId": shard["ShardId"],
                "ShardIteratorType": "TRIM_HORIZON"})["ShardIterator"]
            while it and len(old_keys) < backlog:
                page = client.streams("GetRecords", {"ShardIterator": it, "Limit": 1000})
                calls += 1
                records += len(page["Records"])
                for r in page["Records"]:
                    key = r["dynamodb"]["Keys"]["pk"]["S"]
                    if key.startswith("old"):
                        old_keys.append(key)
                it = page.get("NextShardIterator")
                if not page["Records"]:
                    break
            if it is None:
                done.add(shard["ShardId"])
            else:
                break  # the open shard, read to what is there: list again
    return time.monotonic() - began, records, calls, len(done) + 1, old_keys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backlog", type=int, default=200000)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--rollover-ms", type=int, default=0)
    parser.add_argument("--bin", default=os.path.join(HERE, "..", "build", "tideline"))
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="tideline-stream-read-bench-")
    port = free_port()
    command = [args.bin, "serve", "--port", str(port), "--data-dir", data]
    if args.rollover_ms:
        command += ["--testing-stream-shard-rollover-ms", str(args.rollover_ms)]
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        client = Client(port)
        arn = client.call("CreateTable", {
            "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "StreamSpecification": {"StreamEnabled": True,
                                    "StreamViewType": "NEW_AND_OLD_IMAGES"}})[
            "TableDescription"]["LatestStreamArn"]
        print(f"# {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {os.cpu_count()} cores, "
              f"load {os.getloadavg()[0]:.1f}; backlog {args.backlog}, {args.writers} writers, "
              f"rollover {args.rollover_ms or 'default'} ms")
        print(f"backlog of {args.backlog} items written in {load_items(port, args.backlog):.1f} s")
        with Writers(port, args.writers, "alone") as alone:
            time.sleep(5)
        print(f"PutItem without a reader: {alone.rate():.0f}/s")
        client = Client(port)
        with Writers(port, args.writers, "during") as during:
            seconds, records, calls, shards, old_keys = read_backlog(client, arn, args.backlog)
        print(f"GetRecords: {records} records in {seconds:.1f} s = {records / seconds:.0f} "
              f"records/s ({calls} calls, {shards} shards) while writers ran")
        print(f"PutItem during the read: {during.rate():.0f}/s "
              f"({during.rate() / alone.rate():.2f} of without a reader)")
        # BatchWriteItem from 4 connections: keys of one batch are in order, batches interleave.
        assert len(old_keys) == len(set(old_keys)) == args.backlog, "a record seen twice or lost"
        print("check: every backlog record seen exactly once")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
