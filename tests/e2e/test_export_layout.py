"""The objects an export writes, byte for byte: keys, _started, data file names and gzip bytes,
manifest-files.json / manifest-summary.json and their .md5 files.

Facts: shared/spec/export-and-pitr.md §1 (layout, [REAL] exports from gurre/ddb-pitr and
scylla-migrator, [AWS-OBS] ScyllaDB test_export_with_data_full) and Appendix A (checklist).
check_export() in export_support.py holds the object-by-object checks; these tests add the
cases around them.
"""

import gzip
import json
import os
import shutil
import tempfile

from export_support import (EMPTY_GZIP, EMPTY_MD5, EMPTY_ETAG, ExportTestCase, LocalBucket,
                            check_export, ensure_ion_check, iso_ms, epoch_ms)


class ExportLayout(ExportTestCase):

    @classmethod
    def _create_class_tables(cls):
        ensure_ion_check()
        cls.table = cls.create_pitr_table(("pk", "S"), ("sk", "S"))
        cls.put_items(cls.table, [
            {"pk": {"S": "1"}, "sk": {"S": "1"}, "test": {"S": "test"}},
            {"pk": {"S": "1"}, "sk": {"S": "3"}, "test2": {"S": "2"}, "test1": {"S": "1"}},
            {"pk": {"S": "2"}, "sk": {"S": "1"}, "test": {"S": "test2"}},
        ])

    def test_layout_without_prefix(self):
        # §1.1: AWSDynamoDB/<id>/{_started, data/*, manifest-files.json|.md5,
        # manifest-summary.json|.md5} and nothing else in the bucket; keys without a leading
        # slash. [AWS-OBS] ScyllaDB: exactly those six names in the export directory.
        bucket = self.make_bucket()
        desc = self.export_and_wait(self.table, bucket)
        contents = self.check_local_export(self.table, desc)
        keys = LocalBucket(self.s3_root(), bucket).keys()
        self.assertTrue(all(k.startswith(contents.base + "/") for k in keys), keys)
        names = {k[len(contents.base) + 1:].split("/")[0] for k in keys}
        self.assertEqual(names, {"data", "manifest-files.json", "manifest-files.md5",
                                 "manifest-summary.json", "manifest-summary.md5", "_started"})
        self.assertEqual(contents.summary["itemCount"], 3)
        self.assertIsNone(contents.summary["s3Prefix"])

    def test_layout_with_nested_prefix(self):
        # [AWS-OBS] ScyllaDB with S3Prefix 'dira/dirb/dirc': every key, dataFileS3Key and
        # manifestFilesS3Key starts with '<prefix>/AWSDynamoDB/' (§1.1, §1.4, §1.5).
        bucket = self.make_bucket()
        desc = self.export_and_wait(self.table, bucket, S3Prefix="dira/dirb/dirc")
        self.assertEqual(desc["S3Prefix"], "dira/dirb/dirc")
        contents = self.check_local_export(self.table, desc)
        self.assertTrue(contents.base.startswith("dira/dirb/dirc/AWSDynamoDB/"))
        self.assertEqual(contents.summary["s3Prefix"], "dira/dirb/dirc")
        self.assertTrue(contents.summary["manifestFilesS3Key"].startswith("dira/dirb/dirc/"))
        for entry in contents.files:
            self.assertTrue(entry["dataFileS3Key"].startswith("dira/dirb/dirc/AWSDynamoDB/"))
        keys = LocalBucket(self.s3_root(), bucket).keys()
        self.assertTrue(all(k.startswith("dira/dirb/dirc/AWSDynamoDB/") for k in keys), keys)

    def test_summary_is_exactly_the_aws_document(self):
        # §1.4 real example: one compact object, AWS's field order, no trailing newline;
        # s3Prefix and s3SseKmsKeyId null, s3SseAlgorithm "AES256" by default, exportTime ==
        # startTime without an ExportTime, times ISO-8601 UTC with milliseconds.
        bucket = self.make_bucket()
        desc = self.export_and_wait(self.table, bucket)
        contents = self.check_local_export(self.table, desc)
        t = self.describe_table(self.table)
        base = contents.base
        expected = (
            '{"version":"2020-06-30","exportArn":"%s","startTime":"%s","endTime":"%s",'
            '"tableArn":"%s","tableId":"%s","exportTime":"%s","s3Bucket":"%s","s3Prefix":null,'
            '"s3SseAlgorithm":"AES256","s3SseKmsKeyId":null,"manifestFilesS3Key":"%s",'
            '"billedSizeBytes":%d,"itemCount":3,"outputFormat":"DYNAMODB_JSON"}' % (
                desc["ExportArn"], iso_ms(epoch_ms(desc["StartTime"])),
                iso_ms(epoch_ms(desc["EndTime"])), t["TableArn"], t["TableId"],
                iso_ms(epoch_ms(desc["StartTime"])), bucket, base + "/manifest-files.json",
                desc["BilledSizeBytes"]))
        self.assertEqual(contents.summary_raw.decode(), expected)

    def test_data_lines_are_items(self):
        # §1.3/§2.1 [REAL]: gzip of '{"Item":{...}}\n' lines, the last one ending in \n too.
        bucket = self.make_bucket()
        desc = self.export_and_wait(self.table, bucket)
        contents = self.check_local_export(self.table, desc)
        lines = []
        for gz in contents.data.values():
            text = gzip.decompress(gz).decode()
            lines += text.split("\n")[:-1]
        # Attribute order inside an item is not specified (§8.7), so compare parsed items.
        got = sorted(json.dumps(json.loads(l), sort_keys=True) for l in lines)
        self.assertEqual(got, sorted(json.dumps(json.loads(l), sort_keys=True) for l in [
            '{"Item":{"pk":{"S":"1"},"sk":{"S":"1"},"test":{"S":"test"}}}',
            '{"Item":{"pk":{"S":"1"},"sk":{"S":"3"},"test2":{"S":"2"},"test1":{"S":"1"}}}',
            '{"Item":{"pk":{"S":"2"},"sk":{"S":"1"},"test":{"S":"test2"}}}',
        ]))
        self.assertEqual(len(lines), 3)

    def test_empty_table(self):
        # [DOC] "For partitions that are empty, your export request will create an empty file"
        # (§1.1); an empty data file is exactly the 20-byte gzip of nothing, md5Checksum
        # FjvgqIxwymKf1RbbqtrZag==, etag 7deb4078f238dd87d6af0538152c04e9-1 (§1.3).
        table = self.create_pitr_table()
        for fmt in ("DYNAMODB_JSON", "ION"):
            with self.subTest(fmt=fmt):
                bucket = self.make_bucket()
                desc = self.export_and_wait(table, bucket, ExportFormat=fmt)
                self.assertEqual(desc["ItemCount"], 0)
                contents = self.check_local_export(table, desc)
                self.assertGreaterEqual(len(contents.files), 1)
                for entry in contents.files:
                    self.assertEqual(entry["itemCount"], 0)
                    self.assertEqual(entry["md5Checksum"], EMPTY_MD5)
                    self.assertEqual(entry["etag"], EMPTY_ETAG)
                    self.assertEqual(contents.data[entry["dataFileS3Key"]], EMPTY_GZIP)
                self.assertEqual(contents.summary["itemCount"], 0)

    def test_table_emptied_by_deletes(self):
        # Items deleted before the export leave nothing behind but empty files.
        table = self.create_pitr_table()
        self.client.put_item(TableName=table, Item={"pk": {"S": "gone"}})
        self.client.delete_item(TableName=table, Key={"pk": {"S": "gone"}})
        desc = self.export_and_wait(table, self.make_bucket())
        self.assertEqual(desc["ItemCount"], 0)
        self.assertEqual(self.check_local_export(table, desc).items, [])

    def test_ion_layout(self):
        # §1.3: ION data files are named <26 base32>.ion.gz; outputFormat "ION" (§1.4).
        bucket = self.make_bucket()
        desc = self.export_and_wait(self.table, bucket, ExportFormat="ION")
        contents = self.check_local_export(self.table, desc)
        self.assertEqual(contents.summary["outputFormat"], "ION")
        self.assertTrue(all(k.endswith(".ion.gz") for k in contents.data))
        self.assertEqual(len(contents.items), 3)

    def test_sse_fields_in_summary(self):
        # §1.4: s3SseAlgorithm "AES256" by default or as requested, "KMS" with s3SseKmsKeyId
        # when KMS is used; the description echoes both (§4.1).
        key_id = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        cases = [({"S3SseAlgorithm": "AES256"}, "AES256", None),
                 ({"S3SseAlgorithm": "KMS", "S3SseKmsKeyId": key_id}, "KMS", key_id)]
        for kw, algorithm, kms in cases:
            with self.subTest(algorithm=algorithm):
                desc = self.export_and_wait(self.table, self.make_bucket(), **kw)
                self.assertEqual(desc["S3SseAlgorithm"], algorithm)
                self.assertEqual(desc.get("S3SseKmsKeyId"), kms)
                contents = self.check_local_export(self.table, desc, sse=algorithm, kms_key=kms)
                self.assertEqual(contents.summary["s3SseAlgorithm"], algorithm)
                self.assertEqual(contents.summary["s3SseKmsKeyId"], kms)

    def test_two_exports_to_the_same_place_do_not_mix(self):
        # Each export has its own id directory; DynamoDB never deletes what it wrote (§1.1).
        bucket = self.make_bucket()
        a = self.export_and_wait(self.table, bucket, S3Prefix="same")
        b = self.export_and_wait(self.table, bucket, S3Prefix="same")
        self.assertNotEqual(a["ExportArn"], b["ExportArn"])
        ca = self.check_local_export(self.table, a)
        cb = self.check_local_export(self.table, b)
        self.assertNotEqual(ca.base, cb.base)
        self.assertEqual(len(ca.items), 3)
        self.assertEqual(len(cb.items), 3)
        self.assertFalse(set(ca.data) & set(cb.data))


class ExportDirOption(ExportTestCase):
    """--export-dir DIR: the local directory standing for S3 is DIR instead of <data-dir>/s3."""

    @classmethod
    def setUpClass(cls):
        cls.export_root = tempfile.mkdtemp(prefix="tideline-export-dir-")
        cls.SERVER_ARGS = ("--export-dir", cls.export_root)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.export_root, ignore_errors=True)

    def test_exports_land_in_export_dir(self):
        table = self.create_pitr_table()
        self.client.put_item(TableName=table, Item={"pk": {"S": "a"}})
        bucket = "my-bucket"
        os.makedirs(os.path.join(self.export_root, bucket))
        desc = self.export_and_wait(table, bucket)
        self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
        t = self.describe_table(table)
        contents = check_export(self, LocalBucket(self.export_root, bucket), desc, t["TableArn"],
                                t["TableId"])
        self.assertEqual(len(contents.items), 1)
        self.assertFalse(os.path.exists(os.path.join(self.server.data_dir, "s3", bucket)))
