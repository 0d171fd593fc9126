"""UpdateContinuousBackups / DescribeContinuousBackups: point-in-time recovery per table.

Facts from shared/spec/export-and-pitr.md §4.4 (botocore model) and §5 (PITR disable/enable).
"""

import time

from export_support import ExportTestCase, epoch_ms, random_bucket
from harness import random_name


class ContinuousBackups(ExportTestCase):

    def describe(self, table):
        return self.client.describe_continuous_backups(TableName=table)[
            "ContinuousBackupsDescription"]

    def update(self, table, enabled, days=None, client=None):
        spec = {"PointInTimeRecoveryEnabled": enabled}
        if days is not None:
            spec["RecoveryPeriodInDays"] = days
        return (client or self.client).update_continuous_backups(
            TableName=table, PointInTimeRecoverySpecification=spec)["ContinuousBackupsDescription"]

    # --- functionality ---------------------------------------------------------------------

    def test_new_table_has_pitr_disabled(self):
        # Model: "Continuous backups are ENABLED on all tables at table creation"; PITR is off
        # until UpdateContinuousBackups turns it on (§4.4). A disabled description carries no
        # window and no period.
        table = self.create_table()
        desc = self.describe(table)
        self.assertEqual(desc["ContinuousBackupsStatus"], "ENABLED")
        self.assertEqual(desc["PointInTimeRecoveryDescription"],
                         {"PointInTimeRecoveryStatus": "DISABLED"})

    def test_enable_reports_window_and_default_period(self):
        # Model: RecoveryPeriodInDays defaults to 35 (§4.4); the window starts when PITR is
        # enabled and EarliestRestorable <= LatestRestorable.
        table = self.create_table()
        before = time.time()
        desc = self.update(table, True)
        after = time.time()
        self.assertEqual(desc["ContinuousBackupsStatus"], "ENABLED")
        pitr = desc["PointInTimeRecoveryDescription"]
        self.assertEqual(pitr["PointInTimeRecoveryStatus"], "ENABLED")
        self.assertEqual(pitr["RecoveryPeriodInDays"], 35)
        earliest = pitr["EarliestRestorableDateTime"].timestamp()
        latest = pitr["LatestRestorableDateTime"].timestamp()
        self.assertGreaterEqual(earliest, before - 0.002)
        self.assertLessEqual(earliest, after + 0.002)
        self.assertLessEqual(earliest, latest)
        # DescribeContinuousBackups reports the same window start.
        again = self.describe(table)["PointInTimeRecoveryDescription"]
        self.assertEqual(again["PointInTimeRecoveryStatus"], "ENABLED")
        self.assertEqual(again["RecoveryPeriodInDays"], 35)
        self.assertEqual(again["EarliestRestorableDateTime"], pitr["EarliestRestorableDateTime"])

    def test_latest_restorable_time_advances(self):
        # The window ends at the latest restorable time, which moves forward with the clock.
        table = self.create_pitr_table()
        first = self.pitr(table)["LatestRestorableDateTime"]
        time.sleep(1.1)
        second = self.pitr(table)
        self.assertGreater(second["LatestRestorableDateTime"], first)
        self.assertLessEqual(second["LatestRestorableDateTime"].timestamp(), time.time() + 1)

    def test_recovery_period_is_kept(self):
        # Model (2025-01): "You can set PITR recovery period for each table individually to
        # between 1 and 35 days" (§4.4).
        table = self.create_table()
        for days in (1, 7, 35):
            desc = self.update(table, True, days)
            self.assertEqual(desc["PointInTimeRecoveryDescription"]["RecoveryPeriodInDays"], days)
            self.assertEqual(self.pitr(table)["RecoveryPeriodInDays"], days)

    def test_changing_period_of_enabled_table_keeps_window_start(self):
        # Only disabling and re-enabling resets the window (§5 "PITR disable/enable"); an update
        # of an enabled table just changes the period.
        table = self.create_table()
        start = self.update(table, True, 10)["PointInTimeRecoveryDescription"][
            "EarliestRestorableDateTime"]
        time.sleep(0.05)
        desc = self.update(table, True, 20)["PointInTimeRecoveryDescription"]
        self.assertEqual(desc["RecoveryPeriodInDays"], 20)
        self.assertEqual(desc["EarliestRestorableDateTime"], start)
        self.assertEqual(self.update(table, True)["PointInTimeRecoveryDescription"][
            "EarliestRestorableDateTime"], start)

    def test_disable_then_reenable_resets_earliest_restorable_time(self):
        # [DOC] PointInTimeRecovery_Howitworks: "If you disable point-in-time recovery and later
        # re-enable it on a table, you reset the start time for which you can recover that
        # table." (§5)
        table = self.create_table()
        first = self.update(table, True)["PointInTimeRecoveryDescription"]
        time.sleep(0.3)
        off = self.update(table, False)
        self.assertEqual(off["PointInTimeRecoveryDescription"],
                         {"PointInTimeRecoveryStatus": "DISABLED"})
        self.assertEqual(self.describe(table)["PointInTimeRecoveryDescription"],
                         {"PointInTimeRecoveryStatus": "DISABLED"})
        time.sleep(0.3)
        before = time.time()
        second = self.update(table, True)["PointInTimeRecoveryDescription"]
        self.assertGreater(second["EarliestRestorableDateTime"], first["EarliestRestorableDateTime"])
        self.assertGreaterEqual(epoch_ms(second["EarliestRestorableDateTime"]),
                                int(before * 1000) - 2)
        # And the old window is gone for exports too: a time inside it is now outside PITR.
        bucket = self.make_bucket()
        inside_old = first["EarliestRestorableDateTime"].timestamp() + 0.1
        with self.assertApiError("InvalidExportTimeException", contains="ExportTime"):
            self.start_export(table, bucket, ExportTime=inside_old)

    def test_disable_resets_period_to_default_on_reenable(self):
        # A period belongs to one enabled spell; re-enabling without one is the default 35.
        table = self.create_table()
        self.update(table, True, 3)
        self.update(table, False)
        self.assertEqual(self.update(table, True)["PointInTimeRecoveryDescription"][
            "RecoveryPeriodInDays"], 35)

    def test_disabling_a_disabled_table_is_fine(self):
        table = self.create_table()
        desc = self.update(table, False)
        self.assertEqual(desc["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"],
                         "DISABLED")

    def test_table_arn_is_accepted_as_table_name(self):
        # Model: TableName has shape TableArn; "You can also provide the Amazon Resource Name
        # (ARN) of the table" (§4.4).
        table = self.create_table()
        arn = self.table_arn(table)
        desc = self.update(arn, True, 12)
        self.assertEqual(desc["PointInTimeRecoveryDescription"]["RecoveryPeriodInDays"], 12)
        self.assertEqual(self.describe(arn)["PointInTimeRecoveryDescription"][
            "RecoveryPeriodInDays"], 12)
        self.assertEqual(self.pitr(table)["PointInTimeRecoveryStatus"], "ENABLED")

    def test_aws_cli(self):
        # The AWS CLI, as a user would type it.
        table = self.create_table()
        out = self.aws("update-continuous-backups", "--table-name", table,
                       "--point-in-time-recovery-specification",
                       "PointInTimeRecoveryEnabled=true,RecoveryPeriodInDays=9")
        pitr = out["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        self.assertEqual(pitr["PointInTimeRecoveryStatus"], "ENABLED")
        self.assertEqual(pitr["RecoveryPeriodInDays"], 9)
        out = self.aws("describe-continuous-backups", "--table-name", table)
        self.assertEqual(out["ContinuousBackupsDescription"]["ContinuousBackupsStatus"], "ENABLED")
        self.assertEqual(out["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"][
            "RecoveryPeriodInDays"], 9)
        self.assertIn("EarliestRestorableDateTime",
                      out["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"])

    # --- validation ------------------------------------------------------------------------

    def test_recovery_period_out_of_range(self):
        # Model: RecoveryPeriodInDays is an integer 1..35 (§4.4); out of range is a
        # ValidationException naming the member.
        table = self.create_table()
        for days, bound in ((0, "greater than or equal to 1"), (36, "less than or equal to 35"),
                            (-1, "greater than or equal to 1"), (1000, "less than or equal to 35")):
            with self.subTest(days=days):
                with self.assertValidation(contains=["recoveryPeriodInDays", bound]):
                    self.update(table, True, days, client=self.raw_client)
        self.assertEqual(self.pitr(table)["PointInTimeRecoveryStatus"], "DISABLED")

    def test_missing_specification(self):
        # PointInTimeRecoverySpecification and its PointInTimeRecoveryEnabled are required.
        table = self.create_table()
        with self.assertValidation(contains="pointInTimeRecoverySpecification"):
            self.raw_client.update_continuous_backups(TableName=table)
        with self.assertValidation(contains="pointInTimeRecoveryEnabled"):
            self.raw_client.update_continuous_backups(
                TableName=table, PointInTimeRecoverySpecification={})

    def test_unknown_table(self):
        # Model: both operations raise TableNotFoundException (§4.4).
        name = random_name("missing")
        with self.assertApiError("TableNotFoundException", f"Table not found: {name}"):
            self.describe(name)
        with self.assertApiError("TableNotFoundException", f"Table not found: {name}"):
            self.update(name, True)

    def test_deleted_table(self):
        table = self.create_pitr_table()
        self.client.delete_table(TableName=table)
        self.client.get_waiter("table_not_exists").wait(
            TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        with self.assertApiError("TableNotFoundException", f"Table not found: {table}"):
            self.describe(table)

    def test_pitr_of_one_table_does_not_touch_another(self):
        a = self.create_table()
        b = self.create_table()
        self.update(a, True)
        self.assertEqual(self.pitr(b)["PointInTimeRecoveryStatus"], "DISABLED")
        # and exports of b still need PITR of b
        with self.assertApiError("PointInTimeRecoveryUnavailableException"):
            self.start_export(b, random_bucket())
