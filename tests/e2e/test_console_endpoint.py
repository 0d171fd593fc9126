"""The web console's read-only operations (X-Amz-Target TidelineConsole_20261203.<Op>,
api/console_operations.h, docs/console.md): a table and an item as they were at a moment of the
point-in-time recovery window, read through storage's as-of read without restoring."""

import json
import time

from export_support import ExportTestCase

PREFIX = "TidelineConsole_20261203."


class ConsoleEndpoint(ExportTestCase):

    def console(self, operation, payload):
        return self.raw(payload, PREFIX + operation)

    def test_scan_and_get_as_of_see_the_past(self):
        table = self.create_pitr_table()
        self.put_items(table, [{"pk": {"S": "a"}, "v": {"N": "1"}},
                               {"pk": {"S": "gone"}, "v": {"N": "9"}}])
        time.sleep(0.05)
        moment = time.time()
        time.sleep(0.05)
        self.client.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"N": "2"}})
        self.client.put_item(TableName=table, Item={"pk": {"S": "new"}, "v": {"N": "3"}})
        self.client.delete_item(TableName=table, Key={"pk": {"S": "gone"}})

        then = self.console("ScanAsOf", {"TableName": table, "AsOf": moment})
        self.assertEqual(then.status, 200, then)
        items = sorted(then.json()["Items"], key=lambda i: i["pk"]["S"])
        self.assertEqual(items, [{"pk": {"S": "a"}, "v": {"N": "1"}},
                                 {"pk": {"S": "gone"}, "v": {"N": "9"}}])
        # At the window's end it is the table as Scan sees it now.
        now = self.console("ScanAsOf", {"TableName": table, "AsOf": time.time()}).json()
        scan = self.client.scan(TableName=table)
        self.assertEqual(sorted(now["Items"], key=lambda i: i["pk"]["S"]),
                         sorted(scan["Items"], key=lambda i: i["pk"]["S"]))

        old = self.console("GetItemAsOf", {"TableName": table, "AsOf": moment,
                                           "Key": {"pk": {"S": "a"}}})
        self.assertEqual(old.json(), {"Item": {"pk": {"S": "a"}, "v": {"N": "1"}}})
        absent = self.console("GetItemAsOf", {"TableName": table, "AsOf": moment,
                                              "Key": {"pk": {"S": "new"}}})
        self.assertEqual(absent.json(), {})
        # Nothing was written: the table is as the writes left it.
        self.assertEqual(self.client.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"],
                         {"pk": {"S": "a"}, "v": {"N": "2"}})

    def test_scan_as_of_pages_and_filters(self):
        table = self.create_pitr_table()
        self.put_items(table, [{"pk": {"S": f"k{i}"}, "v": {"N": str(i)}} for i in range(5)])
        time.sleep(0.05)
        moment = time.time()
        time.sleep(0.05)
        self.put_items(table, [{"pk": {"S": f"k{i}"}, "v": {"N": "100"}} for i in range(5)])
        seen, start = [], None
        while True:
            request = {"TableName": table, "AsOf": moment, "Limit": 2,
                       "FilterExpression": "v >= :min",
                       "ExpressionAttributeValues": {":min": {"N": "2"}}}
            if start:
                request["ExclusiveStartKey"] = start
            page = self.console("ScanAsOf", request).json()
            self.assertLessEqual(page["ScannedCount"], 2)
            seen += [int(i["v"]["N"]) for i in page["Items"]]
            start = page.get("LastEvaluatedKey")
            if not start:
                break
        self.assertEqual(sorted(seen), [2, 3, 4])

    def test_errors(self):
        plain = self.create_table()
        resp = self.console("ScanAsOf", {"TableName": plain, "AsOf": time.time()})
        self.assertRawError(resp, "PointInTimeRecoveryUnavailableException")
        table = self.create_pitr_table()
        earliest = self.pitr(table)["EarliestRestorableDateTime"].timestamp()
        self.assertRawError(self.console("ScanAsOf", {"TableName": table, "AsOf": earliest - 10}),
                            "ValidationException", "AsOf must be between "
                            "EarliestRestorableDateTime and LatestRestorableDateTime")
        self.assertRawError(self.console("ScanAsOf", {"TableName": table, "AsOf": time.time() + 60}),
                            "ValidationException")
        self.assertRawError(self.console("GetItemAsOf", {"TableName": table}),
                            "ValidationException",
                            "The parameter 'Key' is required but was not present in the request")
        self.assertRawError(self.console("GetItemAsOf", {"TableName": table,
                                                         "Key": {"pk": {"S": "a"}}}),
                            "ValidationException",
                            "AsOf is required: the moment to read at, in epoch seconds")
        self.assertRawError(self.console("GetItemAsOf", {"TableName": table, "AsOf": time.time(),
                                                         "Key": {"pk": {"N": "1"}}}),
                            "ValidationException")
        self.assertRawError(self.console("ScanAsOf", {"TableName": "no_such_table",
                                                      "AsOf": time.time()}),
                            "TableNotFoundException", "Table not found: no_such_table")
        self.assertRawError(self.console("PutItem", {"TableName": table}),
                            "UnknownOperationException",
                            "Unknown operation: TidelineConsole_20261203.PutItem")


class ConsoleExportProgress(ExportTestCase):
    # Each 256 KB of a data file pauses, so that the export is seen running.
    SERVER_ARGS = ("--testing-export-flush-delay-ms", "150")

    def console(self, operation, payload):
        return self.raw(payload, PREFIX + operation)

    def test_progress_while_running_then_manifest(self):
        table = self.create_pitr_table()
        pad = "x" * 1000
        self.put_items(table, [{"pk": {"S": f"k{i:04}"}, "p": {"S": pad}} for i in range(1200)])
        bucket = self.make_bucket()
        arn = self.start_export(table, bucket)["ExportArn"]
        seen = []  # (items, item bytes) of the one data file while it is written
        while True:
            progress = self.console("DescribeExportProgress", {"ExportArn": arn}).json()
            self.assertEqual(progress["ExportArn"], arn)
            if progress["ExportStatus"] != "IN_PROGRESS":
                break
            for f in progress["DataFiles"]:
                self.assertTrue(f["Key"].startswith("AWSDynamoDB/"), f)
                seen.append((f["ItemCount"], f["ItemBytes"], f["Done"]))
            time.sleep(0.05)
        self.assertEqual(progress, {"ExportArn": arn, "ExportStatus": "COMPLETED", "DataFiles": []})
        partial = [s for s in seen if 0 < s[0] < 1200 and not s[2]]
        self.assertTrue(partial, seen)  # seen part-way, counts only growing
        self.assertEqual(sorted(seen), seen)
        desc = self.describe_export(arn)

        manifest = self.console("GetExportManifest", {"ExportArn": arn})
        self.assertEqual(manifest.status, 200, manifest)
        body = manifest.json()
        self.assertEqual(body["ManifestSummary"]["exportArn"], arn)
        self.assertEqual(body["ManifestSummary"]["itemCount"], 1200)
        self.assertEqual(body["ManifestSummary"]["billedSizeBytes"], desc["BilledSizeBytes"])
        self.assertEqual(sum(f["itemCount"] for f in body["ManifestFiles"]), 1200)
        self.assertEqual(self.local_bucket(bucket).get(desc["ExportManifest"]).decode(),
                         json.dumps(body["ManifestSummary"], separators=(",", ":")))

    def test_errors(self):
        self.assertRawError(self.console("DescribeExportProgress", {}), "ValidationException",
                            "The parameter 'ExportArn' is required but was not present in the "
                            "request")
        missing = "arn:aws:dynamodb:us-east-1:000000000000:table/t/export/0-0"
        self.assertRawError(self.console("GetExportManifest", {"ExportArn": missing}),
                            "ExportNotFoundException", "Export not found: " + missing)
        table = self.create_pitr_table()
        failed = self.export_and_wait(table, "no-such-bucket")
        self.assertEqual(failed["ExportStatus"], "FAILED")
        self.assertRawError(self.console("GetExportManifest", {"ExportArn": failed["ExportArn"]}),
                            "ValidationException", "The export has no manifest: it is FAILED")
