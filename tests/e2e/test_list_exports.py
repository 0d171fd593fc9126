"""ListExports: ordering, the TableArn filter, MaxResults/NextToken paging and validation.

Facts: shared/spec/export-and-pitr.md §4.3 (model: MaxResults 1..25; doc: "in reverse
alphanumeric order of ExportArn"; [AWS-OBS] IN_PROGRESS and FAILED exports are listed, newest
first, a bad NextToken is a ValidationException, a deleted table's exports drop out of
ListExports(TableArn) while DescribeExport still works).
"""

import time
import uuid

from export_support import ExportTestCase, random_bucket


class ListExports(ExportTestCase):

    @classmethod
    def _create_class_tables(cls):
        cls.bucket = cls.make_bucket()

    def quick_exports(self, table, n):
        """n exports of `table` to missing buckets (they FAIL at once), oldest first."""
        arns = []
        for _ in range(n):
            arns.append(self.start_export(table, random_bucket())["ExportArn"])
            time.sleep(0.002)  # distinct start milliseconds
        for arn in arns:
            self.wait_export(arn)
        return arns

    def test_fresh_table_has_no_exports(self):
        # [AWS-OBS] ScyllaDB test_list_exports_empty.
        table = self.create_pitr_table()
        resp = self.client.list_exports(TableArn=self.table_arn(table))
        self.assertEqual(resp["ExportSummaries"], [])
        self.assertNotIn("NextToken", resp)

    def test_summaries_newest_first_with_status_and_type(self):
        # [AWS-OBS] ScyllaDB test_list_exports_summary_fields and _pagination: ExportSummary is
        # {ExportArn, ExportStatus, ExportType}, ExportType FULL_EXPORT even when not requested,
        # FAILED exports listed, the exports of one table newest first (§4.3).
        table = self.create_pitr_table()
        failed = self.quick_exports(table, 3)
        done = self.export_and_wait(table, self.bucket)
        self.assertEqual(done["ExportStatus"], "COMPLETED")
        summaries = self.client.list_exports(TableArn=self.table_arn(table))["ExportSummaries"]
        self.assertEqual([s["ExportArn"] for s in summaries], [done["ExportArn"]] + failed[::-1])
        for s in summaries:
            self.assertEqual(set(s), {"ExportArn", "ExportStatus", "ExportType"})
            self.assertEqual(s["ExportType"], "FULL_EXPORT")
        self.assertEqual([s["ExportStatus"] for s in summaries],
                         ["COMPLETED", "FAILED", "FAILED", "FAILED"])

    def test_whole_list_in_reverse_order_of_export_arn(self):
        # Model doc (2026-02): "in reverse alphanumeric order of ExportArn" (§4.3).
        a = self.create_pitr_table()
        b = self.create_pitr_table()
        mine = self.quick_exports(a, 2) + self.quick_exports(b, 2) + self.quick_exports(a, 1)
        arns = [s["ExportArn"] for s in self.list_all_exports()]
        self.assertEqual(arns, sorted(arns, reverse=True))
        self.assertEqual(len(arns), len(set(arns)))
        self.assertTrue(set(mine) <= set(arns))

    def test_table_arn_filter(self):
        a = self.create_pitr_table()
        b = self.create_pitr_table()
        of_a = self.quick_exports(a, 2)
        of_b = self.quick_exports(b, 3)
        self.assertEqual({s["ExportArn"] for s in self.list_all_exports(TableArn=self.table_arn(a))},
                         set(of_a))
        self.assertEqual({s["ExportArn"] for s in self.list_all_exports(TableArn=self.table_arn(b))},
                         set(of_b))
        everything = {s["ExportArn"] for s in self.list_all_exports()}
        self.assertTrue(set(of_a + of_b) <= everything)

    def test_paging(self):
        # MaxResults 1..25 and NextToken (§4.3): pages hold at most MaxResults summaries, and
        # following NextToken yields every export once, in the same order as one big page.
        table = self.create_pitr_table()
        arns = self.quick_exports(table, 7)
        table_arn = self.table_arn(table)
        full = [s["ExportArn"] for s in
                self.client.list_exports(TableArn=table_arn, MaxResults=25)["ExportSummaries"]]
        self.assertEqual(full, arns[::-1])
        for page_size in (1, 3, 7):
            with self.subTest(page_size=page_size):
                seen, kw, pages = [], {"TableArn": table_arn, "MaxResults": page_size}, 0
                while True:
                    resp = self.client.list_exports(**kw)
                    self.assertLessEqual(len(resp["ExportSummaries"]), page_size)
                    seen += [s["ExportArn"] for s in resp["ExportSummaries"]]
                    pages += 1
                    self.assertLess(pages, 20)
                    if not resp.get("NextToken"):
                        break
                    kw["NextToken"] = resp["NextToken"]
                self.assertEqual(seen, full)
                self.assertGreaterEqual(pages, -(-7 // page_size))
        # A first page of 3 says there is more.
        first = self.client.list_exports(TableArn=table_arn, MaxResults=3)
        self.assertEqual(len(first["ExportSummaries"]), 3)
        self.assertTrue(first.get("NextToken"))

    def test_paging_without_filter(self):
        table = self.create_pitr_table()
        self.quick_exports(table, 4)
        whole = [s["ExportArn"] for s in self.list_all_exports()]
        paged = [s["ExportArn"] for s in self.list_all_exports(MaxResults=2)]
        self.assertEqual(paged, whole)

    def test_max_results_out_of_range(self):
        # Model: ListExportsMaxLimit is 1..25 (§4.3).
        for value, bound in ((0, "greater than or equal to 1"), (26, "less than or equal to 25"),
                             (-5, "greater than or equal to 1"), (1000, "less than or equal to 25")):
            with self.subTest(value=value):
                with self.assertValidation(contains=["maxResults", bound]):
                    self.raw_client.list_exports(MaxResults=value)
        self.assertIn("ExportSummaries", self.client.list_exports(MaxResults=25))
        self.assertIn("ExportSummaries", self.client.list_exports(MaxResults=1))

    def test_bad_next_token(self):
        # [AWS-OBS] ScyllaDB test_list_exports_invalid_next_token: ValidationException, HTTP 400.
        for token in ("0123456789abcdef" * 16, "garbage", str(uuid.uuid4())):
            with self.subTest(token=token):
                with self.assertValidation():
                    self.client.list_exports(NextToken=token)

    def test_bad_table_arn(self):
        with self.assertValidation(contains="tableArn"):
            self.raw_client.list_exports(TableArn="")

    def test_deleted_table_drops_out_but_stays_describable(self):
        # [AWS-OBS] ScyllaDB test_export_start_and_delete_table: after the table is deleted,
        # ListExports(TableArn=...) no longer lists its export, DescribeExport still works
        # (§4.3, §5 "table deleted mid-export").
        table = self.create_pitr_table()
        self.client.put_item(TableName=table, Item={"pk": {"S": "a"}})
        table_arn = self.table_arn(table)
        desc = self.export_and_wait(table, self.bucket)
        self.assertEqual(desc["ExportStatus"], "COMPLETED")
        self.client.delete_table(TableName=table)
        self.client.get_waiter("table_not_exists").wait(
            TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        arns = [s["ExportArn"] for s in self.list_all_exports(TableArn=table_arn)]
        self.assertNotIn(desc["ExportArn"], arns)
        again = self.describe_export(desc["ExportArn"])
        self.assertEqual(again["ExportStatus"], "COMPLETED")
        self.assertEqual(again["TableArn"], table_arn)
        # A new table of the same name starts with no exports.
        self.create_table(name=table)
        self.assertEqual(self.client.list_exports(TableArn=table_arn)["ExportSummaries"], [])

    def test_aws_cli(self):
        table = self.create_pitr_table()
        arns = self.quick_exports(table, 3)
        out = self.aws("list-exports", "--table-arn", self.table_arn(table), "--max-results", "2")
        self.assertEqual([s["ExportArn"] for s in out["ExportSummaries"]], arns[::-1][:2])
        self.assertTrue(out.get("NextToken"))
        out = self.aws("list-exports", "--table-arn", self.table_arn(table), "--max-results", "2",
                       "--next-token", out["NextToken"])
        self.assertEqual([s["ExportArn"] for s in out["ExportSummaries"]], arns[:1])
