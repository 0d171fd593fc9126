"""History collection: with PITR off a table keeps only what a read needs, so an item updated
thousands of times does not make the database grow without bound; with PITR on, the versions
inside the recovery window survive the same churn.

Facts: shared/design.md "Storage and point in time": "Retention is per table: PITR off -> only the
latest version matters; on -> every version newer than now - RecoveryPeriodInDays". The server
cannot be told to compact from outside, so this measures the size of the data directory after
writing many times more bytes than any legitimate footprint (the storage-level unit test
tests/unit/storage covers the exact versions kept). Incompressible payloads keep RocksDB's
compression out of the measurement.
"""

import os
import time

from export_support import ExportTestCase, time_after_last_write

PAYLOAD_BYTES = 300 * 1024
UPDATES = 2400  # ~700 MiB written to one item


def dir_bytes(path, skip=()):
    total = 0
    for dirpath, dirnames, files in os.walk(path):
        dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) not in skip]
        for f in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, f))
            except OSError:
                pass  # a file RocksDB removed while we walked
    return total


class HistoryCollection(ExportTestCase):

    def data_bytes(self):
        return dir_bytes(self.server.data_dir, skip={os.path.join(self.server.data_dir, "s3")})

    def hammer(self, table, updates, first=0):
        for i in range(first, first + updates):
            self.client.put_item(TableName=table, Item={
                "pk": {"S": "the-one"}, "n": {"N": str(i)},
                "blob": {"B": os.urandom(PAYLOAD_BYTES)}})

    def test_one_item_updated_thousands_of_times_without_pitr(self):
        # PITR off: superseded versions are garbage; after ~700 MiB of updates to one item the
        # data directory must be far smaller than what was written. The bound leaves room for
        # RocksDB's write buffers, WAL and level-0 files before compaction (a few hundred MiB at
        # most); a server that kept every version would hold all ~700 MiB.
        table = self.create_table()
        baseline = self.data_bytes()
        self.hammer(table, UPDATES)
        written = UPDATES * PAYLOAD_BYTES
        limit = written * 0.45
        # Background compactions may still be catching up: give them time to settle.
        deadline = time.monotonic() + 120
        size = self.data_bytes() - baseline
        while size > limit and time.monotonic() < deadline:
            time.sleep(1)
            size = self.data_bytes() - baseline
        self.assertLess(size, limit, f"data dir grew by {size / 2**20:.0f} MiB after "
                                     f"{written / 2**20:.0f} MiB of updates to one item")
        # And the item is, of course, its last version.
        item = self.client.get_item(TableName=table, Key={"pk": {"S": "the-one"}})["Item"]
        self.assertEqual(item["n"], {"N": str(UPDATES - 1)})

    def test_history_inside_the_pitr_window_survives_compaction(self):
        # PITR on: "every version newer than now - RecoveryPeriodInDays" is kept (design.md), so
        # exports at times early in a long run of updates still see the versions of then, after
        # the updates have forced RocksDB through flushes and compactions. (This is also the
        # control of the test above: here the history must stay.)
        table = self.create_pitr_table()
        bucket = self.make_bucket()
        self.hammer(table, 1)
        t_first = time_after_last_write()
        self.hammer(table, 600, first=1)
        t_middle = time_after_last_write()
        self.hammer(table, 600, first=601)
        written = 1201 * PAYLOAD_BYTES
        self.assertGreater(self.data_bytes(), written * 0.5,
                           "with PITR on, the versions in the window take their space")
        arn = self.table_arn(table)
        for t, version in ((t_first, "0"), (t_middle, "600")):
            with self.subTest(version=version):
                resp = self.raw_export({"TableArn": arn, "S3Bucket": bucket, "ExportTime": t})
                self.assertEqual(resp.status, 200, resp)
                desc = self.wait_export(resp.json()["ExportDescription"]["ExportArn"], timeout=60)
                items = self.check_local_export(table, desc, export_time_ms=round(t * 1000)).items
                self.assertEqual(len(items), 1)
                self.assertEqual(items[0]["n"], {"N": version})
