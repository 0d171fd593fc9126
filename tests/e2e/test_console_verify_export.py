"""The console's verification of an export (TidelineConsole_20261203.VerifyExport and
DescribeExportVerification, docs/console.md "Verifying an export"): the server runs the export
verifier (tools/verify-export/verify_export.py) on one export in the background; it passes on a
real export with the table comparison, fails on a changed byte with the verifier's md5 line, and
a verifier still running when the server gets SIGTERM is killed with everything it started."""

import glob
import os
import re
import signal
import tempfile
import time
from unittest import mock

from export_support import ExportTestCase, MotoPeer, random_bucket

PREFIX = "TidelineConsole_20261203."


def alive(pid):
    """Whether `pid` is a process that has not exited (a zombie has exited)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


class VerificationTestCase(ExportTestCase):

    def console(self, operation, payload):
        return self.raw(payload, PREFIX + operation)

    def verify(self, arn):
        resp = self.console("VerifyExport", {"ExportArn": arn})
        self.assertEqual(resp.status, 200, resp)
        return resp.json()

    def wait_verification(self, arn, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            resp = self.console("DescribeExportVerification", {"ExportArn": arn})
            self.assertEqual(resp.status, 200, resp)
            state = resp.json()
            if state["VerificationStatus"] != "IN_PROGRESS":
                return state
            if time.monotonic() > deadline:
                self.fail(f"verification of {arn} still IN_PROGRESS after {timeout}s")
            time.sleep(0.05)

    def exported_table(self, items=20):
        table = self.create_pitr_table()
        self.put_items(table, [{"pk": {"S": f"k{i:03}"}, "v": {"N": str(i)}}
                               for i in range(items)])
        return table

    def export(self, table):
        desc = self.export_and_wait(table, self.make_bucket())
        self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
        return desc


class VerifyExport(VerificationTestCase):

    def test_a_good_export_passes_with_the_table_comparison(self):
        table = self.exported_table()
        desc = self.export(table)
        arn = desc["ExportArn"]
        before = self.console("DescribeExportVerification", {"ExportArn": arn}).json()
        self.assertEqual(before, {"ExportArn": arn, "VerificationStatus": "NOT_VERIFIED"})
        started = self.verify(arn)
        self.assertEqual(started["VerificationStatus"], "IN_PROGRESS")
        self.assertNotIn("Message", started)
        self.assertEqual(started["AgainstTable"], table)
        state = self.wait_verification(arn)
        self.assertEqual(state["VerificationStatus"], "PASSED", state)
        # Named as the export's destination is, not by the server's local path.
        folder = f"s3://{desc['S3Bucket']}/AWSDynamoDB/{arn.rsplit('/', 1)[1]}"
        self.assertEqual(state["Message"],
                         f"OK {folder}/manifest-summary.json: full DYNAMODB_JSON export, 20 "
                         f"records, matches table {table} (20 items compared)")
        self.assertTrue(state["TableCompared"])
        self.assertNotIn("TableComparisonNote", state)
        self.assertLessEqual(state["StartTime"], state["EndTime"])
        # The verifier's temporary restored tables are gone.
        names = self.client.list_tables()["TableNames"]
        self.assertEqual([n for n in names if n.startswith(table + "-verify-")], [])

    def test_a_changed_byte_fails_with_the_verifiers_md5_line(self):
        table = self.exported_table()
        desc = self.export(table)
        export_id = desc["ExportArn"].rsplit("/", 1)[1]
        data = glob.glob(os.path.join(self.s3_root(), desc["S3Bucket"], "AWSDynamoDB", export_id,
                                      "data", "*.json.gz"))
        self.assertTrue(data)
        with open(data[0], "r+b") as f:
            f.seek(20)
            byte = f.read(1)
            f.seek(20)
            f.write(bytes([byte[0] ^ 0xFF]))
        self.verify(desc["ExportArn"])
        state = self.wait_verification(desc["ExportArn"])
        self.assertEqual(state["VerificationStatus"], "FAILED", state)
        key = re.escape(f"s3://{desc['S3Bucket']}/AWSDynamoDB/{export_id}/data/"
                        f"{os.path.basename(data[0])}")
        self.assertRegex(state["Message"], rf"^verify-export: {key}: md5 is \S+, "
                                           r"manifest-files\.json says \S+ \(changed or truncated\)$")
        self.assertFalse(state["TableCompared"])  # the first fault ends it before the comparison

    def test_without_the_table_the_export_alone_is_checked(self):
        table = self.exported_table(items=3)
        arn = self.export(table)["ExportArn"]
        self.client.delete_table(TableName=table)
        started = self.verify(arn)
        self.assertNotIn("AgainstTable", started)
        note = f"not compared with table {table}: it no longer exists"
        self.assertEqual(started["TableComparisonNote"], note)
        state = self.wait_verification(arn)
        self.assertEqual(state["VerificationStatus"], "PASSED", state)
        self.assertRegex(state["Message"], r"full DYNAMODB_JSON export, 3 records$")
        self.assertFalse(state["TableCompared"])
        self.assertEqual(state["TableComparisonNote"], note)

    def test_errors(self):
        unknown = ("arn:aws:dynamodb:us-east-1:000000000000:table/none/export/"
                   "01700000000000-0123abcd")
        for operation in ("VerifyExport", "DescribeExportVerification"):
            self.assertRawError(self.console(operation, {"ExportArn": unknown}),
                                "ExportNotFoundException", f"Export not found: {unknown}")
            self.assertRawError(self.console(operation, {}), "ValidationException",
                                "The parameter 'ExportArn' is required but was not present in "
                                "the request")
        table = self.exported_table(items=1)
        failed = self.export_and_wait(table, random_bucket())  # no such bucket: FAILED
        self.assertEqual(failed["ExportStatus"], "FAILED")
        self.assertRawError(self.console("VerifyExport", {"ExportArn": failed["ExportArn"]}),
                            "ValidationException",
                            "Only a COMPLETED export can be verified; this one is FAILED")


class VerifyExportOnS3(MotoPeer, VerificationTestCase):
    """A server exporting to an S3 endpoint (moto): the verifier reads the export there."""

    def test_an_export_on_s3_passes_with_the_table_comparison(self):
        table = self.exported_table(items=5)
        bucket = random_bucket()
        self.moto.client().create_bucket(Bucket=bucket)
        desc = self.export_and_wait(table, bucket, S3Prefix="exports/a")
        self.assertEqual(desc["ExportStatus"], "COMPLETED", desc)
        self.verify(desc["ExportArn"])
        state = self.wait_verification(desc["ExportArn"])
        self.assertEqual(state["VerificationStatus"], "PASSED", state)
        export_id = desc["ExportArn"].rsplit("/", 1)[1]
        self.assertEqual(state["Message"],
                         f"OK s3://{bucket}/exports/a/AWSDynamoDB/{export_id}/manifest-summary"
                         f".json: full DYNAMODB_JSON export, 5 records, matches table {table} "
                         f"(5 items compared)")


class WithoutPython(VerificationTestCase):
    """A server whose PATH has no python3: the verification cannot run and says why."""

    @classmethod
    def setUpClass(cls):
        cls.empty_path = tempfile.mkdtemp(prefix="tl-no-python-")
        with mock.patch.dict(os.environ, {"PATH": cls.empty_path}):
            super().setUpClass()

    def test_unavailable_names_the_missing_python3(self):
        arn = self.export(self.exported_table(items=1))["ExportArn"]
        self.verify(arn)
        state = self.wait_verification(arn)
        self.assertEqual(state["VerificationStatus"], "UNAVAILABLE", state)
        self.assertEqual(state["Message"],
                         "python3 is not installed on the server (not found on its PATH)")
        self.assertFalse(state["TableCompared"])


# A stand-in for the verifier that never finishes by itself and starts a process of its own:
# what a verifier stuck on a slow store looks like to the server.
SLOW_VERIFIER = """\
import os, subprocess, sys, time
child = subprocess.Popen(["sleep", "600"])
with open(os.environ["SLOW_VERIFIER_PIDS"], "a") as f:
    f.write(f"{os.getpid()} {child.pid}\\n")
time.sleep(600)
"""


class RunningVerifications(VerificationTestCase):
    """A server whose verifier never ends by itself: the limits on running verifications, and
    shutdown while they run."""

    @classmethod
    def setUpClass(cls):
        cls.scratch = tempfile.mkdtemp(prefix="tl-slow-verifier-")
        script = os.path.join(cls.scratch, "slow_verifier.py")
        with open(script, "w") as f:
            f.write(SLOW_VERIFIER)
        cls.pid_file = os.path.join(cls.scratch, "pids")
        with mock.patch.dict(os.environ, {"TIDELINE_VERIFY_EXPORT_SCRIPT": script,
                                          "SLOW_VERIFIER_PIDS": cls.pid_file}):
            super().setUpClass()

    def verifier_pids(self, count):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if os.path.exists(self.pid_file):
                with open(self.pid_file) as f:
                    pids = [int(p) for line in f for p in line.split()]
                if len(pids) == 2 * count:
                    return pids
            time.sleep(0.05)
        self.fail(f"{count} verifier(s) did not start")

    def test_limits_then_shutdown_kills_every_verifier(self):
        table = self.exported_table(items=2)
        first, second, third = (self.export(table)["ExportArn"] for _ in range(3))
        self.verify(first)
        self.assertRawError(self.console("VerifyExport", {"ExportArn": first}),
                            "ResourceInUseException",
                            "A verification of this export is already running")
        self.verify(second)
        self.assertRawError(self.console("VerifyExport", {"ExportArn": third}),
                            "LimitExceededException",
                            "2 export verifications are running, as many as the server runs at "
                            "once; start this one when one has ended")
        pids = self.verifier_pids(2)
        self.assertTrue(all(alive(p) for p in pids))
        self.assertEqual(self.wait_verification_briefly(first), "IN_PROGRESS")

        started = time.monotonic()
        self.assertEqual(self.server.stop(signal.SIGTERM, timeout=10), 0, self.server.log_tail())
        self.assertLess(time.monotonic() - started, 5)
        deadline = time.monotonic() + 5  # the killed processes' exits are reaped by their parents
        while any(alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual([p for p in pids if alive(p)], [])
        self.assertIn("the server shut down before the verifier finished", self.server.log_text())
        self.start_again()  # for the class's own teardown
        # Results are kept in memory only.
        after = self.console("DescribeExportVerification", {"ExportArn": first}).json()
        self.assertEqual(after["VerificationStatus"], "NOT_VERIFIED")

    def wait_verification_briefly(self, arn):
        return self.console("DescribeExportVerification",
                            {"ExportArn": arn}).json()["VerificationStatus"]
