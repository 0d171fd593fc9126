"""Exports and PITR across server restarts (SIGTERM and kill -9).

Facts: shared/design.md "Export": "A restart must never leave a job IN_PROGRESS forever nor report
COMPLETED for an export whose files are not all written: resume it or fail it with a reason";
"Acknowledged writes survive kill -9". Export records are kept 90 days ([DOC] Requesting, §5
"retention") and a ClientToken is valid for 8 hours (§5 "ClientToken"), so both outlive a
restart. ExportTime may be anywhere in the PITR window (§5 "window"), which a restart does not
shorten.
"""

import os
import time

from export_support import (ExportTestCase, GatedProxy, HoldingS3Proxy, MotoServer, S3Bucket,
                            canonical, check_export, random_bucket, sleep_past_next_second,
                            wait_for, wire)
from harness import CREDS


class ExportRestart(ExportTestCase):

    @classmethod
    def _create_class_tables(cls):
        cls.bucket = cls.make_bucket()

    def test_export_records_survive_a_restart(self):
        # Export metadata is kept for 90 days (§5 "retention"): DescribeExport and ListExports
        # answer the same after a restart; the files stay where they are.
        table = self.create_pitr_table()
        self.put_items(table, [{"pk": {"S": f"k{i}"}} for i in range(10)])
        done = self.export_and_wait(table, self.bucket, ClientToken="survivor", S3Prefix="pre")
        failed = self.export_and_wait(table, random_bucket())
        self.assertEqual(done["ExportStatus"], "COMPLETED")
        self.assertEqual(failed["ExportStatus"], "FAILED")
        listed = self.client.list_exports(TableArn=self.table_arn(table))["ExportSummaries"]
        for kill in (False, True):
            with self.subTest(kill=kill):
                self.restart_server(kill=kill)
                self.assertEqual(self.describe_export(done["ExportArn"]), done)
                self.assertEqual(self.describe_export(failed["ExportArn"]), failed)
                self.assertEqual(self.client.list_exports(
                    TableArn=self.table_arn(table))["ExportSummaries"], listed)
                self.check_local_export(table, done)

    def test_client_token_survives_a_restart(self):
        # A ClientToken is "valid for 8 hours after the first request that uses it is
        # completed" (§5): a replay after a restart is the same export, a changed one conflicts.
        table = self.create_pitr_table()
        arn = self.table_arn(table)
        first = self.client.export_table_to_point_in_time(
            TableArn=arn, S3Bucket=self.bucket, ClientToken="tok-restart")["ExportDescription"]
        self.wait_export(first["ExportArn"])
        self.restart_server()
        again = self.client.export_table_to_point_in_time(
            TableArn=arn, S3Bucket=self.bucket, ClientToken="tok-restart")["ExportDescription"]
        self.assertEqual(again["ExportArn"], first["ExportArn"])
        with self.assertApiError("ExportConflictException", contains="Duplicate request detected"):
            self.client.export_table_to_point_in_time(
                TableArn=arn, S3Bucket=self.bucket, ClientToken="tok-restart", ExportFormat="ION")

    def test_pitr_settings_and_history_survive_a_restart(self):
        # PITR state, its window and the history inside it are durable: an export at a time
        # before the restart still sees the table as it was then.
        table = self.create_pitr_table()
        self.enable_pitr(table, days=7)
        before = self.pitr(table)
        off = self.create_table()
        self.client.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"S": "one"}})
        t = sleep_past_next_second()
        self.client.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"S": "two"}})
        self.client.put_item(TableName=table, Item={"pk": {"S": "b"}})
        for kill in (False, True):
            with self.subTest(kill=kill):
                self.restart_server(kill=kill)
                after = self.pitr(table)
                self.assertEqual(after["PointInTimeRecoveryStatus"], "ENABLED")
                self.assertEqual(after["RecoveryPeriodInDays"], 7)
                self.assertEqual(after["EarliestRestorableDateTime"],
                                 before["EarliestRestorableDateTime"])
                self.assertEqual(self.pitr(off)["PointInTimeRecoveryStatus"], "DISABLED")
                desc = self.export_and_wait(table, self.bucket, ExportTime=t)
                items = self.check_local_export(table, desc, export_time_ms=t * 1000).items
                self.assertEqual(items, [{"pk": {"S": "a"}, "v": {"S": "one"}}])
                desc = self.export_and_wait(table, self.bucket)
                self.assertSameItems(self.check_local_export(table, desc).items,
                                     [{"pk": {"S": "a"}, "v": {"S": "two"}}, {"pk": {"S": "b"}}],
                                     ("pk",))

    def test_kill9_with_exports_in_flight(self):
        # After kill -9 every export ends COMPLETED or FAILED, never stays IN_PROGRESS, and a
        # COMPLETED one has all its files (design.md "Export"). Which of them were still
        # running at the kill is up to timing; the outcome must hold either way.
        table = self.create_pitr_table()
        items = [{"pk": {"S": f"k{i:05d}"}, "pad": {"S": "x" * 2000}} for i in range(3000)]
        self.put_items(table, items)
        arns = [self.start_export(table, self.bucket, ExportFormat=fmt)["ExportArn"]
                for fmt in ("DYNAMODB_JSON", "ION", "DYNAMODB_JSON", "ION")]
        self.server.kill9()
        self.start_again()
        expected = [canonical(wire(i)) for i in items]
        for arn in arns:
            with self.subTest(arn=arn):
                desc = self.wait_export(arn, timeout=120)
                self.assertIn(desc["ExportStatus"], ("COMPLETED", "FAILED"))
                if desc["ExportStatus"] == "COMPLETED":
                    got = self.check_local_export(table, desc).items
                    self.assertSameItems(got, expected, ("pk",))
                else:
                    self.assertTrue(desc.get("FailureCode"), desc)
                    self.assertTrue(desc.get("FailureMessage"), desc)


class ProxiedMotoCase(ExportTestCase):
    """A server exporting to a moto_server through the proxy that make_proxy() returns."""

    @classmethod
    def make_proxy(cls, moto_port):
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        cls.moto = MotoServer().start()
        cls.proxy = cls.make_proxy(cls.moto.port)
        cls.SERVER_ARGS = ("--s3-endpoint", cls.proxy.url)
        cls.s3 = cls.moto.client()
        os.environ.update(CREDS)
        try:
            super().setUpClass()
        except BaseException:
            cls.proxy.close()
            cls.moto.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.proxy.open()
        try:
            super().tearDownClass()
        finally:
            cls.proxy.close()
            cls.moto.stop()


class HeldExportRestart(ProxiedMotoCase):
    """Exports to a moto_server reachable through a gate: an export is held IN_PROGRESS at its
    first S3 request, so the kill -9 surely happens while it is in flight."""

    @classmethod
    def make_proxy(cls, moto_port):
        return GatedProxy(moto_port)

    def test_in_progress_export_is_finished_after_kill9(self):
        table = self.create_pitr_table()
        items = [{"pk": {"S": f"k{i}"}, "n": {"N": str(i)}} for i in range(25)]
        self.put_items(table, items)
        bucket = random_bucket()
        self.s3.create_bucket(Bucket=bucket)
        held = self.start_export(table, bucket, S3Prefix="resume", ExportFormat="ION")
        missing = self.start_export(table, random_bucket())
        time.sleep(0.3)
        for desc in (held, missing):
            self.assertEqual(self.describe_export(desc["ExportArn"])["ExportStatus"],
                             "IN_PROGRESS")
        # Written after the export's time: must not be in it, before or after the crash.
        self.client.delete_item(TableName=table, Key={"pk": {"S": "k0"}})
        self.client.put_item(TableName=table, Item={"pk": {"S": "late"}})
        self.server.kill9()
        self.proxy.open()
        self.start_again()
        final = self.wait_export(held["ExportArn"], timeout=120)
        self.assertEqual(final["ExportStatus"], "COMPLETED", final)
        self.assertEqual(final["StartTime"], held["StartTime"])
        t = self.describe_table(table)
        contents = check_export(self, S3Bucket(self.s3, bucket), final, t["TableArn"],
                                t["TableId"], prefix="resume", fmt="ION")
        self.assertSameItems(contents.items, [canonical(wire(i)) for i in items], ("pk",))
        failed = self.wait_export(missing["ExportArn"], timeout=120)
        self.assertEqual(failed["ExportStatus"], "FAILED")
        self.assertEqual(failed["FailureCode"], "S3NoSuchBucket")


class PartlyWrittenExportRestart(ProxiedMotoCase):
    """Exports to a moto_server through a proxy that holds the PUT of manifest-files.json: the
    export is stopped after its _started and data objects are in S3 and before its manifests."""

    @classmethod
    def make_proxy(cls, moto_port):
        return HoldingS3Proxy(moto_port, hold=r"/manifest-files\.json")

    def test_kill9_after_the_data_files_were_written(self):
        # The crash comes after the data files are in S3 and before the manifests. After the
        # restart the export must end COMPLETED with a consistent set of objects: every data
        # object under AWSDynamoDB/<id>/data/ is listed in manifest-files.json (readers such as
        # Athena/Glue crawl the data/ folder, so an unlisted leftover doubles items), and the
        # items are the snapshot at the original ExportTime.
        table = self.create_pitr_table()
        items = [{"pk": {"S": f"k{i}"}, "n": {"N": str(i)}} for i in range(40)]
        self.put_items(table, items)
        bucket = random_bucket()
        self.s3.create_bucket(Bucket=bucket)
        self.proxy.shut()
        held_before = self.proxy.held
        desc = self.start_export(table, bucket)
        wait_for(lambda: self.proxy.held > held_before, timeout=30,
                 what="the manifest-files.json PUT")
        self.assertEqual(self.describe_export(desc["ExportArn"])["ExportStatus"], "IN_PROGRESS")
        export_id = desc["ExportArn"].rsplit("/", 1)[1]
        before = S3Bucket(self.s3, bucket).keys(f"AWSDynamoDB/{export_id}/data/")
        self.assertTrue(before, "data objects were written before the crash")
        self.client.put_item(TableName=table, Item={"pk": {"S": "after-export-time"}})
        self.server.kill9()
        self.proxy.open()
        self.start_again()
        final = self.wait_export(desc["ExportArn"], timeout=120)
        self.assertEqual(final["ExportStatus"], "COMPLETED", final)
        t = self.describe_table(table)
        contents = check_export(self, S3Bucket(self.s3, bucket), final, t["TableArn"],
                                t["TableId"])
        self.assertSameItems(contents.items, [canonical(wire(i)) for i in items], ("pk",))

    def test_export_through_the_proxy(self):
        # Control for the test above: with the gate open the proxy relays S3 faithfully and an
        # export through it is complete and correct.
        self.proxy.open()
        table = self.create_pitr_table()
        items = [{"pk": {"S": f"k{i}"}} for i in range(5)]
        self.put_items(table, items)
        bucket = random_bucket()
        self.s3.create_bucket(Bucket=bucket)
        final = self.export_and_wait(table, bucket)
        self.assertEqual(final["ExportStatus"], "COMPLETED", final)
        t = self.describe_table(table)
        contents = check_export(self, S3Bucket(self.s3, bucket), final, t["TableArn"],
                                t["TableId"])
        self.assertSameItems(contents.items, [canonical(wire(i)) for i in items], ("pk",))
