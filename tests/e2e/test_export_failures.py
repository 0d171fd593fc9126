"""Failed exports: DescribeExport and ListExports report AWS's FailureCode and FailureMessage, and
never a path of the server's machine nor an internal error text; the detail goes to the log.
Facts: shared/spec/export-and-pitr.md §5 "missing bucket" ([AWS-OBS] moto
test_export_to_missing_s3_bucket and ScyllaDB test_export_nonexistent_bucket: FAILED,
FailureCode S3NoSuchBucket, FailureMessage containing "bucket does not exist").
"""

import os
import socket

from export_support import CREDS, ExportTestCase, random_bucket


class ExportFailureTestCase(ExportTestCase):

    def assertNothingLocal(self, desc):
        # No path of this machine, no internal error text (curl's, RocksDB's, errno's).
        for field in ("FailureCode", "FailureMessage"):
            value = desc.get(field, "")
            self.assertNotIn(self.server.data_dir, value, desc)
            self.assertNotIn("/tmp", value, desc)
            for internal in ("curl", "errno", "IO error", "Not a directory", "internal error:"):
                self.assertNotIn(internal, value, desc)
        self.assertNotEqual(desc.get("FailureCode"), "UNKNOWN", desc)


class LocalSinkFailures(ExportFailureTestCase):

    @classmethod
    def _create_class_tables(cls):
        cls.table = cls.create_pitr_table()
        cls.client.put_item(TableName=cls.table, Item={"pk": {"S": "a"}})

    def test_missing_bucket_is_s3_no_such_bucket(self):
        # [AWS-OBS] FAILED with S3NoSuchBucket and "The specified bucket does not exist".
        desc = self.export_and_wait(self.table, random_bucket())
        self.assertEqual(desc["ExportStatus"], "FAILED")
        self.assertEqual(desc["FailureCode"], "S3NoSuchBucket")
        self.assertIn("bucket does not exist", desc["FailureMessage"])
        self.assertNothingLocal(desc)
        listed = {s["ExportArn"]: s["ExportStatus"]
                  for s in self.list_all_exports(TableArn=self.table_arn(self.table))}
        self.assertEqual(listed[desc["ExportArn"]], "FAILED")

    def test_local_write_failure_names_no_path(self):
        # A failure of the server itself (here: the export's directory cannot be made, because a
        # file stands where it would go) is reported without the server's paths or errno text;
        # the log carries the detail, once, with the export's ARN.
        bucket = self.make_bucket()
        with open(os.path.join(self.s3_root(), bucket, "blocked"), "w") as f:
            f.write("a file, not a directory")
        desc = self.export_and_wait(self.table, bucket, S3Prefix="blocked")
        self.assertEqual(desc["ExportStatus"], "FAILED")
        self.assertEqual(desc["FailureCode"], "InternalError")
        self.assertTrue(desc["FailureMessage"])
        self.assertNothingLocal(desc)
        log_lines = [line for line in self.server.log_text().splitlines()
                     if desc["ExportArn"] in line and "FAILED" in line]
        self.assertEqual(len(log_lines), 1, log_lines)
        self.assertIn("blocked", log_lines[0])


class UnreachableS3Failures(ExportFailureTestCase):
    """--s3-endpoint names a port where nothing listens: every S3 call is refused."""

    @classmethod
    def setUpClass(cls):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        cls.SERVER_ARGS = ("--s3-endpoint", f"http://127.0.0.1:{port}")
        os.environ.update(CREDS)
        super().setUpClass()

    def test_refused_endpoint_is_reported_without_internals(self):
        table = self.create_pitr_table()
        desc = self.export_and_wait(table, "some-bucket", timeout=60)
        self.assertEqual(desc["ExportStatus"], "FAILED")
        self.assertEqual(desc["FailureCode"], "InternalError")
        self.assertNothingLocal(desc)
        self.assertNotIn("127.0.0.1", desc["FailureMessage"])
