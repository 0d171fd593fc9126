#!/usr/bin/env python3
"""On-demand backup benchmark: CreateBackup of a table of N items of ~200 B (time from the request
until DescribeBackup says AVAILABLE, and the data directory's size before and after); then a
share of the items is overwritten (the restore from the backup reads their old versions from the
history) and RestoreTableFromBackup is timed against RestoreTableToPointInTime of the same table
(request until the target is ACTIVE).

A backup copies nothing (docs/storage.md "Snapshots"): its time should not grow with N, and it
holds one old version per item changed since (counted by tests/unit/storage/snapshot_test.cc; the
directory's size after overwrites is dominated by compaction, so it is not reported). PITR is off
while the backup is taken and turned on for the point-in-time restore.

Usage: bench/backup_bench.py [--items 1000000] [--overwrite 10000] [--bin build/tideline]
Needs: wrk (loads the table with ../shared/bench/ddb_preload.lua), as bench/restore_bench.py.
"""
import argparse, os, shutil, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from restore_bench import ROOT, Server, preload  # noqa: E402


def du(path):
    return int(subprocess.run(["du", "-sb", path], capture_output=True, text=True).stdout.split()[0])


def wait_active(ddb, table):
    while ddb.describe_table(TableName=table)["Table"]["TableStatus"] != "ACTIVE":
        time.sleep(0.02)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1000000)
    ap.add_argument("--overwrite", type=int, default=10000, help="items overwritten after it")
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "tideline"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="tideline-backup-bench-")
    data = os.path.join(work, "data")
    try:
        server = Server(args.bin, data, open(os.path.join(work, "server.log"), "w"))
        ddb = server.ddb
        try:
            t0 = time.time()
            preload(server, args.items)  # turns PITR on
            ddb.update_continuous_backups(TableName="usertable", PointInTimeRecoverySpecification={
                "PointInTimeRecoveryEnabled": False})
            print(f"# {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {os.cpu_count()} "
                  f"cores, load average {os.getloadavg()[0]:.1f}; {args.items} items preloaded in "
                  f"{time.time() - t0:.0f} s", flush=True)
            before = du(data)
            t0 = time.perf_counter()
            arn = ddb.create_backup(TableName="usertable", BackupName="bench")["BackupDetails"][
                "BackupArn"]
            answered = time.perf_counter() - t0
            while ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"][
                    "BackupStatus"] != "AVAILABLE":
                time.sleep(0.001)
            available = time.perf_counter() - t0
            after = du(data)
            print(f"CreateBackup of {args.items} items: answered in {answered * 1000:.1f} ms, "
                  f"AVAILABLE after {available * 1000:.1f} ms; data dir {before / 2**20:.1f} MiB "
                  f"before, {after / 2**20:.1f} MiB after ({(after - before) / 2**10:+.0f} KiB)",
                  flush=True)

            keys = [f"user{i:010d}" for i in range(0, args.items, max(1, args.items // args.overwrite))]
            for i in range(0, len(keys), 25):
                req = {"usertable": [{"PutRequest": {"Item": {"pk": {"S": k}, "v": {"S": "x" * 180}}}}
                                     for k in keys[i:i + 25]]}
                while req:
                    req = ddb.batch_write_item(RequestItems=req)["UnprocessedItems"]
            # (The restore from the backup then reads their old versions from the history.)
            print(f"{len(keys)} items overwritten after the backup", flush=True)

            t0 = time.time()
            ddb.restore_table_from_backup(TargetTableName="from_backup", BackupArn=arn)
            wait_active(ddb, "from_backup")
            from_backup = time.time() - t0
            count = ddb.describe_table(TableName="from_backup")["Table"]["ItemCount"]
            assert count == args.items, count
            ddb.update_continuous_backups(TableName="usertable", PointInTimeRecoverySpecification={
                "PointInTimeRecoveryEnabled": True})
            t0 = time.time()
            ddb.restore_table_to_point_in_time(SourceTableName="usertable",
                                               TargetTableName="from_pitr",
                                               UseLatestRestorableTime=True)
            wait_active(ddb, "from_pitr")
            from_pitr = time.time() - t0
            print(f"RestoreTableFromBackup {from_backup:.2f} s "
                  f"({args.items / from_backup:,.0f} items/s), RestoreTableToPointInTime "
                  f"{from_pitr:.2f} s ({args.items / from_pitr:,.0f} items/s)", flush=True)
            ddb.delete_backup(BackupArn=arn)
        finally:
            server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
