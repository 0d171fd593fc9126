"""Scan: Limit, paging, 1 MB pages, parallel Segment/TotalSegments, Select COUNT."""

from harness import ServerTestCase, random_name

TABLES = {"table": (("pk", "S"), ("sk", "N"))}
ITEMS = [{"pk": {"S": f"p{i % 30}"}, "sk": {"N": str(i)}, "v": {"N": str(i % 3)}}
         for i in range(90)]


def ident(item):
    return (item["pk"]["S"], item["sk"]["N"])


class Serialization(ServerTestCase):

    def scan(self, **kw):
        return self.raw_op("Scan", {"TableName": "abc", **kw})

    def test_segment_is_a_string(self):
        self.assertRawError(self.scan(Segment="0", TotalSegments=2), "SerializationException")

    def test_total_segments_is_a_list(self):
        self.assertRawError(self.scan(Segment=0, TotalSegments=[2]), "SerializationException")

    def test_limit_is_a_bool(self):
        self.assertRawError(self.scan(Limit=True), "SerializationException")


class Validation(ServerTestCase):
    TABLES = TABLES

    def test_missing_table(self):
        with self.assertNotFound():
            self.client.scan(TableName=random_name())

    def test_segment_without_total_segments(self):
        with self.assertValidation(
                "The TotalSegments parameter is required but was not present in the request "
                "when Segment parameter is present"):
            self.client.scan(TableName=self.table, Segment=0)

    def test_total_segments_without_segment(self):
        with self.assertValidation(
                "The Segment parameter is required but was not present in the request when "
                "parameter TotalSegments is present"):
            self.client.scan(TableName=self.table, TotalSegments=2)

    def test_segment_not_below_total_segments(self):
        with self.assertValidation(
                "The Segment parameter is zero-based and must be less than parameter "
                "TotalSegments: Segment: 2 is not less than TotalSegments: 2"):
            self.client.scan(TableName=self.table, Segment=2, TotalSegments=2)

    def test_total_segments_zero(self):
        with self.assertValidation(
                "1 validation error detected: Value '0' at 'totalSegments' failed to satisfy "
                "constraint: Member must have value greater than or equal to 1"):
            self.raw_client.scan(TableName=self.table, Segment=0, TotalSegments=0)

    def test_total_segments_too_large(self):
        with self.assertValidation(
                "1 validation error detected: Value '1000001' at 'totalSegments' failed to "
                "satisfy constraint: Member must have value less than or equal to 1000000"):
            self.raw_client.scan(TableName=self.table, Segment=0, TotalSegments=1000001)

    def test_negative_segment(self):
        with self.assertValidation(
                "1 validation error detected: Value '-1' at 'segment' failed to satisfy "
                "constraint: Member must have value greater than or equal to 0"):
            self.raw_client.scan(TableName=self.table, Segment=-1, TotalSegments=2)

    # DynamoDB reports Limit in its newer form, naming the member but not the value (recorded
    # from AWS).
    def test_limit_zero(self):
        with self.assertValidation(
                "1 validation error detected: Value at 'Limit' failed to satisfy constraint: "
                "Member must have value greater than or equal to 1"):
            self.raw_client.scan(TableName=self.table, Limit=0)

    def test_invalid_exclusive_start_key(self):
        with self.assertValidation(
                "The provided starting key is invalid: The provided key element does not match "
                "the schema"):
            self.client.scan(TableName=self.table, ExclusiveStartKey={"pk": {"S": "a"}})

    def test_empty_attributes_to_get(self):
        with self.assertValidation(
                "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy "
                "constraint: Member must have length greater than or equal to 1"):
            self.raw_client.scan(TableName=self.table, AttributesToGet=[])

    # A parallel scan's starting key must lie in its segment.
    def test_exclusive_start_key_of_another_segment(self):
        self.put_items(self.table, [{"pk": {"S": f"seg{i}"}, "sk": {"N": "1"}}
                                    for i in range(20)])
        first = self.client.scan(TableName=self.table, Segment=0, TotalSegments=2)["Items"]
        self.assertTrue(first)
        start = {"pk": first[0]["pk"], "sk": first[0]["sk"]}
        with self.assertValidation("The provided Exclusive start key does not map to the "
                                   "provided Segment and TotalSegments values."):
            self.client.scan(TableName=self.table, Segment=1, TotalSegments=2,
                             ExclusiveStartKey=start)
        self.client.scan(TableName=self.table, Segment=0, TotalSegments=2,
                         ExclusiveStartKey=start)

    def test_select_count_with_attributes_to_get(self):
        with self.assertValidation(
                "One or more parameter values were invalid: Cannot specify the AttributesToGet "
                "when choosing to get COUNT"):
            self.client.scan(TableName=self.table, AttributesToGet=["pk"], Select="COUNT")

    # Document paths go 32 levels deep in filters too.
    def test_filter_path_of_33_levels(self):
        with self.assertValidation(
                "Invalid FilterExpression: The document path has too many nesting levels; "
                "nesting levels: 33"):
            self.client.scan(TableName=self.table,
                             FilterExpression="attribute_exists(a" + ".b" * 32 + ")")
        self.client.scan(TableName=self.table,
                         FilterExpression="attribute_exists(a" + ".b" * 31 + ")")


class Functionality(ServerTestCase):
    TABLES = TABLES

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.put_items(cls.table, ITEMS)

    def scan_all(self, **kw):
        """Follows LastEvaluatedKey to the end; returns (items, pages)."""
        items, pages, start = [], 0, None
        while True:
            args = dict(TableName=self.table, **kw)
            if start:
                args["ExclusiveStartKey"] = start
            resp = self.client.scan(**args)
            items += resp.get("Items", [])
            pages += 1
            start = resp.get("LastEvaluatedKey")
            if not start:
                return items, pages
            self.assertLess(pages, 1000)

    def test_scan_returns_every_item(self):
        resp = self.client.scan(TableName=self.table)
        self.assertEqual(sorted(map(ident, resp["Items"])), sorted(map(ident, ITEMS)))
        self.assertEqual(resp["Count"], len(ITEMS))
        self.assertEqual(resp["ScannedCount"], len(ITEMS))
        self.assertNotIn("LastEvaluatedKey", resp)

    # Items of one partition come out together, in sort-key order.
    def test_items_of_a_partition_are_in_key_order(self):
        items = self.client.scan(TableName=self.table)["Items"]
        for p in {i["pk"]["S"] for i in items}:
            sks = [int(i["sk"]["N"]) for i in items if i["pk"]["S"] == p]
            self.assertEqual(sks, sorted(sks))
        seq = [i["pk"]["S"] for i in items]
        self.assertEqual(len([k for n, k in enumerate(seq) if n == 0 or seq[n - 1] != k]), 30)

    def test_limit_and_paging(self):
        items, pages = self.scan_all(Limit=7)
        self.assertEqual(sorted(map(ident, items)), sorted(map(ident, ITEMS)))
        self.assertEqual(len(items), len(set(map(ident, items))))
        self.assertGreaterEqual(pages, len(ITEMS) // 7)

    def test_limit_counts_scanned_items_before_the_filter(self):
        resp = self.client.scan(TableName=self.table, Limit=10, FilterExpression="v = :z",
                                ExpressionAttributeValues={":z": {"N": "0"}})
        self.assertEqual(resp["ScannedCount"], 10)
        self.assertLessEqual(resp["Count"], 10)
        self.assertIn("LastEvaluatedKey", resp)

    def test_filter_over_all_pages(self):
        items, _ = self.scan_all(Limit=20, FilterExpression="v = :z",
                                 ExpressionAttributeValues={":z": {"N": "0"}})
        self.assertEqual(sorted(map(ident, items)),
                         sorted(ident(i) for i in ITEMS if i["v"]["N"] == "0"))

    def test_parallel_scan_covers_every_item_once(self):
        for total in (1, 2, 4, 13, 200):
            with self.subTest(total=total):
                seen = []
                for seg in range(total):
                    items, _ = self.scan_all(Segment=seg, TotalSegments=total, Limit=9)
                    seen += items
                self.assertEqual(sorted(map(ident, seen)), sorted(map(ident, ITEMS)))

    # Segments split the key space: with 7 partitions and 2 segments, both get some.
    def test_segments_split_the_work(self):
        counts = [len(self.scan_all(Segment=s, TotalSegments=2)[0]) for s in range(2)]
        self.assertEqual(sum(counts), len(ITEMS))
        self.assertTrue(all(c > 0 for c in counts), counts)

    def test_select_count(self):
        resp = self.client.scan(TableName=self.table, Select="COUNT")
        self.assertNotIn("Items", resp)
        self.assertEqual(resp["Count"], len(ITEMS))

    def test_projection(self):
        resp = self.client.scan(TableName=self.table, ProjectionExpression="sk", Limit=5)
        self.assertTrue(all(set(i) == {"sk"} for i in resp["Items"]), resp["Items"])

    def test_empty_table(self):
        table = self.create_table()
        resp = self.client.scan(TableName=table)
        self.assertEqual((resp["Items"], resp["Count"], resp["ScannedCount"]), ([], 0, 0))
        self.assertNotIn("LastEvaluatedKey", resp)

    # A page holds at most 1 MB of items (also for parallel scans).
    def test_one_megabyte_pages(self):
        table = self.create_table()
        size = 64 * 1024
        self.put_items(table, [{"pk": {"S": f"k{i:03d}"}, "v": {"S": "y" * size}}
                               for i in range(40)])
        for kw in ({}, {"Segment": 0, "TotalSegments": 1}):
            with self.subTest(**kw):
                got, pages, start = [], 0, None
                while True:
                    args = dict(TableName=table, **kw)
                    if start:
                        args["ExclusiveStartKey"] = start
                    resp = self.client.scan(**args)
                    self.assertLessEqual(len(resp["Items"]) * size, 1024 * 1024 + size)
                    got += [i["pk"]["S"] for i in resp["Items"]]
                    pages += 1
                    start = resp.get("LastEvaluatedKey")
                    if not start:
                        break
                self.assertEqual(sorted(got), [f"k{i:03d}" for i in range(40)])
                self.assertGreaterEqual(pages, 3)

    def test_resource_scan_and_paginator(self):
        table = self.resource.Table(self.table)
        self.assertEqual(table.scan(Select="COUNT")["Count"], len(ITEMS))
        pages = self.client.get_paginator("scan").paginate(TableName=self.table,
                                                           PaginationConfig={"PageSize": 25})
        self.assertEqual(sum(p["Count"] for p in pages), len(ITEMS))

    # The CLI follows LastEvaluatedKey itself and prints one merged result.
    def test_cli_scan(self):
        out = self.aws("scan", "--table-name", self.table, "--page-size", "10")
        self.assertEqual(len(out["Items"]), len(ITEMS))

    # A Scan is charged once for the total DynamoDB size of the items it read, rounded up to
    # 4 KB, at least 1 unit, halved when eventually consistent: a one-item table costs 0.5
    # (1 consistent), three 2,000-byte items 1 (2 consistent); INDEXES adds "Table".
    def test_consumed_capacity(self):
        table = self.create_table(("pk", "S"))
        self.client.put_item(TableName=table, Item={"pk": {"S": "only"}, "v": {"S": "x" * 100}})
        for consistent, units in ((False, 0.5), (True, 1.0)):
            with self.subTest(items=1, consistent=consistent):
                resp = self.client.scan(TableName=table, ConsistentRead=consistent,
                                        ReturnConsumedCapacity="TOTAL")
                self.assertEqual(resp["ConsumedCapacity"],
                                 {"TableName": table, "CapacityUnits": units})
        base = 2 + 2 + 1  # "pk" and a two-character value, the name "b"
        self.put_items(table, [{"pk": {"S": f"p{i}"}, "b": {"S": "x" * (2000 - base)}}
                               for i in range(3)])
        self.client.delete_item(TableName=table, Key={"pk": {"S": "only"}})
        for consistent, units in ((False, 1.0), (True, 2.0)):
            with self.subTest(items=3, consistent=consistent):
                resp = self.client.scan(TableName=table, ConsistentRead=consistent,
                                        ReturnConsumedCapacity="INDEXES")
                self.assertEqual(resp["ConsumedCapacity"],
                                 {"TableName": table, "CapacityUnits": units,
                                  "Table": {"CapacityUnits": units}})
