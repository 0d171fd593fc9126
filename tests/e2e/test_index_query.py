"""Query with IndexName (shared/spec/indexes.md §1.5, §4): key conditions on the index's keys
(multi-attribute GSI keys included), Select and projections over projected attributes, fetches
from the table for LSIs, ConsistentRead, filters, order and consumed capacity."""

import time
from decimal import Decimal

from botocore.exceptions import ClientError

from index_read_support import IndexTestCase, n, s, with_plain_items
from harness import random_name

OMPV = "One or more parameter values were invalid: "

ITEMS = [
    {"pk": s("p1"), "sk": n(1), "g": s("G1"), "r": n(30), "l": s("c"), "x": s("x1"), "y": s("y1")},
    {"pk": s("p1"), "sk": n(2), "g": s("G1"), "r": n(10), "l": s("a"), "x": s("x2"), "y": s("y2")},
    {"pk": s("p1"), "sk": n(3), "g": s("G1"), "r": n(20), "l": s("b"), "x": s("x3"), "y": s("y3")},
    {"pk": s("p2"), "sk": n(1), "g": s("G1"), "r": n(40), "l": s("a"), "y": s("y4")},
    {"pk": s("p2"), "sk": n(2), "g": s("G2"), "r": n(10), "x": s("x5")},
    # Without g, r or l: in no index (sparse indexes).
    {"pk": s("p3"), "sk": n(1), "x": s("x6")},
]


def keys_of(items, *names):
    return [tuple(item[a] for a in names) for item in items]


class IndexQueryBase(IndexTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.table = cls.create_indexed_table(
            {"pk": "S", "sk": "N", "g": "S", "r": "N", "l": "S"}, ("pk", "sk"),
            gsis={"all_g": ("g", "r", "ALL"), "keys_g": ("g", (), "KEYS_ONLY"),
                  "incl_g": ("g", "r", ["x"])},
            lsis={"keys_l": ("pk", "l", "KEYS_ONLY")})
        cls.put_items(cls.table, ITEMS)

    def query(self, index, expr, values, **kw):
        return with_plain_items(self.client.query(
            TableName=self.table, IndexName=index, KeyConditionExpression=expr,
            ExpressionAttributeValues=values, **kw))


class Resolution(IndexQueryBase):

    def test_unknown_index(self):
        with self.assertValidation("The table does not have the specified index: nope"):
            self.query("nope", "g = :g", {":g": s("G1")})

    def test_unknown_table_with_an_index(self):
        with self.assertNotFound():
            self.client.query(TableName=random_name(), IndexName="all_g",
                              KeyConditionExpression="g = :g",
                              ExpressionAttributeValues={":g": s("G1")})

    # The key condition addresses the index's key, not the table's.
    def test_condition_on_the_table_key(self):
        with self.assertValidation("Query condition missed key schema element: g"):
            self.query("all_g", "pk = :p", {":p": s("p1")})

    def test_condition_value_of_the_wrong_type(self):
        with self.assertValidation(OMPV + "Condition parameter type does not match schema type"):
            self.query("all_g", "g = :g", {":g": n(1)})
        with self.assertValidation(OMPV + "Condition parameter type does not match schema type"):
            self.query("all_g", "g = :g AND r > :r", {":g": s("G1"), ":r": s("1")})

    def test_range_condition_on_a_hash_only_index(self):
        with self.assertValidation("Query key condition not supported"):
            self.query("keys_g", "g = :g AND r > :r", {":g": s("G1"), ":r": n(1)})


class Results(IndexQueryBase):

    def test_gsi_in_index_key_order(self):
        items = self.query("all_g", "g = :g", {":g": s("G1")})["Items"]
        self.assertEqual(keys_of(items, "pk", "sk"),
                         [("p1", Decimal(2)), ("p1", Decimal(3)), ("p1", Decimal(1)),
                          ("p2", Decimal(1))])
        # ALL projects the whole item.
        self.assertEqual(items[0], {"pk": "p1", "sk": 2, "g": "G1", "r": 10, "l": "a", "x": "x2",
                                    "y": "y2"})

    def test_gsi_reversed(self):
        items = self.query("all_g", "g = :g", {":g": s("G1")}, ScanIndexForward=False)["Items"]
        self.assertEqual([i["r"] for i in items], [40, 30, 20, 10])

    def test_gsi_range_conditions(self):
        def rs(expr, values):
            return [i["r"] for i in self.query("all_g", expr, dict(values, **{":g": s("G1")}))[
                "Items"]]
        self.assertEqual(rs("g = :g AND r BETWEEN :a AND :b", {":a": n(15), ":b": n(35)}),
                         [20, 30])
        self.assertEqual(rs("g = :g AND r = :a", {":a": n(20)}), [20])
        self.assertEqual(rs("g = :g AND r < :a", {":a": n(20)}), [10])
        self.assertEqual(rs("g = :g AND r <= :a", {":a": n(20)}), [10, 20])
        self.assertEqual(rs("g = :g AND r > :a", {":a": n(20)}), [30, 40])
        self.assertEqual(rs("g = :g AND :a <= r", {":a": n(20)}), [20, 30, 40])
        self.assertEqual(rs("g = :g AND r = :a", {":a": n(25)}), [])

    def test_other_partition(self):
        items = self.query("all_g", "g = :g", {":g": s("G2")})["Items"]
        self.assertEqual(keys_of(items, "pk", "sk"), [("p2", Decimal(2))])
        self.assertEqual(self.query("all_g", "g = :g", {":g": s("none")})["Items"], [])

    # A KEYS_ONLY index holds the table key and the index key; ties (equal index keys) come in
    # some order, every item once.
    def test_keys_only_gsi(self):
        items = self.query("keys_g", "g = :g", {":g": s("G1")})["Items"]
        self.assertEqual(sorted(keys_of(items, "pk", "sk")),
                         [("p1", Decimal(1)), ("p1", Decimal(2)), ("p1", Decimal(3)),
                          ("p2", Decimal(1))])
        for item in items:
            self.assertEqual(set(item), {"pk", "sk", "g"})

    def test_include_gsi(self):
        items = self.query("incl_g", "g = :g", {":g": s("G1")})["Items"]
        self.assertEqual(items, [
            {"pk": "p1", "sk": 2, "g": "G1", "r": 10, "x": "x2"},
            {"pk": "p1", "sk": 3, "g": "G1", "r": 20, "x": "x3"},
            {"pk": "p1", "sk": 1, "g": "G1", "r": 30, "x": "x1"},
            {"pk": "p2", "sk": 1, "g": "G1", "r": 40}])

    def test_lsi_in_index_key_order(self):
        items = self.query("keys_l", "pk = :p", {":p": s("p1")})["Items"]
        self.assertEqual(items, [{"pk": "p1", "sk": 2, "l": "a"}, {"pk": "p1", "sk": 3, "l": "b"},
                                 {"pk": "p1", "sk": 1, "l": "c"}])
        # p2/2 has no l: not in the LSI.
        items = self.query("keys_l", "pk = :p", {":p": s("p2")})["Items"]
        self.assertEqual(items, [{"pk": "p2", "sk": 1, "l": "a"}])
        items = self.query("keys_l", "pk = :p AND begins_with(l, :l)",
                           {":p": s("p1"), ":l": s("b")})["Items"]
        self.assertEqual(items, [{"pk": "p1", "sk": 3, "l": "b"}])

    def test_legacy_key_conditions(self):
        items = with_plain_items(self.client.query(
            TableName=self.table, IndexName="all_g",
            KeyConditions={"g": {"ComparisonOperator": "EQ", "AttributeValueList": [s("G1")]},
                           "r": {"ComparisonOperator": "GT", "AttributeValueList": [n(15)]}}))[
            "Items"]
        self.assertEqual([i["r"] for i in items], [20, 30, 40])

    def test_count(self):
        resp = self.query("all_g", "g = :g", {":g": s("G1")}, Select="COUNT")
        self.assertNotIn("Items", resp)
        self.assertEqual((resp["Count"], resp["ScannedCount"]), (4, 4))


class SelectAndProjection(IndexQueryBase):

    def test_all_projected_attributes_is_the_default(self):
        explicit = self.query("incl_g", "g = :g", {":g": s("G1")},
                              Select="ALL_PROJECTED_ATTRIBUTES")["Items"]
        self.assertEqual(explicit, self.query("incl_g", "g = :g", {":g": s("G1")})["Items"])
        self.assertEqual(set(explicit[0]), {"pk", "sk", "g", "r", "x"})

    def test_all_projected_attributes_without_an_index(self):
        with self.assertValidation("1 validation error detected: ALL_PROJECTED_ATTRIBUTES can be "
                                   "used only when Querying using an IndexName"):
            self.client.query(TableName=self.table, KeyConditionExpression="pk = :p",
                              ExpressionAttributeValues={":p": s("p1")},
                              Select="ALL_PROJECTED_ATTRIBUTES")

    def test_all_attributes_on_a_gsi_that_does_not_project_all(self):
        for index in ("keys_g", "incl_g"):
            with self.subTest(index=index):
                with self.assertValidation(
                        OMPV + f"Select type ALL_ATTRIBUTES is not supported for global "
                        f"secondary index {index} because its projection type is not ALL"):
                    self.query(index, "g = :g", {":g": s("G1")}, Select="ALL_ATTRIBUTES")

    def test_all_attributes_on_an_all_gsi(self):
        items = self.query("all_g", "g = :g", {":g": s("G1")}, Select="ALL_ATTRIBUTES")["Items"]
        self.assertEqual(len(items), 4)
        self.assertEqual(items[0]["y"], "y2")

    def test_projection_of_projected_attributes(self):
        items = self.query("incl_g", "g = :g", {":g": s("G1")}, ProjectionExpression="x, pk")[
            "Items"]
        self.assertEqual(items, [{"pk": "p1", "x": "x2"}, {"pk": "p1", "x": "x3"},
                                 {"pk": "p1", "x": "x1"}, {"pk": "p2"}])
        items = self.query("incl_g", "g = :g", {":g": s("G1")},
                           Select="SPECIFIC_ATTRIBUTES", ProjectionExpression="r")["Items"]
        self.assertEqual([i["r"] for i in items], [10, 20, 30, 40])

    # A GSI cannot fetch from the table: asking for an attribute it does not project is refused.
    def test_projection_of_an_attribute_a_gsi_does_not_project(self):
        with self.assertValidation(OMPV + "Global secondary index keys_g does not project [x]"):
            self.query("keys_g", "g = :g", {":g": s("G1")}, ProjectionExpression="pk, x")
        with self.assertValidation(OMPV + "Global secondary index incl_g does not project [y]"):
            self.client.query(
                TableName=self.table, IndexName="incl_g", AttributesToGet=["x", "y"],
                KeyConditions={"g": {"ComparisonOperator": "EQ", "AttributeValueList": [s("G1")]}})
        with self.assertValidation(regex=r"does not project \[(l, y|y, l)\]$"):
            self.query("incl_g", "g = :g", {":g": s("G1")}, ProjectionExpression="y, x, l")

    # An LSI fetches what it does not project from the table.
    def test_lsi_all_attributes_fetches_the_items(self):
        items = self.query("keys_l", "pk = :p", {":p": s("p1")}, Select="ALL_ATTRIBUTES")["Items"]
        self.assertEqual([i["sk"] for i in items], [2, 3, 1])
        self.assertEqual(items[0], {"pk": "p1", "sk": 2, "g": "G1", "r": 10, "l": "a", "x": "x2",
                                    "y": "y2"})

    def test_lsi_projection_fetches_the_items(self):
        items = self.query("keys_l", "pk = :p", {":p": s("p1")}, ProjectionExpression="y, l")[
            "Items"]
        self.assertEqual(items, [{"l": "a", "y": "y2"}, {"l": "b", "y": "y3"},
                                 {"l": "c", "y": "y1"}])

    def test_lsi_filter_on_an_attribute_it_does_not_project(self):
        resp = self.query("keys_l", "pk = :p", {":p": s("p1"), ":y": s("y3")},
                          FilterExpression="y = :y")
        self.assertEqual(resp["Items"], [{"pk": "p1", "sk": 3, "l": "b"}])
        self.assertEqual((resp["Count"], resp["ScannedCount"]), (1, 3))


class Filters(IndexQueryBase):

    def test_filter_on_an_index_key_attribute(self):
        for attr in ("g", "r"):
            with self.subTest(attr=attr):
                with self.assertValidation("Filter Expression can only contain non-primary key "
                                           f"attributes: Primary key attribute: {attr}"):
                    self.query("all_g", "g = :g", {":g": s("G1"), ":v": n(1)},
                               FilterExpression=f"{attr} <> :v")

    def test_legacy_filter_on_an_index_key_attribute(self):
        with self.assertValidation("QueryFilter can only contain non-key attributes: Primary key "
                                   "attribute: l"):
            self.client.query(
                TableName=self.table, IndexName="keys_l",
                KeyConditions={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [s("p1")]}},
                QueryFilter={"l": {"ComparisonOperator": "EQ", "AttributeValueList": [s("a")]}})

    # The table's keys are ordinary attributes for a GSI's filter.
    def test_filter_on_table_keys_of_a_gsi(self):
        resp = self.query("all_g", "g = :g", {":g": s("G1"), ":p": s("p1"), ":k": n(1)},
                          FilterExpression="pk = :p AND sk > :k")
        self.assertEqual(keys_of(resp["Items"], "pk", "sk"), [("p1", Decimal(2)),
                                                              ("p1", Decimal(3))])
        self.assertEqual((resp["Count"], resp["ScannedCount"]), (2, 4))

    def test_filter_on_the_table_sort_key_of_an_lsi(self):
        resp = self.query("keys_l", "pk = :p", {":p": s("p1"), ":k": n(2)},
                          FilterExpression="sk >= :k")
        self.assertEqual([i["sk"] for i in resp["Items"]], [2, 3])

    # A GSI's filter sees only what the index projects (it cannot fetch from the table).
    def test_gsi_filter_on_an_attribute_it_does_not_project(self):
        resp = self.query("keys_g", "g = :g", {":g": s("G1")},
                          FilterExpression="attribute_exists(y)")
        self.assertEqual((resp["Count"], resp["ScannedCount"]), (0, 4))


class Consistency(IndexQueryBase):

    def test_consistent_read_on_a_gsi(self):
        with self.assertValidation("Consistent reads are not supported on global secondary "
                                   "indexes"):
            self.query("all_g", "g = :g", {":g": s("G1")}, ConsistentRead=True)

    def test_consistent_read_on_an_lsi(self):
        items = self.query("keys_l", "pk = :p", {":p": s("p1")}, ConsistentRead=True)["Items"]
        self.assertEqual(len(items), 3)

    def test_writes_are_visible_in_the_indexes(self):
        self.client.put_item(TableName=self.table,
                             Item={"pk": s("p9"), "sk": n(1), "g": s("G9"), "r": n(1),
                                   "l": s("z")})
        self.assertEqual(len(self.query("all_g", "g = :g", {":g": s("G9")})["Items"]), 1)
        # Moving the index key moves the entry.
        self.client.update_item(TableName=self.table, Key={"pk": s("p9"), "sk": n(1)},
                                UpdateExpression="SET g = :g", ExpressionAttributeValues={
                                    ":g": s("G8")})
        self.assertEqual(self.query("all_g", "g = :g", {":g": s("G9")})["Items"], [])
        self.assertEqual(len(self.query("all_g", "g = :g", {":g": s("G8")})["Items"]), 1)
        self.client.delete_item(TableName=self.table, Key={"pk": s("p9"), "sk": n(1)})
        self.assertEqual(self.query("all_g", "g = :g", {":g": s("G8")})["Items"], [])
        self.assertEqual(self.query("keys_l", "pk = :p", {":p": s("p9")},
                                    ConsistentRead=True)["Items"], [])


class Capacity(IndexQueryBase):

    # Index reads are charged to the index; the table's share is 0 for a GSI.
    def test_gsi_read_with_indexes(self):
        resp = self.query("all_g", "g = :g", {":g": s("G1")}, ReturnConsumedCapacity="INDEXES")
        self.assertEqual(resp["ConsumedCapacity"], {
            "TableName": self.table, "CapacityUnits": 0.5, "Table": {"CapacityUnits": 0.0},
            "GlobalSecondaryIndexes": {"all_g": {"CapacityUnits": 0.5}}})
        resp = self.query("all_g", "g = :g", {":g": s("G1")}, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(resp["ConsumedCapacity"], {"TableName": self.table,
                                                    "CapacityUnits": 0.5})

    # An LSI's fetches from the table are charged per item, each rounded up to 4 KB, in the
    # Table entry (dynalite's test recorded on AWS: Table 3 + index 1).
    def test_lsi_fetch_with_indexes(self):
        resp = self.query("keys_l", "pk = :p", {":p": s("p1")}, Select="ALL_ATTRIBUTES",
                          ConsistentRead=True, ReturnConsumedCapacity="INDEXES")
        self.assertEqual(resp["ConsumedCapacity"], {
            "TableName": self.table, "CapacityUnits": 4.0, "Table": {"CapacityUnits": 3.0},
            "LocalSecondaryIndexes": {"keys_l": {"CapacityUnits": 1.0}}})
        resp = self.query("keys_l", "pk = :p", {":p": s("p1")}, Select="ALL_ATTRIBUTES",
                          ReturnConsumedCapacity="TOTAL")
        self.assertEqual(resp["ConsumedCapacity"], {"TableName": self.table,
                                                    "CapacityUnits": 2.0})

    def test_lsi_without_fetch(self):
        resp = self.query("keys_l", "pk = :p", {":p": s("p1")}, ReturnConsumedCapacity="INDEXES")
        self.assertEqual(resp["ConsumedCapacity"], {
            "TableName": self.table, "CapacityUnits": 0.5, "Table": {"CapacityUnits": 0.0},
            "LocalSecondaryIndexes": {"keys_l": {"CapacityUnits": 0.5}}})


# A GSI with one HASH and four RANGE attributes (nubo-db's multiKeyGsi test, run on AWS), and
# one with two HASH attributes of mixed types.
class MultiAttributeKeys(IndexTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.table = cls.create_indexed_table(
            {"pk": "S", "h": "S", "a": "S", "b": "S", "c": "S", "d": "S", "t": "S", "u": "N",
             "v": "N", "w": "S"}, ("pk",),
            gsis={"gsi": ("h", ("a", "b", "c", "d"), "ALL"),
                  "mixed": (("t", "u"), ("v", "w"), "KEYS_ONLY")})
        rows = [("p1", "T", "live", "b", "r1"), ("p2", "T", "live", "a", "r2"),
                ("p3", "T", "live", "a", "r1"), ("p4", "T", "draft", "c", "r1"),
                ("p5", "F", "live", "a", "r0"), ("p6", "T", "live", None, "r1")]
        items = []
        for pk, a, b, c, d in rows:
            item = {"pk": s(pk), "h": s("o1"), "a": s(a), "b": s(b), "d": s(d)}
            if c:
                item["c"] = s(c)
            items.append(item)
        for i, (u, v, w) in enumerate([(1, 10, "b"), (1, 9, "z"), (1, 10, "a"), (2, 1, "a"),
                                       (1, -5, "q")]):
            items.append({"pk": s(f"m{i}"), "t": s("T"), "u": n(u), "v": n(v), "w": s(w)})
        cls.put_items(cls.table, items)

    VALUES = {":h": s("o1"), ":a": s("T"), ":b": s("live"), ":c": s("a"), ":d": s("r"),
              ":x": s("r1"), ":y": s("r1")}

    def query(self, expr, index="gsi", values=None, **kw):
        values = values or {k: v for k, v in self.VALUES.items() if k in expr}
        return with_plain_items(self.client.query(
            TableName=self.table, IndexName=index, KeyConditionExpression=expr,
            ExpressionAttributeValues=values, **kw))

    def pks(self, expr, **kw):
        return [i["pk"] for i in self.query(expr, **kw)["Items"]]

    def test_hash_alone_in_tuple_order(self):
        self.assertEqual(self.pks("h = :h"), ["p5", "p4", "p3", "p2", "p1"])

    def test_equality_prefixes(self):
        self.assertEqual(self.pks("h = :h AND a = :a"), ["p4", "p3", "p2", "p1"])
        self.assertEqual(self.pks("h = :h AND a = :a", ScanIndexForward=False),
                         ["p1", "p2", "p3", "p4"])
        self.assertEqual(self.pks("h = :h AND a = :a AND b = :b"), ["p3", "p2", "p1"])
        self.assertEqual(self.pks("h = :h AND a = :a AND b = :b AND c = :c"), ["p3", "p2"])

    def test_range_condition_on_the_last_attribute_named(self):
        self.assertEqual(self.pks("h = :h AND a = :a AND b = :b AND c > :c"), ["p1"])
        self.assertEqual(self.pks("h = :h AND a = :a AND b = :b AND c = :c AND "
                                  "begins_with(d, :d)"), ["p3", "p2"])
        self.assertEqual(self.pks("h = :h AND a = :a AND b = :b AND c = :c AND "
                                  "d BETWEEN :x AND :y"), ["p3"])
        self.assertEqual(self.pks("h = :h AND a = :a AND b < :b"), ["p4"])
        self.assertEqual(self.pks("h = :h AND a <= :a"), ["p5", "p4", "p3", "p2", "p1"])
        self.assertEqual(self.pks("h = :h AND a < :a"), ["p5"])

    def test_clauses_in_any_order(self):
        self.assertEqual(self.pks("b = :b AND h = :h AND a = :a"), ["p3", "p2", "p1"])

    def test_last_evaluated_key_has_every_key_attribute(self):
        resp = self.query("h = :h AND a = :a", Limit=2)
        self.assertEqual([i["pk"] for i in resp["Items"]], ["p4", "p3"])
        self.assertEqual(sorted(resp["LastEvaluatedKey"]), ["a", "b", "c", "d", "h", "pk"])
        rest = self.query("h = :h AND a = :a", ExclusiveStartKey=resp["LastEvaluatedKey"])
        self.assertEqual([i["pk"] for i in rest["Items"]], ["p2", "p1"])

    def test_gaps_and_early_range_conditions(self):
        message = ("RANGE key attributes {} must have equality conditions specified in the query "
                   "because a condition is present on key attribute {}")
        for expr, first, later in (("h = :h AND a = :a AND c = :c", "b", "c"),
                                   ("h = :h AND a = :a AND b > :b AND c = :c", "b", "c"),
                                   ("h = :h AND b = :b", "a", "b"),
                                   ("h = :h AND begins_with(a, :a) AND d = :d", "a", "d")):
            with self.subTest(expr=expr):
                with self.assertValidation(message.format(first, later)):
                    self.query(expr)

    def test_every_hash_attribute_needs_equality(self):
        with self.assertValidation("Query condition missed key schema element: u"):
            self.query("t = :t", index="mixed", values={":t": s("T")})
        # AWS's full text is not recorded: it names the attribute and asks for equality.
        with self.assertValidation(regex=r"^HASH key attributes u must have equality"):
            self.query("t = :t AND u > :u", index="mixed", values={":t": s("T"), ":u": n(0)})

    def test_two_hash_attributes_of_mixed_types(self):
        items = self.query("t = :t AND u = :u", index="mixed",
                           values={":t": s("T"), ":u": n(1)})["Items"]
        # v numerically, then w.
        self.assertEqual([i["pk"] for i in items], ["m4", "m1", "m2", "m0"])
        self.assertEqual(set(items[0]), {"pk", "t", "u", "v", "w"})
        items = self.query("t = :t AND u = :u AND v = :v AND w > :w", index="mixed",
                           values={":t": s("T"), ":u": n(1), ":v": n(10), ":w": s("a")})["Items"]
        self.assertEqual([i["pk"] for i in items], ["m0"])

    def test_begins_with_on_a_number(self):
        with self.assertValidation(contains="begins_with"):
            self.query("t = :t AND u = :u AND begins_with(v, :v)", index="mixed",
                       values={":t": s("T"), ":u": n(1), ":v": n(1)})

    def test_legacy_key_conditions(self):
        conditions = {"h": {"ComparisonOperator": "EQ", "AttributeValueList": [s("o1")]},
                      "a": {"ComparisonOperator": "EQ", "AttributeValueList": [s("T")]},
                      "b": {"ComparisonOperator": "LT", "AttributeValueList": [s("live")]}}
        items = with_plain_items(self.client.query(TableName=self.table, IndexName="gsi",
                                                   KeyConditions=conditions))["Items"]
        self.assertEqual([i["pk"] for i in items], ["p4"])
        del conditions["a"]
        with self.assertValidation(contains="RANGE key attributes a must have equality"):
            self.client.query(TableName=self.table, IndexName="gsi", KeyConditions=conditions)

    def test_filter_on_any_index_key_attribute(self):
        with self.assertValidation("Filter Expression can only contain non-primary key "
                                   "attributes: Primary key attribute: d"):
            self.query("h = :h", values={":h": s("o1"), ":d": s("x")},
                       FilterExpression="d = :d")


# A GSI added by UpdateTable is read only once ACTIVE; then it holds the items written before it
# (the backfill) and after.
class BackfilledIndex(IndexTestCase):

    def test_query_before_and_after_the_backfill(self):
        table = self.create_indexed_table({"pk": "S"}, ("pk",))
        self.put_items(table, [{"pk": s(f"p{i}"), "g": s(f"G{i % 3}"), "r": n(i)}
                               for i in range(300)])
        self.client.update_table(
            TableName=table, AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"},
                                                   {"AttributeName": "r", "AttributeType": "N"}],
            GlobalSecondaryIndexUpdates=[{"Create": {
                "IndexName": "late", "Projection": {"ProjectionType": "KEYS_ONLY"},
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                              {"AttributeName": "r", "KeyType": "RANGE"}]}}])
        deadline = time.monotonic() + 30
        while True:
            try:
                resp = self.client.query(TableName=table, IndexName="late",
                                         KeyConditionExpression="g = :g",
                                         ExpressionAttributeValues={":g": s("G1")})
                break
            except ClientError as e:
                # While CREATING, reads are refused with AWS's message.
                self.assertEqual(e.response["Error"]["Message"],
                                 "Cannot read from backfilling global secondary index: late")
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.05)
        status = self.client.describe_table(TableName=table)["Table"][
            "GlobalSecondaryIndexes"][0]["IndexStatus"]
        self.assertEqual(status, "ACTIVE")
        self.assertEqual([int(i["r"]["N"]) for i in resp["Items"]], list(range(1, 300, 3)))
        self.client.put_item(TableName=table, Item={"pk": s("new"), "g": s("G1"), "r": n(1000)})
        resp = self.client.query(TableName=table, IndexName="late", ScanIndexForward=False,
                                 KeyConditionExpression="g = :g", Limit=1,
                                 ExpressionAttributeValues={":g": s("G1")})
        self.assertEqual(resp["Items"], [{"pk": s("new"), "g": s("G1"), "r": n(1000)}])
