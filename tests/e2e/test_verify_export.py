"""tideline verify-export (tools/verify-export/verify_export.py): passes on AWS's own samples and
on real exports in both formats to both destinations, and catches a truncated file, a changed
byte, a missing file and a wrong count, each with a report that names the object and the fault.
(Incremental exports are verified in test_incremental_export.py.)"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from export_support import ExportTestCase, MotoPeer, md5_b64, one_part_etag
from harness import BIN, CREDS

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures"))
import aws_export_samples  # noqa: E402

TOOL = os.path.join(HERE, "..", "..", "tools", "verify-export", "verify_export.py")


def verify(*args, env=None):
    """Runs the verifier through the server binary's subcommand; (exit status, stdout, stderr)."""
    env = dict(os.environ, AWS_DEFAULT_REGION="us-east-1", **CREDS, **(env or {}))
    proc = subprocess.run([BIN, "verify-export", *args], capture_output=True, text=True, env=env,
                          timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


class AwsSamples(unittest.TestCase):
    def test_real_aws_samples_pass(self):
        root = tempfile.mkdtemp(prefix="tl-aws-samples-")
        try:
            full, incremental = aws_export_samples.write_samples(root)
            for location in (full, incremental):
                rc, out, err = verify(location)
                self.assertEqual(rc, 0, err)
                self.assertIn("OK ", out)
            rc, out, err = verify(root)  # a bucket root: every export below it
            self.assertEqual(rc, 0, err)
            self.assertIn("full DYNAMODB_JSON export, 3 records", out)
            self.assertIn("incremental DYNAMODB_JSON export, 2 records", out)
        finally:
            shutil.rmtree(root, ignore_errors=True)

    def test_usage_errors_exit_2(self):
        rc, _, err = verify("/nonexistent/place")
        self.assertEqual(rc, 2)
        self.assertIn("not a directory", err)
        empty = tempfile.mkdtemp()
        try:
            rc, _, err = verify(empty)
            self.assertEqual(rc, 2)
            self.assertIn("no manifest-summary.json found", err)
        finally:
            shutil.rmtree(empty)


class VerifyLocalExports(ExportTestCase):
    @classmethod
    def _create_class_tables(cls):
        cls.table = cls.create_table(hash_key=("pk", "S"), range_key=("sk", "N"))
        cls.enable_pitr(cls.table)
        items = []
        for i in range(300):
            items.append({"pk": {"S": f"p{i % 17}"}, "sk": {"N": str(i)},
                          "b": {"B": bytes([i % 256, 0, 7])}, "n": {"N": "1234567890.0001"},
                          "ss": {"SS": ["x", f"y{i}"]}, "m": {"M": {"l": {"L": [{"NULL": True}]}}}})
        cls.put_items(cls.table, items)

    def setUp(self):
        super().setUp()
        self.bucket = self.make_bucket()

    def export(self, fmt):
        desc = self.export_and_wait(self.table, self.bucket, ExportFormat=fmt)
        self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
        root = os.path.join(self.s3_root(), self.bucket)
        return root, os.path.join(root, desc["ExportManifest"].rsplit("/", 1)[0])

    def data_files(self, folder):
        d = os.path.join(folder, "data")
        files = sorted(os.path.join(d, f) for f in os.listdir(d))
        return [f for f in files if os.path.getsize(f) > 20]  # the non-empty ones

    def assertCaught(self, folder, *parts):
        rc, out, err = verify(folder)
        self.assertEqual(rc, 1, out + err)
        self.assertTrue(err.startswith("verify-export: "), err)
        for p in parts:
            self.assertIn(p, err)
        return err

    def test_real_exports_pass_in_both_formats(self):
        for fmt in ("DYNAMODB_JSON", "ION"):
            with self.subTest(fmt=fmt):
                _, folder = self.export(fmt)
                rc, out, err = verify(folder, "--against-table", self.table, "--endpoint",
                                      self.server.endpoint)
                self.assertEqual(rc, 0, err)
                self.assertIn(f"full {fmt} export, 300 records", out)
                self.assertIn("300 items compared", out)

    def test_changed_byte(self):
        _, folder = self.export("DYNAMODB_JSON")
        path = self.data_files(folder)[0]
        data = bytearray(open(path, "rb").read())
        data[len(data) // 2] ^= 0x01
        open(path, "wb").write(bytes(data))
        self.assertCaught(folder, os.path.basename(path), "md5 is", "manifest-files.json says")

    def test_truncated_file(self):
        _, folder = self.export("ION")
        path = self.data_files(folder)[0]
        data = open(path, "rb").read()
        open(path, "wb").write(data[:len(data) // 2])
        self.assertCaught(folder, os.path.basename(path), "changed or truncated")

    def test_truncated_file_with_matching_manifest(self):
        # A truncation someone "fixed" in the manifest too: the gzip stream itself is cut short.
        _, folder = self.export("DYNAMODB_JSON")
        path = self.data_files(folder)[0]
        data = open(path, "rb").read()
        cut = data[:len(data) - 12]
        open(path, "wb").write(cut)
        self.rewrite_manifest_files(folder, lambda line: line.replace(
            md5_b64(data), md5_b64(cut)).replace(one_part_etag(data), one_part_etag(cut)))
        self.assertCaught(folder, os.path.basename(path), "not a complete gzip stream")

    def test_missing_file(self):
        _, folder = self.export("DYNAMODB_JSON")
        path = self.data_files(folder)[0]
        os.remove(path)
        self.assertCaught(folder, os.path.basename(path), "data file is missing")

    def test_wrong_count_in_manifest_files(self):
        _, folder = self.export("DYNAMODB_JSON")
        name = os.path.basename(self.data_files(folder)[0])

        def bump(line):
            if name not in line:
                return line
            count = int(line.split('"itemCount":')[1].split(",")[0])
            return line.replace(f'"itemCount":{count},', f'"itemCount":{count + 1},')
        self.rewrite_manifest_files(folder, bump)
        self.assertCaught(folder, name, "records, manifest-files.json says")

    def test_wrong_count_in_summary(self):
        _, folder = self.export("ION")
        path = os.path.join(folder, "manifest-summary.json")
        text = open(path).read().replace('"itemCount":300,', '"itemCount":301,')
        open(path, "w").write(text)
        # Without the .md5 being updated, the checksum catches it ...
        self.assertCaught(folder, "manifest-summary.md5", "says")
        # ... and with it, the count.
        open(os.path.join(folder, "manifest-summary.md5"), "w").write(md5_b64(text.encode()))
        self.assertCaught(folder, "manifest-summary.json",
                          "itemCount is 301 but the data files hold 300 records")

    def test_a_changed_manifest_is_caught_by_its_md5(self):
        _, folder = self.export("DYNAMODB_JSON")
        path = os.path.join(folder, "manifest-files.json")
        text = open(path).read()
        open(path, "w").write(text.replace('"itemCount":', '"itemCount": ', 1))
        self.assertCaught(folder, "manifest-files.md5")

    def rewrite_manifest_files(self, folder, fn):
        path = os.path.join(folder, "manifest-files.json")
        text = "".join(fn(line) + "\n" for line in open(path).read().splitlines())
        open(path, "w").write(text)
        open(os.path.join(folder, "manifest-files.md5"), "w").write(md5_b64(text.encode()))


class VerifyS3Exports(MotoPeer, ExportTestCase):
    @classmethod
    def _create_class_tables(cls):
        cls.table = cls.create_table()
        cls.enable_pitr(cls.table)
        cls.put_items(cls.table, [{"pk": {"S": f"k{i}"}, "v": {"N": str(i)}} for i in range(50)])

    def test_s3_exports_pass_and_a_changed_object_is_caught(self):
        self.s3.create_bucket(Bucket="verify-bucket")
        manifests = []
        for fmt in ("DYNAMODB_JSON", "ION"):
            desc = self.export_and_wait(self.table, "verify-bucket", ExportFormat=fmt,
                                        S3Prefix=f"p/{fmt}")
            self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
            manifests.append(desc["ExportManifest"])
            rc, out, err = verify(f"s3://verify-bucket/p/{fmt}", "--s3-endpoint", self.moto.url)
            self.assertEqual(rc, 0, err)
            self.assertIn(f"full {fmt} export, 50 records", out)
        # A data object replaced by one with a changed byte: md5 and ETag no longer match.
        files = self.s3.get_object(Bucket="verify-bucket", Key=manifests[0].replace(
            "manifest-summary", "manifest-files"))["Body"].read().decode().splitlines()
        key = next(line.split('"dataFileS3Key":"')[1][:-2] for line in files
                   if '"itemCount":0' not in line)
        data = bytearray(self.s3.get_object(Bucket="verify-bucket", Key=key)["Body"].read())
        data[-10] ^= 0xff
        self.s3.put_object(Bucket="verify-bucket", Key=key, Body=bytes(data))
        rc, out, err = verify("s3://verify-bucket/p/DYNAMODB_JSON", "--s3-endpoint", self.moto.url)
        self.assertEqual(rc, 1, out + err)
        self.assertIn(f"s3://verify-bucket/{key}", err)
        self.assertIn("md5 is", err)
