#!/usr/bin/env python3
"""Restore benchmark: RestoreTableToPointInTime of N items of ~200 B, from the request until the
restored table is ACTIVE, and the latency of PutItem on another table while it runs (against
the same PutItem load on an idle server just before). Several server binaries run back to back
on one preloaded data directory, so that a before/after comparison shares its data and, as far
as a shared machine allows, its load.

Usage: bench/restore_bench.py [--items 1000000] [--bin build/tideline ...]
Needs: wrk (loads the table with ../shared/bench/ddb_preload.lua).
"""
import argparse, os, shutil, socket, subprocess, tempfile, threading, time
import boto3
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("SHARED_BENCH", os.path.join(ROOT, "..", "shared", "bench"))
if not os.path.isdir(SHARED):  # a git worktree beside the main checkout
    SHARED = os.path.join(ROOT, "..", "..", "shared", "bench")
HASH_TABLE = dict(BillingMode="PAY_PER_REQUEST",
                  AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                  KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


class Server:
    def __init__(self, binary, data, log):
        self.port = free_port()
        self.proc = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port",
                                      str(self.port), "--data-dir", data], stderr=log, stdout=log)
        self.ep = f"http://127.0.0.1:{self.port}"
        self.ddb = self.client()
        for _ in range(600):
            try:
                self.ddb.list_tables(); return
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def client(self):
        return boto3.client("dynamodb", endpoint_url=self.ep, region_name="us-east-1",
                            aws_access_key_id="x", aws_secret_access_key="x",
                            config=Config(retries={"max_attempts": 1}))

    def stop(self):
        self.proc.terminate(); self.proc.wait(timeout=120)


def preload(server, items):
    server.ddb.create_table(TableName="usertable", **HASH_TABLE)
    server.ddb.create_table(TableName="foreground", **HASH_TABLE)
    env = dict(os.environ, KEYSPACE=str(items), BENCH_DIR=SHARED + "/")
    wrk = subprocess.Popen(["wrk", "-t1", "-c8", f"-d{items // 5000 + 60}s", "-s",
                            os.path.join(SHARED, "ddb_preload.lua"), server.ep + "/"], env=env,
                           stdout=subprocess.DEVNULL)
    # wrk waits out -d after the script's last batch: stop it once every item is in.
    while server.ddb.describe_table(TableName="usertable")["Table"]["ItemCount"] < items:
        if wrk.poll() is not None: break
        time.sleep(1)
    wrk.terminate(); wrk.wait()
    count = server.ddb.describe_table(TableName="usertable")["Table"]["ItemCount"]
    assert count == items, count
    server.ddb.update_continuous_backups(TableName="usertable", PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})


def put_latencies(server, stop, out):
    """PutItem on the foreground table, one request at a time, until stop is set."""
    ddb = server.client(); i = 0
    while not stop.is_set():
        t0 = time.perf_counter()
        ddb.put_item(TableName="foreground", Item={"pk": {"S": f"k{i % 1000}"}, "v": {"N": str(i)}})
        out.append(time.perf_counter() - t0); i += 1


def pct(xs, p):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(len(xs) * p))] * 1000 if xs else float("nan")


def run(binary, preloaded, work, items, n):
    # Each binary starts from its own copy of the preloaded directory: the same data and the same
    # compaction backlog, and none of an earlier run's restored table.
    data = os.path.join(work, f"data{n}")
    shutil.copytree(preloaded, data)
    for f in os.listdir(os.path.join(data, "rocksdb")):  # count this run's stalls only
        if f.startswith("LOG"): os.remove(os.path.join(data, "rocksdb", f))
    log = open(os.path.join(work, f"server{n}.log"), "w")
    server = Server(binary, data, log)
    try:
        ddb = server.ddb
        idle, during, stop = [], [], threading.Event()
        th = threading.Thread(target=put_latencies, args=(server, stop, idle)); th.start()
        time.sleep(3); stop.set(); th.join()
        stop = threading.Event()
        th = threading.Thread(target=put_latencies, args=(server, stop, during)); th.start()
        target = f"restored{n}"
        t0 = time.time()
        ddb.restore_table_to_point_in_time(SourceTableName="usertable", TargetTableName=target,
                                           UseLatestRestorableTime=True)
        while ddb.describe_table(TableName=target)["Table"]["TableStatus"] != "ACTIVE":
            time.sleep(0.02)
        secs = time.time() - t0
        stop.set(); th.join()
        desc = ddb.describe_table(TableName=target)["Table"]
        assert desc["ItemCount"] == items, desc["ItemCount"]
        print(f"{binary}: restore {items} items {secs:6.2f} s {items / secs:>10,.0f} items/s; "
              f"PutItem on another table p50/p99/max ms idle {pct(idle, .5):.1f}/"
              f"{pct(idle, .99):.1f}/{pct(idle, 1):.1f}, during the restore {pct(during, .5):.1f}/"
              f"{pct(during, .99):.1f}/{pct(during, 1):.1f} ({len(during)} puts)", flush=True)
        return secs, pct(during, .99)
    finally:
        server.stop()
        stalls = 0
        for f in os.listdir(os.path.join(data, "rocksdb")):
            if f.startswith("LOG"):
                with open(os.path.join(data, "rocksdb", f), errors="replace") as log:
                    stalls += sum("Stalling writes" in line or "Stopping writes" in line
                                  for line in log)
        print(f"  RocksDB write-stall warnings in that run: {stalls}", flush=True)
        shutil.rmtree(data, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1000000)
    ap.add_argument("--bin", action="append", help="server binary; repeat to compare")
    ap.add_argument("--keep", action="store_true", help="keep the data directory and logs")
    args = ap.parse_args()
    bins = args.bin or [os.path.join(ROOT, "build", "tideline")]
    work = tempfile.mkdtemp(prefix="tideline-restore-bench-")
    data = os.path.join(work, "data")
    try:
        log = open(os.path.join(work, "preload.log"), "w")
        server = Server(bins[0], data, log)
        t0 = time.time()
        try:
            preload(server, args.items)
        finally:
            server.stop()
        print(f"# {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f}; {args.items} items preloaded in "
              f"{time.time() - t0:.0f} s", flush=True)
        results = [run(b, data, work, args.items, n) for n, b in enumerate(bins)]
        for (secs, p99), b in zip(results[1:], bins[1:]):
            print(f"{b} vs {bins[0]}: restore time x{secs / results[0][0]:.2f}, "
                  f"foreground p99 x{p99 / results[0][1]:.2f}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
