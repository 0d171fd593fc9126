"""DescribeExport: the ExportDescription of an export in each state, and its errors.

Facts: shared/spec/export-and-pitr.md §4.1 (which fields are present when), §4.2 (errors),
§5 ("missing bucket").
"""

import os
import time

from export_support import ExportTestCase, StalledS3TestCase, epoch_ms, random_bucket
from harness import ACCOUNT, REGION


class DescribeExport(ExportTestCase):

    @classmethod
    def _create_class_tables(cls):
        cls.table = cls.create_pitr_table()
        cls.put_items(cls.table, [{"pk": {"S": f"k{i}"}} for i in range(5)])
        cls.arn = cls.table_arn(cls.table)
        cls.bucket = cls.make_bucket()

    def test_completed(self):
        # COMPLETED adds EndTime, ExportManifest, ItemCount and BilledSizeBytes (§4.1); the
        # manifest is the key of manifest-summary.json (§1.6); S3BucketOwner and ExportType are
        # not returned when not requested; ClientToken always is.
        started = self.start_export(self.table, self.bucket, ClientToken="describe-me")
        desc = self.wait_export(started["ExportArn"])
        self.assertEqual(desc["ExportStatus"], "COMPLETED")
        self.assertEqual(desc["ExportArn"], started["ExportArn"])
        self.assertEqual(desc["StartTime"], started["StartTime"])
        self.assertGreaterEqual(desc["EndTime"], desc["StartTime"])
        self.assertEqual(desc["TableArn"], self.arn)
        self.assertEqual(desc["TableId"], self.describe_table(self.table)["TableId"])
        self.assertEqual(desc["ExportTime"], desc["StartTime"])
        self.assertEqual(desc["ClientToken"], "describe-me")
        self.assertEqual(desc["S3Bucket"], self.bucket)
        self.assertEqual(desc["ExportFormat"], "DYNAMODB_JSON")
        self.assertEqual(desc["ItemCount"], 5)
        self.assertGreaterEqual(desc["BilledSizeBytes"], 0)
        export_id = desc["ExportArn"].rsplit("/", 1)[1]
        self.assertEqual(desc["ExportManifest"], f"AWSDynamoDB/{export_id}/manifest-summary.json")
        self.assertTrue(os.path.isfile(os.path.join(self.s3_root(), self.bucket,
                                                    desc["ExportManifest"])))
        for absent in ("FailureCode", "FailureMessage", "S3BucketOwner", "ExportType", "S3Prefix",
                       "S3SseKmsKeyId", "IncrementalExportSpecification"):
            self.assertNotIn(absent, desc)
        # The same description again (nothing changes once it is done).
        self.assertEqual(self.describe_export(desc["ExportArn"]), desc)
        self.check_local_export(self.table, desc)

    def test_completed_with_every_option(self):
        desc = self.export_and_wait(self.table, self.bucket, S3Prefix="p/q", S3BucketOwner=ACCOUNT,
                                    S3SseAlgorithm="KMS", S3SseKmsKeyId="my-key",
                                    ExportFormat="ION", ExportType="FULL_EXPORT")
        self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
        self.assertEqual(desc["S3Prefix"], "p/q")
        self.assertEqual(desc["S3BucketOwner"], ACCOUNT)
        self.assertEqual(desc["S3SseAlgorithm"], "KMS")
        self.assertEqual(desc["S3SseKmsKeyId"], "my-key")
        self.assertEqual(desc["ExportFormat"], "ION")
        self.assertEqual(desc["ExportType"], "FULL_EXPORT")
        self.assertTrue(desc["ExportManifest"].startswith("p/q/AWSDynamoDB/"))

    def test_explicit_export_time(self):
        # ExportTime echoes the requested time; StartTime is when the request came.
        t = int(time.time()) + 1  # after PITR was enabled, and whole seconds as boto3 sends them
        time.sleep(max(0.0, t + 1.2 - time.time()))
        desc = self.export_and_wait(self.table, self.bucket, ExportTime=t)
        self.assertEqual(desc["ExportTime"].timestamp(), t)
        self.assertGreater(desc["StartTime"].timestamp(), t)

    def test_missing_bucket_fails_the_export(self):
        # [AWS-OBS] moto test_export_to_missing_s3_bucket (aws_verified) and ScyllaDB: the
        # request is accepted and the export then goes FAILED with FailureCode S3NoSuchBucket and
        # a message containing "The specified bucket does not exist" (§5 "missing bucket").
        bucket = random_bucket()
        started = self.start_export(self.table, bucket)
        self.assertIn(started["ExportStatus"], ("IN_PROGRESS", "FAILED"))
        desc = self.wait_export(started["ExportArn"])
        self.assertEqual(desc["ExportStatus"], "FAILED")
        self.assertEqual(desc["FailureCode"], "S3NoSuchBucket")
        self.assertIn("The specified bucket does not exist", desc["FailureMessage"])
        self.assertIn("EndTime", desc)
        self.assertGreaterEqual(desc["EndTime"], desc["StartTime"])
        self.assertNotIn("ExportManifest", desc)
        self.assertEqual(desc["S3Bucket"], bucket)
        self.assertTrue(desc["ClientToken"])
        # Tideline did not make the bucket up.
        self.assertFalse(os.path.exists(os.path.join(self.s3_root(), bucket)))

    def test_unknown_export(self):
        # Model: ExportNotFoundException for an export that does not exist (§4.2), whether its
        # table exists or not.
        for arn in (f"{self.arn}/export/01700000000000-0123abcd",
                    f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/no_such_table/export/"
                    "01700000000000-0123abcd"):
            with self.subTest(arn=arn):
                with self.assertApiError("ExportNotFoundException"):
                    self.client.describe_export(ExportArn=arn)

    def test_malformed_arn(self):
        # [AWS-OBS] ScyllaDB test_describe_export_nonexistent / _incorrect_arns: an ARN without
        # '/export/' is "ValidationException ... Invalid Export ARN" (§4.2).
        for arn in (f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/nonexistent_table_xyz",
                    f"qwerty:aws:dynamodb:{REGION}:{ACCOUNT}:table/nonexistent_table_xyz",
                    self.arn):
            with self.subTest(arn=arn):
                with self.assertValidation(contains="Invalid Export ARN"):
                    self.client.describe_export(ExportArn=arn)

    def test_arn_length_and_presence(self):
        # Model: ExportArn is required, 37..1024 characters (§4.2).
        with self.assertValidation(contains="exportArn"):
            self.raw_client.describe_export(ExportArn="arn:aws:dynamodb:x:1:table/t/export/")
        with self.assertValidation(contains="exportArn"):
            self.raw_client.describe_export(ExportArn=self.arn + "/export/" + "x" * 1024)
        resp = self.raw_op("DescribeExport", {})
        self.assertRawError(resp, "ValidationException")
        self.assertIn("exportArn", resp.json()["message"])

    def test_foreign_arn_is_access_denied(self):
        # [AWS-OBS] ScyllaDB test_describe_export_incorrect_arns: an ARN whose partition,
        # service, region or account is bogus gives AccessDeniedException (§4.2).
        for arn in (f"arn:qwerty:dynamodb:{REGION}:{ACCOUNT}:table/nonexistent_table_xyz",
                    f"arn:aws:qwerty:{REGION}:{ACCOUNT}:table/nonexistent_table_xyz",
                    f"arn:aws:dynamodb:qwerty:{ACCOUNT}:table/nonexistent_table_xyz",
                    f"arn:aws:dynamodb:{REGION}:qwerty:table/nonexistent_table_xyz"):
            with self.subTest(arn=arn):
                with self.assertApiError("AccessDeniedException"):
                    self.client.describe_export(ExportArn=arn)

    def test_aws_cli(self):
        desc = self.export_and_wait(self.table, self.bucket)
        out = self.aws("describe-export", "--export-arn", desc["ExportArn"])["ExportDescription"]
        self.assertEqual(out["ExportStatus"], "COMPLETED")
        self.assertEqual(out["ItemCount"], 5)
        self.assertEqual(out["ExportManifest"], desc["ExportManifest"])
        proc = self.aws("describe-export", "--export-arn",
                        self.arn + "/export/01700000000000-0123abcd", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("ExportNotFoundException", proc.stderr)


class DescribeInProgressExport(StalledS3TestCase):
    """Exports to an S3 endpoint that never answers stay IN_PROGRESS as long as the test wants."""

    def test_in_progress_description(self):
        # An IN_PROGRESS description lacks EndTime, ExportManifest, ItemCount, BilledSizeBytes,
        # FailureCode/Message (§4.1, README dump); ClientToken, StartTime, ExportTime are there.
        table = self.create_pitr_table()
        started = self.start_export(table, "held-bucket", S3Prefix="x")
        self.assertEqual(started["ExportStatus"], "IN_PROGRESS")
        wait_until = time.monotonic() + 0.5
        while time.monotonic() < wait_until:
            desc = self.describe_export(started["ExportArn"])
            self.assertEqual(desc["ExportStatus"], "IN_PROGRESS")
            time.sleep(0.1)
        for absent in ("EndTime", "ExportManifest", "ItemCount", "BilledSizeBytes", "FailureCode",
                       "FailureMessage", "S3BucketOwner", "ExportType"):
            self.assertNotIn(absent, desc)
        for present in ("ExportArn", "StartTime", "ExportTime", "ClientToken", "TableArn",
                        "TableId", "S3Bucket", "S3Prefix", "ExportFormat"):
            self.assertIn(present, desc)
        self.assertEqual(epoch_ms(desc["StartTime"]),
                         int(desc["ExportArn"].rsplit("/", 1)[1][:14]))
        listed = {s["ExportArn"]: s for s in self.list_all_exports(TableArn=self.table_arn(table))}
        self.assertEqual(listed[started["ExportArn"]]["ExportStatus"], "IN_PROGRESS")
        self.assertEqual(listed[started["ExportArn"]]["ExportType"], "FULL_EXPORT")
        # When S3 goes away the export fails; it does not stay IN_PROGRESS.
        self.proxy.close()
        final = self.wait_export(started["ExportArn"], timeout=60)
        self.assertEqual(final["ExportStatus"], "FAILED")
        self.assertIn("EndTime", final)
        self.assertTrue(final["FailureMessage"])
