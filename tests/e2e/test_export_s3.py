"""Exports over the S3 protocol (--s3-endpoint) to a real moto_server: the same objects as the
local sink, the SSE headers S3 keeps, ETags as S3 reports them, and a missing bucket.

Facts: shared/spec/export-and-pitr.md §1 (objects), §1.5 ("etag is the S3 multipart ETag",
Appendix A step 3 "or whatever the S3 backend reports"), §4.1 (S3SseAlgorithm AES256|KMS,
S3SseKmsKeyId), §5 ("missing bucket").
"""

import os

from export_support import (ExportTestCase, GatedProxy, HoldingS3Proxy, MotoServer, S3Bucket,
                            canonical, check_export, ensure_ion_check, random_bucket, wait_for,
                            wire)
from harness import CREDS


class S3TestCase(ExportTestCase):
    """A tideline whose exports go to a moto_server started for the class (optionally through
    a GatedProxy when GATED is set)."""

    GATED = False
    HOLD = None  # a path regex: S3 requests matching it are held by a HoldingS3Proxy

    @classmethod
    def setUpClass(cls):
        ensure_ion_check()
        cls.moto = MotoServer().start()
        cls.proxy = None
        if cls.GATED:
            cls.proxy = GatedProxy(cls.moto.port)
        elif cls.HOLD:
            cls.proxy = HoldingS3Proxy(cls.moto.port, cls.HOLD)
        endpoint = cls.proxy.url if cls.proxy else cls.moto.url
        cls.SERVER_ARGS = ("--s3-endpoint", endpoint)
        cls.s3 = cls.moto.client()
        os.environ.update(CREDS)
        try:
            super().setUpClass()
        except BaseException:
            cls._stop_peers()
            raise

    @classmethod
    def _stop_peers(cls):
        if cls.proxy:
            cls.proxy.close()
        cls.moto.stop()

    @classmethod
    def tearDownClass(cls):
        if cls.proxy:
            cls.proxy.open()
        try:
            super().tearDownClass()
        finally:
            cls._stop_peers()

    def new_bucket(self):
        name = random_bucket()
        self.s3.create_bucket(Bucket=name)
        return name

    def check_s3_export(self, table, desc, **kw):
        t = self.describe_table(table)
        return check_export(self, S3Bucket(self.s3, desc["S3Bucket"]), desc, t["TableArn"],
                            t["TableId"], prefix=desc.get("S3Prefix"), fmt=desc["ExportFormat"],
                            **kw)


class ExportToS3(S3TestCase):

    @classmethod
    def _create_class_tables(cls):
        cls.table = cls.create_pitr_table(("pk", "S"), ("sk", "N"))
        cls.items = [{"pk": {"S": f"p{i % 3}"}, "sk": {"N": str(i)}, "b": {"B": bytes([i]) * 3},
                      "ns": {"NS": [str(i), "0.5"]}, "m": {"M": {"x": {"NULL": True}}}}
                     for i in range(20)]
        cls.put_items(cls.table, cls.items)

    def test_objects_in_s3(self):
        # The same layout and bytes as AWS writes (§1); the manifest ETags are the ones S3
        # reports for the data objects (§1.5).
        for fmt, prefix in (("DYNAMODB_JSON", None), ("ION", "dira/dirb/dirc")):
            with self.subTest(fmt=fmt):
                bucket = self.new_bucket()
                kw = {"ExportFormat": fmt}
                if prefix:
                    kw["S3Prefix"] = prefix
                desc = self.export_and_wait(self.table, bucket, **kw)
                self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
                contents = self.check_s3_export(self.table, desc)
                self.assertSameItems(contents.items, [canonical(wire(i)) for i in self.items])
                # Nothing but the export's objects in the bucket.
                keys = S3Bucket(self.s3, bucket).keys()
                self.assertTrue(all(k.startswith(contents.base + "/") for k in keys), keys)
                # The manifests too are what S3 stores (ETag = md5 of a plain PUT).
                head = self.s3.head_object(Bucket=bucket, Key=desc["ExportManifest"])
                self.assertEqual(head["ContentLength"], len(contents.summary_raw))

    def test_sse_aes256(self):
        # S3SseAlgorithm AES256: S3 keeps every object with SSE-S3 (§4.1, summary §1.4).
        bucket = self.new_bucket()
        desc = self.export_and_wait(self.table, bucket, S3SseAlgorithm="AES256")
        contents = self.check_s3_export(self.table, desc)
        store = S3Bucket(self.s3, bucket)
        for key in store.keys(contents.base + "/"):
            with self.subTest(key=key):
                self.assertEqual(store.head(key).get("ServerSideEncryption"), "AES256")

    def test_sse_kms_with_key_id(self):
        # S3SseAlgorithm KMS with S3SseKmsKeyId: every object is encrypted with that key
        # (x-amz-server-side-encryption: aws:kms), and the summary names it (§1.4).
        key_id = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        bucket = self.new_bucket()
        desc = self.export_and_wait(self.table, bucket, S3SseAlgorithm="KMS",
                                    S3SseKmsKeyId=key_id)
        self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
        contents = self.check_s3_export(self.table, desc, sse="KMS", kms_key=key_id)
        store = S3Bucket(self.s3, bucket)
        for key in store.keys(contents.base + "/"):
            with self.subTest(key=key):
                head = store.head(key)
                self.assertEqual(head.get("ServerSideEncryption"), "aws:kms")
                self.assertEqual(head.get("SSEKMSKeyId"), key_id)

    def test_missing_bucket(self):
        # [AWS-OBS] moto test_export_to_missing_s3_bucket (aws_verified): accepted, then FAILED
        # with FailureCode S3NoSuchBucket and "The specified bucket does not exist" (§5).
        bucket = random_bucket()
        desc = self.export_and_wait(self.table, bucket)
        self.assertEqual(desc["ExportStatus"], "FAILED")
        self.assertEqual(desc["FailureCode"], "S3NoSuchBucket")
        self.assertIn("The specified bucket does not exist", desc["FailureMessage"])
        self.assertNotIn(bucket, [b["Name"] for b in self.s3.list_buckets()["Buckets"]])

    def test_large_data_files_go_up_in_parts(self):
        # AWS uploads data files with multipart uploads (§1.5); a data file larger than one part
        # is several parts, and its manifest etag is whatever S3 reports ("<hex>-<parts>").
        table = self.create_pitr_table()
        items = [{"pk": {"S": f"big{i}"}, "blob": {"B": os.urandom(350 * 1024)}} for i in range(64)]
        for item in items:
            self.client.put_item(TableName=table, Item=item)
        bucket = self.new_bucket()
        desc = self.export_and_wait(table, bucket, timeout=120)
        self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
        contents = self.check_s3_export(table, desc)
        self.assertEqual(len(contents.items), 64)
        self.assertSameItems(contents.items, [canonical(wire(i)) for i in items], ("pk",))
        self.assertTrue(any(not e["etag"].endswith("-1") for e in contents.files),
                        [e["etag"] for e in contents.files])


class HeldExportToS3(S3TestCase):
    """S3 is reachable only through a gate the test opens: an export is held IN_PROGRESS (at its
    first S3 request) for as long as the test wants."""

    GATED = True

    def test_writes_while_an_export_runs_are_not_in_it(self):
        # An export is "a snapshot of the table's state at this point in time" (§4.1): with
        # ExportTime omitted, the time of the request. Everything written while it is still
        # running, deletes included, stays out of it.
        table = self.create_pitr_table()
        items = [{"pk": {"S": f"k{i}"}, "v": {"N": str(i)}, "l": {"L": [{"S": "x"}]}}
                 for i in range(100)]
        self.put_items(table, items)
        bucket = self.new_bucket()
        desc = self.start_export(table, bucket)
        self.assertEqual(desc["ExportStatus"], "IN_PROGRESS")
        for i in range(0, 100, 2):
            self.client.delete_item(TableName=table, Key={"pk": {"S": f"k{i}"}})
        for i in range(1, 100, 3):
            self.client.update_item(TableName=table, Key={"pk": {"S": f"k{i}"}},
                                    UpdateExpression="SET v = :v REMOVE l",
                                    ExpressionAttributeValues={":v": {"S": "changed"}})
        self.put_items(table, [{"pk": {"S": f"new{i}"}} for i in range(30)])
        self.assertEqual(self.describe_export(desc["ExportArn"])["ExportStatus"], "IN_PROGRESS")
        self.proxy.open()
        final = self.wait_export(desc["ExportArn"], timeout=60)
        self.assertEqual(final["ExportStatus"], "COMPLETED", final)
        contents = self.check_s3_export(table, final)
        self.assertSameItems(contents.items, [canonical(wire(i)) for i in items], ("pk",))
        # A new export now sees the new state.
        again = self.export_and_wait(table, bucket)
        self.assertSameItems(self.check_s3_export(table, again).items, self.scan_wire(table),
                             ("pk",))


class TableDeletedDuringExport(S3TestCase):
    """The export is held at its manifest-files.json PUT (its data already read) while the test
    deletes the table."""

    HOLD = r"/manifest-files\.json"

    def test_table_deleted_while_exporting(self):
        # [AWS-OBS] ScyllaDB test_export_start_and_delete_table: the export ends COMPLETED or
        # FAILED (never stays IN_PROGRESS); ListExports(TableArn) stops listing it; DescribeExport
        # still works (§5 "table deleted mid-export").
        table = self.create_pitr_table()
        self.put_items(table, [{"pk": {"S": f"k{i}"}} for i in range(10)])
        table_arn = self.table_arn(table)
        bucket = self.new_bucket()
        desc = self.start_export(table, bucket)
        wait_for(lambda: self.proxy.held >= 1, timeout=30, what="the manifest-files.json PUT")
        self.client.delete_table(TableName=table)
        self.client.get_waiter("table_not_exists").wait(
            TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        self.proxy.open()
        final = self.wait_export(desc["ExportArn"], timeout=60)
        self.assertIn(final["ExportStatus"], ("COMPLETED", "FAILED"))
        self.assertEqual(final["TableArn"], table_arn)
        self.assertNotIn(desc["ExportArn"],
                         [e["ExportArn"] for e in self.list_all_exports(TableArn=table_arn)])
        self.assertIn(desc["ExportArn"], [e["ExportArn"] for e in self.list_all_exports()])
