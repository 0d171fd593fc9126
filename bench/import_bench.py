#!/usr/bin/env python3
"""Import benchmark: ImportTable of an N-item DYNAMODB_JSON export (~200 B items, gzip data files
laid out as a full export writes them in the local directory standing for S3), from the request
until the import is COMPLETED. Prints items/s, the time against `zcat` of the same files (the
target is import <= 3x zcat), and the server's peak RSS over its idle RSS (sampled every 20 ms;
the target is <= 150 MB).

Usage: bench/import_bench.py [--items 1000000] [--files 16] [--bin build/tideline]
"""
import argparse, gzip, json, os, random, resource, shutil, socket, subprocess, tempfile, time
import boto3
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_s(pid):
    """User + system CPU seconds of a process so far (all its threads)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def write_export(data_dir, items, files):
    """The data files of a full export (gzip, one JSON line per item): ~200 B per item."""
    out = os.path.join(data_dir, "s3", "bench", "AWSDynamoDB", "01700000000000-abcdef01", "data")
    os.makedirs(out)
    rng = random.Random(1)
    per_file = (items + files - 1) // files
    paths, n = [], 0
    for f in range(files):
        lines = []
        for _ in range(min(per_file, items - n)):
            item = {"pk": {"S": f"user{rng.getrandbits(48):014d}"},
                    "n": {"N": str(n)},
                    "f0": {"S": "".join(rng.choices("abcdefghij", k=60))},
                    "f1": {"S": "".join(rng.choices("klmnopqrst", k=60))}}
            lines.append(json.dumps({"Item": item}, separators=(",", ":")))
            n += 1
        path = os.path.join(out, f"{f:026d}.json.gz")
        with open(path, "wb") as fh:
            fh.write(gzip.compress(("\n".join(lines) + "\n").encode(), compresslevel=6))
        paths.append(path)
    return paths


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1000000)
    ap.add_argument("--files", type=int, default=16)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "tideline"))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="import-bench-")
    try:
        data = os.path.join(tmp, "data")
        paths = write_export(data, args.items, args.files)
        raw = sum(len(gzip.decompress(open(p, "rb").read())) for p in paths)
        t0 = time.monotonic()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(["zcat"] + paths, stdout=subprocess.DEVNULL, check=True)
        zcat_s = time.monotonic() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        zcat_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)

        port = free_port()
        log = open(os.path.join(tmp, "server.log"), "w")
        proc = subprocess.Popen([args.bin, "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--data-dir", data], stdout=log, stderr=log)
        ddb = boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}",
                           region_name="us-east-1", aws_access_key_id="x",
                           aws_secret_access_key="x", config=Config(retries={"max_attempts": 1}))
        for _ in range(600):
            try:
                ddb.list_tables(); break
            except Exception:
                time.sleep(0.1)
        time.sleep(1)
        idle = rss_kb(proc.pid)
        peak = idle
        cpu0 = cpu_s(proc.pid)
        t0 = time.monotonic()
        arn = ddb.import_table(
            S3BucketSource={"S3Bucket": "bench",
                            "S3KeyPrefix": "AWSDynamoDB/01700000000000-abcdef01/data/"},
            InputFormat="DYNAMODB_JSON", InputCompressionType="GZIP",
            TableCreationParameters={
                "TableName": "imported", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]},
        )["ImportTableDescription"]["ImportArn"]
        next_poll = 0.0
        while True:
            peak = max(peak, rss_kb(proc.pid))
            now = time.monotonic()
            if now >= next_poll:
                desc = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]
                if desc["ImportStatus"] != "IN_PROGRESS":
                    break
                next_poll = now + 0.1
            time.sleep(0.02)
        import_s = time.monotonic() - t0
        import_cpu = cpu_s(proc.pid) - cpu0
        count = ddb.describe_table(TableName="imported")["Table"]["ItemCount"]
        proc.terminate(); proc.wait(timeout=120)
        db_bytes = sum(os.path.getsize(os.path.join(d, f))
                       for d, _, fs in os.walk(os.path.join(data, "rocksdb")) for f in fs)
        print(f"import of {args.items} items ({raw / args.items:.0f} B/item as JSON, "
              f"{args.files} gzip files): {desc['ImportStatus']}, {count} items in the table")
        print(f"  import {import_s:.2f} s = {args.items / import_s:,.0f} items/s; "
              f"zcat {zcat_s:.2f} s; ratio {import_s / zcat_s:.2f}x (target <= 3x)")
        # CPU time does not depend on what else the machine runs, wall-clock time does.
        print(f"  CPU: import {import_cpu:.2f} s (server, all threads), zcat {zcat_cpu:.2f} s; "
              f"ratio {import_cpu / zcat_cpu:.2f}x")
        print(f"  RSS idle {idle / 1024:.0f} MB, peak {peak / 1024:.0f} MB, "
              f"over idle {(peak - idle) / 1024:.0f} MB (target <= 150 MB)")
        print(f"  database on disk after the import: {db_bytes / 2**20:.0f} MiB "
              f"({raw / 2**20:.0f} MiB of JSON lines read)")
        log.close()
        for line in open(os.path.join(tmp, "server.log")):
            if "objects read" in line:
                print("  server:", line.split(" info ", 1)[-1].strip())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
