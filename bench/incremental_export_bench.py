#!/usr/bin/env python3
"""Incremental export benchmark: a 15-minute window holding N changes over a table of M items
(~200 B), exported as INCREMENTAL_EXPORT; and the write rate of a concurrent writer (UpdateItem
on random keys of the same table, wrk) while exports run back to back, against without.

The history is written "in the past": the server first runs under libfaketime 40 minutes back
(load M items, enable PITR, change N distinct keys with BatchWriteItem), then restarts at the
real time, when the window [PITR enabled, +15 min) lies wholly in the past.

Usage: bench/incremental_export_bench.py [--items 1000000] [--changes 100000] [--seconds 20]
Needs: wrk and ../shared/bench (ddb_preload.lua), libfaketime.
"""
import argparse, glob, json, os, re, shutil, socket, subprocess, tempfile, threading, time
import boto3
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("SHARED_BENCH", os.path.join(ROOT, "..", "shared", "bench"))
FAKETIME_LIB = next(iter(sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))),
                    "/usr/lib/faketime/libfaketimeMT.so.1")


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


class Server:
    def __init__(self, binary, data, log):
        self.binary, self.data, self.log, self.proc = binary, data, log, None

    def start(self, faketime=None):
        self.port = free_port()
        env = dict(os.environ)
        if faketime:
            env.update(LD_PRELOAD=FAKETIME_LIB, FAKETIME=faketime,
                       FAKETIME_DONT_FAKE_MONOTONIC="1")
        self.proc = subprocess.Popen([self.binary, "serve", "--host", "127.0.0.1", "--port",
                                      str(self.port), "--data-dir", self.data], env=env,
                                     stdout=self.log, stderr=self.log)
        self.ep = f"http://127.0.0.1:{self.port}"
        self.ddb = boto3.client("dynamodb", endpoint_url=self.ep, region_name="us-east-1",
                                aws_access_key_id="x", aws_secret_access_key="x",
                                config=Config(retries={"max_attempts": 1}))
        for _ in range(300):
            try:
                self.ddb.list_tables(); return
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self):
        self.proc.terminate(); self.proc.wait(60)


def wrk_rate(ep, script, seconds, keyspace):
    env = dict(os.environ, KEYSPACE=str(keyspace), BENCH_DIR=SHARED + "/",
               SHARED_BENCH_DIR=SHARED + "/")
    proc = subprocess.run(["wrk", "-t1", "-c4", f"-d{seconds}s", "-s", script, ep + "/"], env=env,
                          capture_output=True, text=True, check=True)
    if "non-200" in proc.stderr:
        raise RuntimeError("the writer got errors: " + proc.stderr[:300])
    out = proc.stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1000000)
    ap.add_argument("--changes", type=int, default=100000)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "tideline"))
    args = ap.parse_args()
    if not os.path.exists(os.path.join(SHARED, "ddb_preload.lua")):
        raise SystemExit(f"no ddb_preload.lua in {SHARED}: set SHARED_BENCH")
    work = tempfile.mkdtemp(prefix="tideline-incexp-bench-")
    data = os.path.join(work, "data")
    os.makedirs(os.path.join(data, "s3", "bench"))
    log = open(os.path.join(work, "server.log"), "w")
    server = Server(args.bin, data, log)
    try:
        server.start(faketime="-40m")
        ddb = server.ddb
        ddb.create_table(TableName="usertable", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        t = time.time()
        env = dict(os.environ, KEYSPACE=str(args.items), BENCH_DIR=SHARED + "/")
        proc = subprocess.run(["wrk", "-t1", "-c8", f"-d{args.items // 5000 + 30}s", "-s",
                               os.path.join(SHARED, "ddb_preload.lua"), server.ep + "/"],
                              env=env, check=True, capture_output=True, text=True)
        if "non-200" in proc.stderr or "cannot open" in proc.stderr:
            raise RuntimeError("preload failed: " + proc.stderr[:300])
        print(f"loaded {args.items} items")
        ddb.update_continuous_backups(TableName="usertable", PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": True})
        window_from = int(time.time()) + 1 - 40 * 60  # the server's clock, in whole seconds
        time.sleep(window_from + 40 * 60 + 0.2 - time.time())
        # N changes: distinct keys spread over the table (every k-th), rewritten with a new n.
        t = time.time()
        step = max(1, args.items // args.changes)
        keys = [f"user{i:010d}" for i in range(0, args.items, step)][:args.changes]
        payload = "y" * 160
        chunks = [keys[i:i + 25] for i in range(0, len(keys), 25)]

        def writer(part):
            c = boto3.client("dynamodb", endpoint_url=server.ep, region_name="us-east-1",
                             aws_access_key_id="x", aws_secret_access_key="x")
            for chunk in part:
                req = {"usertable": [{"PutRequest": {"Item": {
                    "pk": {"S": k}, "f0": {"S": payload}, "n": {"N": "1"}}}} for k in chunk]}
                while req:
                    req = c.batch_write_item(RequestItems=req)["UnprocessedItems"]
        threads = [threading.Thread(target=writer, args=(chunks[i::4],)) for i in range(4)]
        for th in threads: th.start()
        for th in threads: th.join()
        print(f"changed {len(keys)} keys in {time.time() - t:.1f} s")
        server.stop()
        server.start()  # the real time: the window is 40 minutes back
        ddb = server.ddb
        arn = ddb.describe_table(TableName="usertable")["Table"]["TableArn"]

        def export():
            t0 = time.time()
            d = ddb.export_table_to_point_in_time(
                TableArn=arn, S3Bucket="bench", ExportType="INCREMENTAL_EXPORT",
                IncrementalExportSpecification={"ExportFromTime": window_from,
                                                "ExportToTime": window_from + 15 * 60}
            )["ExportDescription"]
            while True:
                d = ddb.describe_export(ExportArn=d["ExportArn"])["ExportDescription"]
                if d["ExportStatus"] != "IN_PROGRESS":
                    break
                time.sleep(0.02)
            assert d["ExportStatus"] == "COMPLETED", d
            return time.time() - t0, d["ItemCount"]

        secs, count = export()
        print(f"incremental export: {count} records in {secs:.2f} s "
              f"({count / secs:,.0f} records/s over a {args.items}-item table)")
        script = os.path.join(ROOT, "bench", "ddb_update.lua")
        wrk_rate(server.ep, script, 5, args.items)  # warm-up (caches, compactions after load)
        base = wrk_rate(server.ep, script, args.seconds, args.items)
        stop = threading.Event()
        times = []

        def exporter():
            while not stop.is_set():
                times.append(export()[0])
        th = threading.Thread(target=exporter)
        th.start()
        during = wrk_rate(server.ep, script, args.seconds, args.items)
        stop.set()
        th.join()
        after = wrk_rate(server.ep, script, args.seconds, args.items)
        print(f"writer (UpdateItem, wrk -c4): {base:,.0f}/s without, {during:,.0f}/s during "
              f"{len(times)} back-to-back exports, {after:,.0f}/s without again "
              f"(during / mean without: {2 * during / (base + after):.2f}); export times "
              f"{min(times):.2f}-{max(times):.2f} s")
    finally:
        try:
            server.stop()
        except Exception:
            pass
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
