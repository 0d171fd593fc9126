"""ProjectionExpression on GetItem, BatchGetItem, Query and Scan; FilterExpression on Query and
Scan, applied after Limit (Count counts what passed the filter, ScannedCount what was read).

Facts: the DynamoDB developer guide ("Projection expressions", "Filter expressions for Query":
"A filter expression is applied after a Query finishes, but before the results are returned"
and "the Limit is applied before the filter"), and the AWS-verified messages in ScyllaDB's
test/alternator/test_projection_expression.py and test_filter_expression.py.
"""

from boto3.dynamodb.conditions import Attr, Key

from harness import ServerTestCase, random_name

DOC = {
    "a": {"S": "x"},
    "n": {"N": "1"},
    "l": {"L": [{"N": "0"}, {"M": {"c": {"N": "1"}, "d": {"N": "2"}}}, {"N": "2"}]},
    "m": {"M": {"a": {"M": {"b": {"N": "1"}, "c": {"N": "2"}}}, "z": {"S": "zz"}}},
    "name": {"S": "reserved"},
}


class Projection(ServerTestCase):
    TABLES = {"table": (("pk", "S"), None), "range_table": (("pk", "S"), ("sk", "N"))}

    @classmethod
    def _create_class_tables(cls):
        super()._create_class_tables()
        cls.key = {"pk": {"S": "doc"}}
        cls.client.put_item(TableName=cls.table, Item={**cls.key, **DOC})
        cls.put_items(cls.range_table, [{"pk": {"S": "p"}, "sk": {"N": str(i)}, **DOC}
                                        for i in range(3)])

    def get(self, expr, names=None):
        kw = {"ExpressionAttributeNames": names} if names else {}
        return self.client.get_item(TableName=self.table, Key=self.key, ProjectionExpression=expr,
                                    **kw)["Item"]

    def test_top_level_attributes(self):
        self.assertEqual(self.get("a, n"), {"a": DOC["a"], "n": DOC["n"]})
        # The key is returned only when asked for.
        self.assertEqual(self.get("pk"), self.key)

    def test_nested_paths(self):
        self.assertEqual(self.get("m.a.b"), {"m": {"M": {"a": {"M": {"b": {"N": "1"}}}}}})
        self.assertEqual(self.get("m.a.b, m.z"),
                         {"m": {"M": {"a": {"M": {"b": {"N": "1"}}}, "z": {"S": "zz"}}}})
        self.assertEqual(self.get("l[1].d"), {"l": {"L": [{"M": {"d": {"N": "2"}}}]}})

    # Several indexes of one list come back in list order, compacted.
    def test_list_indexes(self):
        self.assertEqual(self.get("l[2], l[0]"), {"l": {"L": [{"N": "0"}, {"N": "2"}]}})

    def test_missing_paths(self):
        self.assertEqual(self.get("a, nope, m.nope, l[9]"), {"a": DOC["a"]})
        # The item exists but nothing matched: an empty Item.
        self.assertEqual(self.get("nope"), {})

    def test_names(self):
        self.assertEqual(self.get("#n, #m.#a.c", {"#n": "name", "#m": "m", "#a": "a"}),
                         {"name": DOC["name"], "m": {"M": {"a": {"M": {"c": {"N": "2"}}}}}})

    def test_absent_item(self):
        out = self.client.get_item(TableName=self.table, Key={"pk": {"S": random_name()}},
                                   ProjectionExpression="a")
        self.assertNotIn("Item", out)

    def test_batch_get_item(self):
        out = self.client.batch_get_item(RequestItems={self.table: {
            "Keys": [self.key], "ProjectionExpression": "#k, m.z",
            "ExpressionAttributeNames": {"#k": "pk"}}})
        self.assertEqual(out["Responses"][self.table],
                         [{**self.key, "m": {"M": {"z": {"S": "zz"}}}}])

    def test_query_and_scan(self):
        out = self.client.query(TableName=self.range_table, KeyConditionExpression="pk = :p",
                                ExpressionAttributeValues={":p": {"S": "p"}},
                                ProjectionExpression="sk, l[0]")
        self.assertEqual(out["Items"], [{"sk": {"N": str(i)}, "l": {"L": [{"N": "0"}]}}
                                        for i in range(3)])
        out = self.client.scan(TableName=self.range_table, ProjectionExpression="n")
        self.assertEqual(out["Items"], [{"n": {"N": "1"}}] * 3)

    def test_resource_api(self):
        table = self.resource.Table(self.table)
        got = table.get_item(Key={"pk": "doc"}, ProjectionExpression="m.a, #n",
                             ExpressionAttributeNames={"#n": "name"})["Item"]
        self.assertEqual(got, {"m": {"a": {"b": 1, "c": 2}}, "name": "reserved"})

    def test_reserved_word(self):
        with self.assertValidation("Invalid ProjectionExpression: Attribute name is a reserved "
                                   "keyword; reserved keyword: name"):
            self.get("a, name")

    def test_overlapping_paths(self):
        with self.assertValidation("Invalid ProjectionExpression: Two document paths overlap "
                                   "with each other; must remove or rewrite one of these paths; "
                                   "path one: [m], path two: [m, a]"):
            self.get("m, m.a")
        with self.assertValidation("Invalid ProjectionExpression: Two document paths overlap "
                                   "with each other; must remove or rewrite one of these paths; "
                                   "path one: [a], path two: [a]"):
            self.get("a, a")

    def test_conflicting_paths(self):
        with self.assertValidation("Invalid ProjectionExpression: Two document paths conflict "
                                   "with each other; must remove or rewrite one of these paths; "
                                   "path one: [m, a], path two: [m, [1]]"):
            self.get("m.a, m[1]")

    def test_syntax_error_and_unused_names(self):
        with self.assertValidation('Invalid ProjectionExpression: Syntax error; token: "b", '
                                   'near: "a b"'):
            self.get("a b")
        with self.assertValidation("Value provided in ExpressionAttributeNames unused in "
                                   "expressions: keys: {#x}"):
            self.get("a", {"#x": "b"})
        with self.assertValidation("Invalid ProjectionExpression: An expression attribute name "
                                   "used in the document path is not defined; attribute name: #x"):
            self.get("#x")


class Filter(ServerTestCase):
    TABLES = {"table": (("pk", "S"), ("sk", "N"))}

    @classmethod
    def _create_class_tables(cls):
        super()._create_class_tables()
        # sk 0..9: even ones have v = "even"; every third has a tag set.
        items = []
        for i in range(10):
            item = {"pk": {"S": "p"}, "sk": {"N": str(i)},
                    "v": {"S": "even" if i % 2 == 0 else "odd"}, "n": {"N": str(i)}}
            if i % 3 == 0:
                item["tags"] = {"SS": ["t", f"t{i}"]}
            items.append(item)
        cls.put_items(cls.table, items)

    def query(self, **kw):
        return self.client.query(TableName=self.table, KeyConditionExpression="pk = :p", **kw)

    def test_query_filter(self):
        out = self.query(FilterExpression="v = :e",
                         ExpressionAttributeValues={":p": {"S": "p"}, ":e": {"S": "even"}})
        self.assertEqual([i["sk"]["N"] for i in out["Items"]], ["0", "2", "4", "6", "8"])
        self.assertEqual((out["Count"], out["ScannedCount"]), (5, 10))

    # Limit caps the items read; the filter then drops some of them.
    def test_query_filter_after_limit(self):
        vals = {":p": {"S": "p"}, ":e": {"S": "even"}}
        out = self.query(FilterExpression="v = :e", ExpressionAttributeValues=vals, Limit=3)
        self.assertEqual([i["sk"]["N"] for i in out["Items"]], ["0", "2"])
        self.assertEqual((out["Count"], out["ScannedCount"]), (2, 3))
        self.assertEqual(out["LastEvaluatedKey"], {"pk": {"S": "p"}, "sk": {"N": "2"}})
        out = self.query(FilterExpression="v = :e", ExpressionAttributeValues=vals, Limit=3,
                         ExclusiveStartKey=out["LastEvaluatedKey"])
        self.assertEqual([i["sk"]["N"] for i in out["Items"]], ["4"])
        self.assertEqual((out["Count"], out["ScannedCount"]), (1, 3))
        # A page where nothing passes is still a page.
        out = self.query(FilterExpression="v = :e", ExpressionAttributeValues={
            ":p": {"S": "p"}, ":e": {"S": "none"}}, Limit=4)
        self.assertEqual((out["Items"], out["Count"], out["ScannedCount"]), ([], 0, 4))
        self.assertIn("LastEvaluatedKey", out)

    def test_select_count_with_filter(self):
        out = self.query(FilterExpression="attribute_exists(tags)", Select="COUNT",
                         ExpressionAttributeValues={":p": {"S": "p"}})
        self.assertNotIn("Items", out)
        self.assertEqual((out["Count"], out["ScannedCount"]), (4, 10))

    def test_functions_in_filters(self):
        out = self.query(FilterExpression="contains(tags, :t) AND size(tags) = :two AND n > :z",
                         ExpressionAttributeValues={":p": {"S": "p"}, ":t": {"S": "t"},
                                                    ":two": {"N": "2"}, ":z": {"N": "0"}})
        self.assertEqual([i["sk"]["N"] for i in out["Items"]], ["3", "6", "9"])

    def test_query_filter_on_a_key_attribute(self):
        with self.assertValidation("Filter Expression can only contain non-primary key "
                                   "attributes: Primary key attribute: sk"):
            self.query(FilterExpression="sk > :z",
                       ExpressionAttributeValues={":p": {"S": "p"}, ":z": {"N": "1"}})

    def test_scan_filter_after_limit(self):
        out = self.client.scan(TableName=self.table, FilterExpression="n >= :five",
                               ExpressionAttributeValues={":five": {"N": "5"}})
        self.assertEqual((out["Count"], out["ScannedCount"]), (5, 10))
        out = self.client.scan(TableName=self.table, FilterExpression="n >= :five",
                               ExpressionAttributeValues={":five": {"N": "5"}}, Limit=6)
        self.assertEqual((out["Count"], out["ScannedCount"]), (1, 6))
        self.assertIn("LastEvaluatedKey", out)
        # Scan may filter on key attributes.
        out = self.client.scan(TableName=self.table, FilterExpression="sk BETWEEN :a AND :b",
                               ExpressionAttributeValues={":a": {"N": "2"}, ":b": {"N": "4"}})
        self.assertEqual(sorted(i["sk"]["N"] for i in out["Items"]), ["2", "3", "4"])

    def test_filter_with_projection(self):
        out = self.client.scan(TableName=self.table, FilterExpression="v = :o",
                               ProjectionExpression="sk",
                               ExpressionAttributeValues={":o": {"S": "odd"}})
        self.assertEqual(sorted(int(i["sk"]["N"]) for i in out["Items"]), [1, 3, 5, 7, 9])
        self.assertTrue(all(list(i) == ["sk"] for i in out["Items"]))

    def test_resource_api(self):
        table = self.resource.Table(self.table)
        out = table.query(KeyConditionExpression=Key("pk").eq("p") & Key("sk").gt(4),
                          FilterExpression=Attr("v").eq("odd") | Attr("tags").exists())
        self.assertEqual([int(i["sk"]) for i in out["Items"]], [5, 6, 7, 9])
        self.assertEqual(out["ScannedCount"], 5)

    def test_filter_errors(self):
        with self.assertValidation(regex=r'^Invalid FilterExpression: Syntax error; token: '):
            self.client.scan(TableName=self.table, FilterExpression="n >")
        with self.assertValidation(regex=r"^Invalid FilterExpression: The function is not "
                                         r"allowed in an? [a-z]+ expression; function: "
                                         r"if_not_exists$"):
            self.client.scan(TableName=self.table, FilterExpression="if_not_exists(n, :v) = :v",
                             ExpressionAttributeValues={":v": {"N": "1"}})
        with self.assertValidation("Value provided in ExpressionAttributeValues unused in "
                                   "expressions: keys: {:w}"):
            self.client.scan(TableName=self.table, FilterExpression="n = :v",
                             ExpressionAttributeValues={":v": {"N": "1"}, ":w": {"N": "1"}})
