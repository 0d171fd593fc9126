"""ExportTableToPointInTime: request validation, PITR checks, ClientToken idempotency and the
in-flight limit. Facts from shared/spec/export-and-pitr.md §4.1 (model) and §5 (AWS-observed
behaviour, mostly ScyllaDB's test_export.py, which passes against AWS).
"""

import os
import time
import uuid

from export_support import ExportTestCase, StalledS3TestCase, EXPORT_ID, epoch_ms, random_bucket
from harness import ACCOUNT, REGION, random_name


class ExportValidation(ExportTestCase):

    @classmethod
    def _create_class_tables(cls):
        cls.table = cls.create_pitr_table()
        cls.arn = cls.table_arn(cls.table)
        cls.bucket = cls.make_bucket()

    def exports_of(self, table):
        return {s["ExportArn"] for s in self.list_all_exports(TableArn=self.table_arn(table))}

    def test_malformed_members(self):
        # [AWS-OBS] ScyllaDB test_export_setting_fields_to_weird_values_or_skipping_fail: each of
        # these is a ValidationException whose message names the member (§5 "validation"); the
        # shapes' patterns and lengths are the model's (§4.1). None = member left out.
        cases = [
            ("ExportType", "QWERTY", "exportType"),
            ("ExportType", "", "exportType"),
            ("ClientToken", "", "clientToken"),
            ("ClientToken", "has$dollar", "clientToken"),
            ("ExportFormat", "", "exportFormat"),
            ("ExportFormat", "QWERTY", "exportFormat"),
            ("ExportFormat", "dynamodb_json", "exportFormat"),
            ("S3Prefix", "", "s3Prefix"),
            ("S3Prefix", "p" * 1025, "s3Prefix"),
            ("S3Bucket", "", "s3Bucket"),
            ("S3Bucket", None, "s3Bucket"),
            ("S3Bucket", "-starts-with-dash", "s3Bucket"),
            ("S3Bucket", "ends-with-dot.", "s3Bucket"),
            ("S3Bucket", "has/slash", "s3Bucket"),
            ("S3Bucket", "b" * 256, "s3Bucket"),
            ("TableArn", None, "tableArn"),
            ("TableArn", "", "tableArn"),
            ("TableArn", "\t", "tablearn"),
            ("TableArn", "QWERTY", "tablearn"),
            ("S3BucketOwner", "", "s3BucketOwner"),
            ("S3BucketOwner", "12345", "s3BucketOwner"),
            ("S3BucketOwner", "abcdefghijkl", "s3BucketOwner"),
            ("S3SseAlgorithm", "", "s3SseAlgorithm"),
            ("S3SseAlgorithm", "QWERTY", "s3SseAlgorithm"),
            ("S3SseAlgorithm", "aes256", "s3SseAlgorithm"),
        ]
        before = self.exports_of(self.table)
        for field, value, name in cases:
            with self.subTest(field=field, value=value):
                kw = {"TableArn": self.arn, "S3Bucket": self.bucket}
                if value is None:
                    del kw[field]
                else:
                    kw[field] = value
                with self.assertValidation() as cm:
                    self.raw_client.export_table_to_point_in_time(**kw)
                message = cm.exception.response["Error"]["Message"]
                # An all-lowercase name is matched case-insensitively: a malformed TableArn may
                # be named 'tableArn' (model validation) or 'TableArn' (ARN parsing).
                if name.islower():
                    self.assertIn(name, message.lower())
                else:
                    self.assertIn(name, message)
        # [AWS-OBS] ScyllaDB ..._for_S3SseKmsKeyId: an empty key id, with KMS.
        with self.assertValidation(contains="s3SseKmsKeyId"):
            self.raw_client.export_table_to_point_in_time(
                TableArn=self.arn, S3Bucket=self.bucket, S3SseAlgorithm="KMS", S3SseKmsKeyId="")
        # Nothing was exported by any of these.
        self.assertEqual(self.exports_of(self.table), before)

    def test_long_members_are_refused_by_length_without_crashing(self):
        # Model: S3Bucket max 255, S3Prefix max 1024, TableArn 1..1024, S3SseKmsKeyId 1..2048.
        # A 30 KB S3Bucket used to crash the server (std::regex recursed once per character).
        # Each long member is a ValidationException naming it, and the server stays up.
        long_values = [("S3Bucket", "s3Bucket", 255), ("S3Prefix", "s3Prefix", 1024),
                       ("TableArn", "tableArn", 1024), ("S3BucketOwner", "s3BucketOwner", None),
                       ("ClientToken", None, None), ("S3SseKmsKeyId", "s3SseKmsKeyId", 2048)]
        for size in (30000, 1000000):
            for field, path, bound in long_values:
                with self.subTest(field=field, size=size):
                    payload = {"TableArn": self.arn, "S3Bucket": self.bucket}
                    payload[field] = "a" * size
                    resp = self.raw_export(payload)
                    if path is None:  # any length of ClientToken is valid: it is accepted
                        self.assertEqual(resp.status, 200, resp)
                        continue
                    self.assertRawError(resp, "ValidationException")
                    message = resp.json()["message"]
                    self.assertIn(f"at '{path}' failed to satisfy constraint", message)
                    if bound:
                        self.assertIn(f"Member must have length less than or equal to {bound}",
                                      message)
        self.assertTrue(self.server.alive())
        self.assertIn("TableNames", self.client.list_tables())

    def test_blank_prefix_is_refused(self):
        # [AWS] DynamoDB refuses an S3Prefix of whitespace only (issue 8's conformance run; the
        # exact wording of AWS's message is not recorded, so this checks the member named).
        for prefix in (" ", "   ", "\t", " \n "):
            with self.subTest(prefix=prefix):
                with self.assertValidation(contains="s3Prefix"):
                    self.raw_client.export_table_to_point_in_time(
                        TableArn=self.arn, S3Bucket=self.bucket, S3Prefix=prefix)
        # A prefix with blanks around a name is a prefix like any other.
        desc = self.client.export_table_to_point_in_time(
            TableArn=self.arn, S3Bucket=self.bucket, S3Prefix=" p ")["ExportDescription"]
        self.assertEqual(desc["S3Prefix"], " p ")

    def test_malformed_table_arn_wording(self):
        # [AWS-OBS] DynamoDB's message for a malformed table ARN (ScyllaDB test_tag.py records
        # it from AWS for ListTagsOfResource): "Invalid TableArn: Invalid ResourceArn provided as
        # input <arn>". Whether the export words it identically is not recorded.
        for arn in ("QWERTY", "\t", "arn:aws:dynamodb:us-east-1:12:table/x"):
            with self.subTest(arn=arn):
                with self.assertValidation(
                        message=f"Invalid TableArn: Invalid ResourceArn provided as input {arn}"):
                    self.raw_client.export_table_to_point_in_time(TableArn=arn,
                                                                  S3Bucket=self.bucket)

    def test_several_errors_are_reported_together(self):
        # DynamoDB's model validation lists every failed constraint: "N validation errors
        # detected: ..." (the same framework as every other operation).
        with self.assertValidation(contains=["2 validation errors detected", "exportFormat",
                                             "s3SseAlgorithm"]):
            self.raw_client.export_table_to_point_in_time(
                TableArn=self.arn, S3Bucket=self.bucket, ExportFormat="X", S3SseAlgorithm="Y")

    def test_unknown_table(self):
        # [AWS-OBS] moto test_export_from_missing_table (aws_verified): TableNotFoundException
        # "Table not found: <TableArn>" (§5 "missing table").
        arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{random_name('nosuch')}"
        with self.assertApiError("TableNotFoundException", f"Table not found: {arn}"):
            self.client.export_table_to_point_in_time(TableArn=arn, S3Bucket=self.bucket)

    def test_pitr_not_enabled(self):
        # [DOC] S3DataExport_Requesting and [AWS-OBS] moto (aws_verified): without PITR the
        # export is refused with PointInTimeRecoveryUnavailableException (§5 "PITR required").
        table = self.create_table()
        with self.assertApiError("PointInTimeRecoveryUnavailableException",
                                 f"Point in time recovery is not enabled for table '{table}'"):
            self.start_export(table, self.bucket)
        # Enabling, then disabling again, makes it unavailable again.
        self.enable_pitr(table)
        self.client.update_continuous_backups(
            TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False})
        with self.assertApiError("PointInTimeRecoveryUnavailableException",
                                 f"Point in time recovery is not enabled for table '{table}'"):
            self.start_export(table, self.bucket)

    def test_export_time_negative(self):
        # [AWS-OBS] ScyllaDB weird-values test: ExportTime -1 is InvalidExportTimeException.
        resp = self.raw_export({"TableArn": self.arn, "S3Bucket": self.bucket, "ExportTime": -1})
        self.assertRawError(resp, "InvalidExportTimeException")
        self.assertIn("ExportTime", resp.json()["message"])

    def test_export_time_before_earliest_restorable(self):
        # Model: "you can export data from any time within the point in time recovery window";
        # outside it is InvalidExportTimeException (§5 "out-of-window ExportTime").
        table = self.create_pitr_table()
        earliest = self.pitr(table)["EarliestRestorableDateTime"].timestamp()
        for seconds_before in (3600, 2):
            with self.subTest(seconds_before=seconds_before):
                with self.assertApiError("InvalidExportTimeException", contains="ExportTime"):
                    self.start_export(table, self.bucket, ExportTime=int(earliest) - seconds_before)
        # Years before the epoch of the table, and the epoch itself.
        with self.assertApiError("InvalidExportTimeException", contains="ExportTime"):
            self.start_export(table, self.bucket, ExportTime=0)

    def test_export_time_in_the_future(self):
        # An export is a snapshot of the past: a future ExportTime is outside the window
        # (§5 "out-of-window ExportTime"; [AWS-OBS] ScyllaDB comment "DynamoDB itself will reject
        # ExportTime close to now").
        for ahead in (3600, 600, 30):
            with self.subTest(ahead=ahead):
                with self.assertApiError("InvalidExportTimeException", contains="ExportTime"):
                    self.client.export_table_to_point_in_time(
                        TableArn=self.arn, S3Bucket=self.bucket, ExportTime=int(time.time()) + ahead)

    def test_export_time_at_window_start_is_accepted(self):
        # EarliestRestorableDateTime is restorable by definition, so an export at exactly that
        # time (to the millisecond, as the description shows it) is inside the window.
        table = self.create_pitr_table()
        earliest = self.pitr(table)["EarliestRestorableDateTime"]
        ms = epoch_ms(earliest)
        time.sleep(0.01)
        resp = self.raw_export({"TableArn": self.table_arn(table), "S3Bucket": self.bucket,
                                "ExportTime": ms / 1000})
        self.assertEqual(resp.status, 200, resp)
        desc = self.wait_export(resp.json()["ExportDescription"]["ExportArn"])
        self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
        self.assertEqual(epoch_ms(desc["ExportTime"]), ms)
        # One millisecond earlier is outside.
        resp = self.raw_export({"TableArn": self.table_arn(table), "S3Bucket": self.bucket,
                                "ExportTime": (ms - 1) / 1000})
        self.assertRawError(resp, "InvalidExportTimeException")

    def test_incremental_export_window_of_a_fresh_table(self):
        # A table whose PITR is younger than the window (AWS observations, src/api/
        # incremental_window.h): a from time before PITR was enabled is "less than the table
        # creation time"; from = now and no to gives a window shorter than 15 minutes.
        # test_incremental_export.py covers real windows, over history written under faketime.
        now = int(time.time())
        with self.assertApiError("InvalidExportTimeException",
                                 "Incremental export period from time cannot be less than the "
                                 "table creation time : " + time.strftime(
                                     "%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 3600))):
            self.client.export_table_to_point_in_time(
                TableArn=self.arn, S3Bucket=self.bucket, ExportType="INCREMENTAL_EXPORT",
                IncrementalExportSpecification={"ExportFromTime": now - 3600,
                                                "ExportToTime": now - 60,
                                                "ExportViewType": "NEW_IMAGE"})
        time.sleep(1.1)
        with self.assertApiError("InvalidExportTimeException",
                                 "Difference between export period from time and export period "
                                 "to time is less than 15 minutes"):
            self.client.export_table_to_point_in_time(
                TableArn=self.arn, S3Bucket=self.bucket, ExportType="INCREMENTAL_EXPORT",
                IncrementalExportSpecification={"ExportFromTime": int(time.time())})
        with self.assertValidation(contains="IncrementalExportSpecification"):
            self.client.export_table_to_point_in_time(
                TableArn=self.arn, S3Bucket=self.bucket, ExportType="INCREMENTAL_EXPORT")

    def test_response_shape(self):
        # Model ExportDescription (§4.1) and the AWS observations listed there: ClientToken is
        # always present; ExportType only when requested; ExportFormat defaults to DYNAMODB_JSON;
        # S3BucketOwner and S3Prefix only when given; ExportArn = <tableArn>/export/<id> with the
        # id's 14 digits the start time in ms (§3).
        before = time.time()
        desc = self.client.export_table_to_point_in_time(TableArn=self.arn,
                                                         S3Bucket=self.bucket)["ExportDescription"]
        after = time.time()
        self.assertIn(desc["ExportStatus"], ("IN_PROGRESS", "COMPLETED"))
        self.assertTrue(desc["ExportArn"].startswith(self.arn + "/export/"))
        export_id = desc["ExportArn"].rsplit("/", 1)[1]
        self.assertRegex(export_id, EXPORT_ID)
        self.assertEqual(int(export_id[:14]), epoch_ms(desc["StartTime"]))
        self.assertGreaterEqual(desc["StartTime"].timestamp(), before - 0.002)
        self.assertLessEqual(desc["StartTime"].timestamp(), after + 0.002)
        self.assertEqual(desc["ExportTime"], desc["StartTime"])
        self.assertEqual(desc["TableArn"], self.arn)
        self.assertEqual(desc["TableId"], self.describe_table(self.table)["TableId"])
        self.assertEqual(desc["S3Bucket"], self.bucket)
        self.assertEqual(desc["ExportFormat"], "DYNAMODB_JSON")
        self.assertTrue(desc["ClientToken"])
        for absent in ("ExportType", "S3BucketOwner", "S3Prefix", "S3SseKmsKeyId",
                       "IncrementalExportSpecification", "FailureCode", "FailureMessage"):
            self.assertNotIn(absent, desc)
        if desc["ExportStatus"] == "IN_PROGRESS":
            for absent in ("EndTime", "ExportManifest", "ItemCount", "BilledSizeBytes"):
                self.assertNotIn(absent, desc)
        final = self.wait_export(desc["ExportArn"])
        self.assertEqual(final["ExportStatus"], "COMPLETED")
        self.assertNotIn("ExportType", final)

        desc = self.client.export_table_to_point_in_time(
            TableArn=self.arn, S3Bucket=self.bucket, ExportType="FULL_EXPORT", ExportFormat="ION",
            S3Prefix="some/prefix", S3BucketOwner=ACCOUNT, S3SseAlgorithm="AES256")[
                "ExportDescription"]
        self.assertEqual(desc["ExportType"], "FULL_EXPORT")
        self.assertEqual(desc["ExportFormat"], "ION")
        self.assertEqual(desc["S3Prefix"], "some/prefix")
        self.assertEqual(desc["S3BucketOwner"], ACCOUNT)
        self.assertEqual(desc["S3SseAlgorithm"], "AES256")
        self.assertEqual(self.wait_export(desc["ExportArn"])["ExportType"], "FULL_EXPORT")

    # --- ClientToken -----------------------------------------------------------------------

    def test_same_token_same_parameters_is_the_same_export(self):
        # [AWS-OBS] test_export_client_token_idempotent: the same ClientToken with the same
        # parameters returns the same ExportArn (§5 "ClientToken"), before and after it ends.
        token = str(uuid.uuid4())
        first = self.client.export_table_to_point_in_time(
            TableArn=self.arn, S3Bucket=self.bucket, ClientToken=token)["ExportDescription"]
        second = self.client.export_table_to_point_in_time(
            TableArn=self.arn, S3Bucket=self.bucket, ClientToken=token)["ExportDescription"]
        self.assertEqual(first["ExportArn"], second["ExportArn"])
        self.assertEqual(first["ClientToken"], token)
        self.assertEqual(second["ClientToken"], token)
        self.assertEqual(second["StartTime"], first["StartTime"])
        done = self.wait_export(first["ExportArn"])
        third = self.client.export_table_to_point_in_time(
            TableArn=self.arn, S3Bucket=self.bucket, ClientToken=token)["ExportDescription"]
        self.assertEqual(third["ExportArn"], first["ExportArn"])
        self.assertEqual(third["ExportStatus"], done["ExportStatus"])
        # Only one export exists for all three calls.
        arns = [s["ExportArn"] for s in self.list_all_exports(TableArn=self.arn)]
        self.assertEqual(arns.count(first["ExportArn"]), 1)

    def test_no_token_means_a_new_export_each_time(self):
        # [AWS-OBS] test_export_two_exports_without_client_token: two exports without a
        # ClientToken are two exports; each still reports a (generated) ClientToken.
        a = self.raw_export({"TableArn": self.arn, "S3Bucket": self.bucket}).json()
        b = self.raw_export({"TableArn": self.arn, "S3Bucket": self.bucket}).json()
        a, b = a["ExportDescription"], b["ExportDescription"]
        self.assertNotEqual(a["ExportArn"], b["ExportArn"])
        self.assertTrue(a["ClientToken"])
        self.assertTrue(b["ClientToken"])
        self.assertNotEqual(a["ClientToken"], b["ClientToken"])

    def test_same_token_changed_parameters_conflicts(self):
        # [AWS-OBS] ScyllaDB test_export_client_token_some_value_changed and
        # ..._doesnt_work_on_two_tables: ExportConflictException "Duplicate request detected"
        # when a token comes back with another ExportFormat, S3Bucket, S3BucketOwner, S3Prefix,
        # S3SseAlgorithm or table (§5 "ClientToken mismatch").
        other_table = self.create_pitr_table()
        other_bucket = self.make_bucket()
        cases = [
            ("ExportFormat", "DYNAMODB_JSON", "ION"),
            ("S3Bucket", self.bucket, other_bucket),
            ("S3BucketOwner", None, ACCOUNT),
            ("S3Prefix", None, "prefix"),
            ("S3Prefix", "prefix", "other"),
            ("S3SseAlgorithm", "AES256", "KMS"),
            ("TableArn", self.arn, self.table_arn(other_table)),
        ]
        for field, first, second in cases:
            with self.subTest(field=field):
                token = str(uuid.uuid4())
                kw = {"TableArn": self.arn, "S3Bucket": self.bucket, "ClientToken": token}
                if first is not None:
                    kw[field] = first
                arn = self.client.export_table_to_point_in_time(**kw)["ExportDescription"][
                    "ExportArn"]
                kw[field] = second
                with self.assertApiError("ExportConflictException",
                                         contains="Duplicate request detected"):
                    self.client.export_table_to_point_in_time(**kw)
                self.wait_export(arn)

    def test_rejected_request_does_not_reserve_its_token(self):
        # [AWS-OBS] test_export_failed_does_not_reserve_client_token: a request that fails
        # validation (S3Bucket='') does not consume its ClientToken (§5).
        token = str(uuid.uuid4())
        with self.assertValidation(contains="s3Bucket"):
            self.raw_client.export_table_to_point_in_time(TableArn=self.arn, S3Bucket="",
                                                          ClientToken=token)
        # Also requests refused for a missing PITR or an out-of-window time.
        no_pitr = self.create_table()
        with self.assertApiError("PointInTimeRecoveryUnavailableException"):
            self.client.export_table_to_point_in_time(TableArn=self.table_arn(no_pitr),
                                                      S3Bucket=self.bucket, ClientToken=token)
        with self.assertApiError("InvalidExportTimeException"):
            self.client.export_table_to_point_in_time(TableArn=self.arn, S3Bucket=self.bucket,
                                                      ClientToken=token, ExportTime=0)
        # The token is still free, even for other parameters.
        desc = self.client.export_table_to_point_in_time(
            TableArn=self.arn, S3Bucket=self.bucket, ClientToken=token, ExportFormat="ION")[
                "ExportDescription"]
        self.assertEqual(desc["ClientToken"], token)
        self.assertEqual(self.wait_export(desc["ExportArn"])["ExportStatus"], "COMPLETED")

    def test_token_of_a_failed_export_is_still_taken(self):
        # An export accepted and then FAILED (missing bucket) did start: its token replays it.
        token = str(uuid.uuid4())
        missing = random_bucket()
        desc = self.client.export_table_to_point_in_time(
            TableArn=self.arn, S3Bucket=missing, ClientToken=token)["ExportDescription"]
        self.assertEqual(self.wait_export(desc["ExportArn"])["ExportStatus"], "FAILED")
        again = self.client.export_table_to_point_in_time(
            TableArn=self.arn, S3Bucket=missing, ClientToken=token)["ExportDescription"]
        self.assertEqual(again["ExportArn"], desc["ExportArn"])
        self.assertEqual(again["ExportStatus"], "FAILED")

    def test_aws_cli(self):
        # The AWS CLI, as a user would type it.
        out = self.aws("export-table-to-point-in-time", "--table-arn", self.arn,
                       "--s3-bucket", self.bucket, "--export-format", "ION",
                       "--s3-prefix", "cli")
        desc = out["ExportDescription"]
        self.assertEqual(desc["ExportFormat"], "ION")
        self.assertEqual(desc["S3Prefix"], "cli")
        out = self.aws("describe-export", "--export-arn", desc["ExportArn"])
        self.assertEqual(out["ExportDescription"]["ExportArn"], desc["ExportArn"])
        proc = self.aws("export-table-to-point-in-time", "--table-arn", self.arn,
                        "--s3-bucket", self.bucket, "--export-format", "CSV", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("ValidationException", proc.stderr)


class ExportLimit(StalledS3TestCase):
    """--max-exports 2, with exports to an S3 endpoint that accepts connections and never
    answers: every accepted export stays IN_PROGRESS until the test drops the connections."""

    EXTRA_SERVER_ARGS = ("--max-exports", "2")

    def test_limit_exceeded_while_exports_are_in_flight(self):
        # Model: LimitExceededException; [DOC] ServiceQuotas: "Up to 300 concurrent export tasks
        # ... Both of these limits are checked before an export is queued." (§5 "concurrency").
        # Here the limit is --max-exports 2.
        table = self.create_pitr_table()
        arn = self.table_arn(table)
        first = self.client.export_table_to_point_in_time(TableArn=arn, S3Bucket="bucket-a")[
            "ExportDescription"]
        second = self.client.export_table_to_point_in_time(TableArn=arn, S3Bucket="bucket-b")[
            "ExportDescription"]
        time.sleep(0.3)
        for desc in (first, second):
            self.assertEqual(self.describe_export(desc["ExportArn"])["ExportStatus"],
                             "IN_PROGRESS")
        with self.assertApiError("LimitExceededException"):
            self.client.export_table_to_point_in_time(TableArn=arn, S3Bucket="bucket-c")
        # Another table counts against the same limit.
        other = self.create_pitr_table()
        with self.assertApiError("LimitExceededException"):
            self.client.export_table_to_point_in_time(TableArn=self.table_arn(other),
                                                      S3Bucket="bucket-c")
        # ListExports shows the two in flight.
        listed = {s["ExportArn"]: s["ExportStatus"] for s in self.list_all_exports(TableArn=arn)}
        self.assertEqual(listed, {first["ExportArn"]: "IN_PROGRESS",
                                  second["ExportArn"]: "IN_PROGRESS"})
        # Once S3 goes away the held exports fail (FAILED, not stuck) and free their slots.
        self.proxy.close()
        for desc in (first, second):
            final = self.wait_export(desc["ExportArn"], timeout=60)
            self.assertEqual(final["ExportStatus"], "FAILED", final)
            self.assertTrue(final.get("FailureCode"))
            self.assertTrue(final.get("FailureMessage"))
        third = self.client.export_table_to_point_in_time(TableArn=arn, S3Bucket="bucket-c")[
            "ExportDescription"]
        self.assertIn(third["ExportStatus"], ("IN_PROGRESS", "FAILED"))
        self.wait_export(third["ExportArn"], timeout=60)
