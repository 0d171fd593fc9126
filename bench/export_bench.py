#!/usr/bin/env python3
"""Export benchmark: from ExportTableToPointInTime to COMPLETED for N items of ~200 B, in both
formats, beside `gzip -1` and `pigz -1` on the same uncompressed lines and a plain scan of the
table, in one run. Also the latency of a 10-item export, the server's RSS (idle, and peak
during each export, sampled every 10 ms), and a RestoreTableToPointInTime of the whole table.

Usage: bench/export_bench.py [--items 1000000] [--bin build/tideline]
Needs: wrk (loads the table with ../shared/bench/ddb_preload.lua), gzip, pigz.
"""
import argparse, glob, gzip, json, os, shutil, socket, subprocess, sys, tempfile, threading, time
import boto3
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("SHARED_BENCH", os.path.join(ROOT, "..", "shared", "bench"))


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1000000)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "tideline"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="tideline-export-bench-")
    data = os.path.join(work, "data")
    os.makedirs(os.path.join(data, "s3", "bench"))
    port = free_port()
    log = open(os.path.join(work, "server.log"), "w")
    server = subprocess.Popen([args.bin, "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--data-dir", data], stderr=log, stdout=log)
    try:
        ep = f"http://127.0.0.1:{port}"
        ddb = boto3.client("dynamodb", endpoint_url=ep, region_name="us-east-1",
                           aws_access_key_id="x", aws_secret_access_key="x",
                           config=Config(retries={"max_attempts": 1}))
        for _ in range(100):
            try:
                ddb.list_tables(); break
            except Exception:
                time.sleep(0.1)
        ddb.create_table(TableName="usertable", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        t0 = time.time()
        env = dict(os.environ, KEYSPACE=str(args.items), BENCH_DIR=SHARED + "/")
        subprocess.run(["wrk", "-t1", "-c8", f"-d{args.items // 20000 + 10}s", "-s",
                        os.path.join(SHARED, "ddb_preload.lua"), ep + "/"], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        load_s = time.time() - t0
        desc = ddb.describe_table(TableName="usertable")["Table"]
        print(f"# {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {os.cpu_count()} cores; "
              f"{desc['ItemCount']} items, {desc['TableSizeBytes'] / 1e6:.1f} MB of items "
              f"(loaded in {load_s:.1f} s)")
        assert desc["ItemCount"] == args.items, desc["ItemCount"]
        ddb.update_continuous_backups(TableName="usertable", PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": True})
        arn = desc["TableArn"]
        time.sleep(1)
        idle = rss_kb(server.pid)
        print(f"server idle RSS: {idle / 1024:.0f} MB")

        # A plain scan of the table (server side, Select=COUNT pages of 1 MB).
        t0 = time.time(); n = 0; kwargs = {}
        while True:
            page = ddb.scan(TableName="usertable", Select="COUNT", **kwargs)
            n += page["Count"]
            if "LastEvaluatedKey" not in page: break
            kwargs = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
        scan_s = time.time() - t0
        print(f"scan (Select=COUNT, 1 MB pages): {n} items in {scan_s:.2f} s = {n / scan_s:,.0f} items/s")

        results = {}
        for fmt in ("DYNAMODB_JSON", "ION"):
            peak = [idle]; stop = threading.Event()
            def sample():
                while not stop.is_set():
                    peak[0] = max(peak[0], rss_kb(server.pid)); time.sleep(0.01)
            th = threading.Thread(target=sample); th.start()
            t0 = time.time()
            e = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket="bench", ExportFormat=fmt)
            earn = e["ExportDescription"]["ExportArn"]
            while True:
                d = ddb.describe_export(ExportArn=earn)["ExportDescription"]
                if d["ExportStatus"] != "IN_PROGRESS": break
                time.sleep(0.02)
            secs = time.time() - t0
            stop.set(); th.join()
            assert d["ExportStatus"] == "COMPLETED", d
            assert d["ItemCount"] == args.items
            prefix = os.path.join(data, "s3", "bench", os.path.dirname(d["ExportManifest"]))
            files = glob.glob(os.path.join(prefix, "data", "*.gz"))
            gz_bytes = sum(os.path.getsize(f) for f in files)
            raw = os.path.join(work, f"lines.{fmt}")
            with open(raw, "wb") as out:
                for f in files:
                    with gzip.open(f) as g: shutil.copyfileobj(g, out)
            raw_bytes = os.path.getsize(raw)
            results[fmt] = (secs, raw, raw_bytes)
            print(f"export {fmt:13s}: {secs:6.2f} s  {args.items / secs:>10,.0f} items/s  "
                  f"{raw_bytes / 1e6 / secs:7.1f} MB/s uncompressed  ({len(files)} files, "
                  f"{raw_bytes / 1e6:.0f} MB -> {gz_bytes / 1e6:.0f} MB gz)  peak RSS "
                  f"{peak[0] / 1024:.0f} MB (+{(peak[0] - idle) / 1024:.0f} MB over idle)")

        secs, raw, raw_bytes = results["DYNAMODB_JSON"]
        for tool in (["gzip", "-1", "-c"], ["pigz", "-1", "-c"]):
            if not shutil.which(tool[0]):
                print(f"{tool[0]}: not installed"); continue
            t0 = time.time()
            with open(raw, "rb") as f:
                subprocess.run(tool, stdin=f, stdout=subprocess.DEVNULL, check=True)
            t = time.time() - t0
            print(f"{' '.join(tool[:2]):13s} on the DYNAMODB_JSON lines: {t:6.2f} s  "
                  f"{raw_bytes / 1e6 / t:7.1f} MB/s   export/{tool[0]} time ratio {secs / t:.2f}")

        # RestoreTableToPointInTime of the whole table into a new one, until it is ACTIVE.
        t0 = time.time()
        ddb.restore_table_to_point_in_time(SourceTableName="usertable", TargetTableName="restored",
                                           UseLatestRestorableTime=True)
        while ddb.describe_table(TableName="restored")["Table"]["TableStatus"] != "ACTIVE":
            time.sleep(0.02)
        secs = time.time() - t0
        restored = ddb.describe_table(TableName="restored")["Table"]["ItemCount"]
        assert restored == args.items, restored
        print(f"restore to a new table: {secs:6.2f} s  {args.items / secs:>10,.0f} items/s  "
              f"server RSS {rss_kb(server.pid) / 1024:.0f} MB")

        # Latency of a small export.
        ddb.create_table(TableName="small", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        for i in range(10):
            ddb.put_item(TableName="small", Item={"pk": {"S": f"k{i}"}, "v": {"N": str(i)}})
        ddb.update_continuous_backups(TableName="small", PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": True})
        sarn = ddb.describe_table(TableName="small")["Table"]["TableArn"]
        t0 = time.time()
        e = ddb.export_table_to_point_in_time(TableArn=sarn, S3Bucket="bench")
        while ddb.describe_export(ExportArn=e["ExportDescription"]["ExportArn"])[
                "ExportDescription"]["ExportStatus"] == "IN_PROGRESS":
            time.sleep(0.005)
        print(f"10-item export: COMPLETED {time.time() - t0:.3f} s after the request")
    finally:
        server.terminate(); server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
