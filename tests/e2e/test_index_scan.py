"""Scan with IndexName (shared/spec/indexes.md §4): only the items an index holds, with its
projection; Select and ConsistentRead rules as for Query; parallel segments over the index's
partitions."""

from index_read_support import IndexTestCase, n, s
from harness import random_name

OMPV = "One or more parameter values were invalid: "


class IndexScan(IndexTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.table = cls.create_indexed_table(
            {"pk": "S", "sk": "N", "g": "S", "r": "N", "l": "S"}, ("pk", "sk"),
            gsis={"all_g": ("g", "r", "ALL"), "keys_g": ("g", (), "KEYS_ONLY")},
            lsis={"keys_l": ("pk", "l", "KEYS_ONLY")})
        items = []
        for i in range(60):
            item = {"pk": s(f"p{i % 7}"), "sk": n(i), "v": s(f"v{i}")}
            if i % 3:
                item["g"] = s(f"G{i % 5}")
                item["r"] = n(100 - i)
            if i % 2:
                item["l"] = s(f"l{i}")
            items.append(item)
        cls.put_items(cls.table, items)
        cls.in_gsi = {i for i in range(60) if i % 3}
        cls.in_lsi = {i for i in range(60) if i % 2}

    def scan(self, index, **kw):
        return self.all_items("scan", TableName=self.table, IndexName=index, **kw)

    def test_unknown_index(self):
        with self.assertValidation("The table does not have the specified index: nope"):
            self.client.scan(TableName=self.table, IndexName="nope")
        with self.assertNotFound():
            self.client.scan(TableName=random_name(), IndexName="all_g")

    def test_only_indexed_items(self):
        items = self.scan("all_g")
        self.assertEqual(sorted(int(i["sk"]) for i in items), sorted(self.in_gsi))
        self.assertEqual(set(items[0]), {"pk", "sk", "v", "g", "r"})
        items = self.scan("keys_l")
        self.assertEqual(sorted(int(i["sk"]) for i in items), sorted(self.in_lsi))
        self.assertEqual(set(items[0]), {"pk", "sk", "l"})

    # Within one index partition, entries come in index sort key order.
    def test_order_within_a_partition(self):
        by_partition = {}
        for item in self.scan("all_g"):
            by_partition.setdefault(item["g"], []).append(item["r"])
        self.assertEqual(len(by_partition), 5)
        for rs in by_partition.values():
            self.assertEqual(rs, sorted(rs))

    def test_keys_only_projection(self):
        items = self.scan("keys_g")
        self.assertEqual(len(items), len(self.in_gsi))
        for item in items:
            self.assertEqual(set(item), {"pk", "sk", "g"})

    def test_select_rules(self):
        with self.assertValidation(OMPV + "Select type ALL_ATTRIBUTES is not supported for global "
                                   "secondary index keys_g because its projection type is not ALL"):
            self.client.scan(TableName=self.table, IndexName="keys_g", Select="ALL_ATTRIBUTES")
        with self.assertValidation(OMPV + "Global secondary index keys_g does not project [v]"):
            self.client.scan(TableName=self.table, IndexName="keys_g", ProjectionExpression="v")
        with self.assertValidation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying "
                                   "using an IndexName"):
            self.client.scan(TableName=self.table, Select="ALL_PROJECTED_ATTRIBUTES")
        count = self.client.scan(TableName=self.table, IndexName="keys_g", Select="COUNT")
        self.assertEqual(count["Count"], len(self.in_gsi))
        self.assertNotIn("Items", count)

    def test_lsi_fetches_from_the_table(self):
        items = self.scan("keys_l", Select="ALL_ATTRIBUTES")
        self.assertEqual(len(items), len(self.in_lsi))
        for item in items:
            self.assertEqual(item["v"], f"v{int(item['sk'])}")
        items = self.scan("keys_l", ProjectionExpression="v")
        self.assertEqual(sorted(i["v"] for i in items),
                         sorted(f"v{i}" for i in self.in_lsi))

    def test_consistent_read(self):
        with self.assertValidation("Consistent reads are not supported on global secondary "
                                   "indexes"):
            self.client.scan(TableName=self.table, IndexName="all_g", ConsistentRead=True)
        self.assertEqual(len(self.scan("keys_l", ConsistentRead=True)), len(self.in_lsi))

    # Scan has no rule against filtering on key attributes.
    def test_filter_on_index_keys(self):
        items = self.scan("all_g", FilterExpression="g = :g AND r > :r",
                          ExpressionAttributeValues={":g": s("G1"), ":r": n(60)})
        self.assertEqual(sorted(int(i["sk"]) for i in items),
                         sorted(i for i in self.in_gsi if i % 5 == 1 and 100 - i > 60))

    def test_parallel_segments_cover_the_index_once(self):
        for total in (1, 2, 3, 8):
            with self.subTest(total=total):
                seen = []
                for segment in range(total):
                    seen += [int(i["sk"]) for i in self.scan(
                        "all_g", Segment=segment, TotalSegments=total, Limit=4)]
                self.assertEqual(sorted(seen), sorted(self.in_gsi))

    def test_segment_checks(self):
        with self.assertValidation("The Segment parameter is zero-based and must be less than "
                                   "parameter TotalSegments: Segment: 5 is not less than "
                                   "TotalSegments: 5"):
            self.client.scan(TableName=self.table, IndexName="all_g", Segment=5,
                             TotalSegments=5)

    def test_capacity(self):
        resp = self.client.scan(TableName=self.table, IndexName="keys_g",
                                ReturnConsumedCapacity="INDEXES")
        self.assertEqual(resp["ConsumedCapacity"], {
            "TableName": self.table, "CapacityUnits": 0.5, "Table": {"CapacityUnits": 0.0},
            "GlobalSecondaryIndexes": {"keys_g": {"CapacityUnits": 0.5}}})
