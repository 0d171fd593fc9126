"""BatchGetItem: up to 100 keys over several tables, 16 MB responses, UnprocessedKeys."""

import json

from harness import ServerTestCase, random_name

TABLES = {"hash_table": (("pk", "S"), None),
          "range_table": (("pk", "S"), ("sk", "N"))}


class Serialization(ServerTestCase):

    def test_request_items_is_a_string(self):
        self.assertRawError(self.raw_op("BatchGetItem", {"RequestItems": "abc"}),
                            "SerializationException")

    def test_keys_is_an_object(self):
        self.assertRawError(self.raw_op("BatchGetItem", {
            "RequestItems": {"abc": {"Keys": {"pk": {"S": "a"}}}}}), "SerializationException")

    def test_consistent_read_is_a_number(self):
        self.assertRawError(self.raw_op("BatchGetItem", {
            "RequestItems": {"abc": {"Keys": [{"pk": {"S": "a"}}], "ConsistentRead": 1}}}),
            "SerializationException")


class Validation(ServerTestCase):
    TABLES = TABLES

    def get(self, items):
        return self.client.batch_get_item(RequestItems=items)

    def test_missing_table(self):
        with self.assertNotFound():
            self.get({random_name(): {"Keys": [{"pk": {"S": "a"}}]}})

    # An empty (or absent) RequestItems has a message of its own, which wins over other
    # invalid members (dynalite's tests, recorded against AWS).
    def test_no_request_items(self):
        with self.assertValidation("The requestItems parameter is required for BatchGetItem"):
            self.raw_client.batch_get_item(RequestItems={})
        self.assertRawError(self.raw_op("BatchGetItem", {"ReturnConsumedCapacity": "hi"}),
                            "ValidationException",
                            "The requestItems parameter is required for BatchGetItem")

    # A table's Keys list is reported in DynamoDB's newer form, naming the member but not the
    # list (recorded from AWS).
    def test_empty_key_list(self):
        with self.assertValidation(
                f"1 validation error detected: Value at 'RequestItems.{self.hash_table}"
                ".member.Keys' failed to satisfy constraint: Member must have length greater "
                "than or equal to 1"):
            self.raw_client.batch_get_item(RequestItems={self.hash_table: {"Keys": []}})

    # More than 100 keys in all, even when no table has more than 100.
    def test_more_than_100_keys_over_two_tables(self):
        with self.assertValidation("Too many items requested for the BatchGetItem call"):
            self.get({self.hash_table: {"Keys": [{"pk": {"S": f"k{i}"}} for i in range(75)]},
                      self.range_table: {"Keys": [{"pk": {"S": "a"}, "sk": {"N": str(i)}}
                                                  for i in range(75)]}})

    # 101 keys for one table break the per-table list constraint first (recorded from AWS).
    def test_more_than_100_keys_in_one_table(self):
        with self.assertValidation(
                f"1 validation error detected: Value at 'RequestItems.{self.hash_table}"
                ".member.Keys' failed to satisfy constraint: Member must have length less than "
                "or equal to 100"):
            self.raw_client.batch_get_item(RequestItems={
                self.hash_table: {"Keys": [{"pk": {"S": f"k{i}"}} for i in range(101)]}})

    def test_duplicate_keys(self):
        with self.assertValidation("Provided list of item keys contains duplicates"):
            self.get({self.hash_table: {"Keys": [{"pk": {"S": "a"}}, {"pk": {"S": "a"}}]}})

    def test_key_does_not_match_the_schema(self):
        with self.assertValidation("The provided key element does not match the schema"):
            self.get({self.range_table: {"Keys": [{"pk": {"S": "a"}}]}})

    def test_empty_string_key(self):
        with self.assertValidation(
                contains="The AttributeValue for a key attribute cannot contain an empty string "
                         "value. Key: pk"):
            self.get({self.hash_table: {"Keys": [{"pk": {"S": ""}}]}})

    # An empty AttributesToGet would select nothing; the exact path AWS prints for a member of
    # RequestItems here is not recorded, so only the constraint is checked.
    def test_empty_attributes_to_get(self):
        with self.assertValidation(regex="^1 validation error detected: .*AttributesToGet' "
                                         "failed to satisfy constraint: Member must have length "
                                         "greater than or equal to 1$"):
            self.raw_client.batch_get_item(RequestItems={
                self.hash_table: {"Keys": [{"pk": {"S": "a"}}], "AttributesToGet": []}})


class Functionality(ServerTestCase):
    TABLES = TABLES

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.put_items(cls.hash_table, [{"pk": {"S": f"h{i}"}, "v": {"N": str(i)},
                                        "x": {"S": "extra"}} for i in range(50)])
        cls.put_items(cls.range_table, [{"pk": {"S": "r"}, "sk": {"N": str(i)}}
                                        for i in range(50)])

    def get_all(self, request):
        """Repeats BatchGetItem with UnprocessedKeys until done; returns (items, calls)."""
        got, calls = {}, 0
        while request:
            resp = self.client.batch_get_item(RequestItems=request)
            calls += 1
            for table, items in resp["Responses"].items():
                got.setdefault(table, []).extend(items)
            request = resp["UnprocessedKeys"]
            self.assertLess(calls, 50)
        return got, calls

    def test_get_from_two_tables(self):
        resp = self.client.batch_get_item(RequestItems={
            self.hash_table: {"Keys": [{"pk": {"S": f"h{i}"}} for i in (1, 5, 49)]},
            self.range_table: {"Keys": [{"pk": {"S": "r"}, "sk": {"N": str(i)}} for i in (0, 7)],
                               "ConsistentRead": True}})
        self.assertEqual(resp["UnprocessedKeys"], {})
        self.assertEqual(sorted(int(i["v"]["N"]) for i in resp["Responses"][self.hash_table]),
                         [1, 5, 49])
        self.assertEqual(sorted(int(i["sk"]["N"]) for i in resp["Responses"][self.range_table]),
                         [0, 7])

    # Keys without an item are simply absent from Responses.
    def test_missing_keys_are_left_out(self):
        resp = self.client.batch_get_item(RequestItems={
            self.hash_table: {"Keys": [{"pk": {"S": "h1"}}, {"pk": {"S": "nope"}}]}})
        self.assertEqual([i["pk"]["S"] for i in resp["Responses"][self.hash_table]], ["h1"])

    def test_projection(self):
        resp = self.client.batch_get_item(RequestItems={
            self.hash_table: {"Keys": [{"pk": {"S": "h2"}}], "ProjectionExpression": "#v",
                              "ExpressionAttributeNames": {"#v": "v"}}})
        self.assertEqual(resp["Responses"][self.hash_table], [{"v": {"N": "2"}}])

    def test_exactly_100_keys(self):
        got, _ = self.get_all({
            self.hash_table: {"Keys": [{"pk": {"S": f"h{i}"}} for i in range(50)]},
            self.range_table: {"Keys": [{"pk": {"S": "r"}, "sk": {"N": str(i)}}
                                        for i in range(50)]}})
        self.assertEqual(len(got[self.hash_table]), 50)
        self.assertEqual(len(got[self.range_table]), 50)

    # A response holds at most 16 MB: 100 items of 300 KB come back in several calls, the
    # rest as UnprocessedKeys (AWS's own example returns 52 of them).
    def test_16mb_response_limit(self):
        table = self.create_table()
        blob = "b" * (300 * 1024)
        self.put_items(table, [{"pk": {"S": f"big{i:03d}"}, "v": {"S": blob}} for i in range(100)])
        keys = [{"pk": {"S": f"big{i:03d}"}} for i in range(100)]
        first = self.client.batch_get_item(RequestItems={table: {"Keys": keys}})
        returned = len(first["Responses"].get(table, []))
        unprocessed = first["UnprocessedKeys"].get(table, {}).get("Keys", [])
        self.assertGreater(returned, 0)
        self.assertLessEqual(returned * 300 * 1024, 16 * 1024 * 1024)
        self.assertEqual(returned + len(unprocessed), 100)
        got, calls = self.get_all({table: {"Keys": keys}})
        self.assertGreaterEqual(calls, 2)
        self.assertEqual(sorted(i["pk"]["S"] for i in got[table]),
                         sorted(k["pk"]["S"] for k in keys))

    def test_resource_batch_get(self):
        resp = self.resource.batch_get_item(RequestItems={
            self.hash_table: {"Keys": [{"pk": "h3"}, {"pk": "h4"}]}})
        self.assertEqual(sorted(i["v"] for i in resp["Responses"][self.hash_table]), [3, 4])

    def test_cli_batch_get_item(self):
        out = self.aws("batch-get-item", "--request-items", json.dumps({
            self.hash_table: {"Keys": [{"pk": {"S": "h9"}}]}}))
        self.assertEqual(out["Responses"][self.hash_table][0]["v"], {"N": "9"})

    # Each key is charged as its GetItem would be: 1 unit per 4 KB of the item's DynamoDB size
    # (names plus values, not its JSON length), at least 1 unit for a missing item, halved when
    # eventually consistent; one entry per table, with "Table" under INDEXES (dynalite's
    # batchGetItem ConsumedCapacity tests, run against AWS).
    def test_consumed_capacity(self):
        base = 2 + 8 + 1  # "pk" + an 8-character value + the name "b"
        k4096, k4097, absent = ({"pk": {"S": random_name()[:8]}} for _ in range(3))
        self.client.put_item(TableName=self.hash_table,
                             Item={**k4096, "b": {"S": "x" * (4096 - base)}})
        self.client.put_item(TableName=self.hash_table,
                             Item={**k4097, "b": {"S": "x" * (4097 - base)}})
        for consistent, factor in ((True, 1), (False, 0.5)):
            for detail in ("TOTAL", "INDEXES"):
                with self.subTest(consistent=consistent, detail=detail):
                    resp = self.client.batch_get_item(RequestItems={
                        self.hash_table: {"Keys": [k4096, k4097, absent],
                                          "ConsistentRead": consistent},
                        self.range_table: {"Keys": [{"pk": {"S": "none"}, "sk": {"N": "0"}}],
                                           "ConsistentRead": consistent}},
                        ReturnConsumedCapacity=detail)
                    expected = [(self.hash_table, 4 * factor), (self.range_table, 1 * factor)]
                    got = sorted(resp["ConsumedCapacity"], key=lambda c: c["TableName"])
                    want = []
                    for table, units in sorted(expected):
                        entry = {"TableName": table, "CapacityUnits": units}
                        if detail == "INDEXES":
                            entry["Table"] = {"CapacityUnits": units}
                        want.append(entry)
                    self.assertEqual(got, want)
