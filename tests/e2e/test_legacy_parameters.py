"""The legacy (pre-expression) parameters: Expected, AttributesToGet, KeyConditions, QueryFilter,
ScanFilter, ConditionalOperator, AttributeUpdates, and the ValidationException when they are
mixed with expressions.

Facts: the DynamoDB developer guide ("Legacy conditional parameters"), the API reference of
ExpectedAttributeValue/Condition/AttributeValueUpdate, and the AWS-verified messages in
dynalite's test/*.js and ScyllaDB's test/alternator/test_expected.py, test_query_filter.py.
"""

from harness import ServerTestCase, random_name

MIXED = "Can not use both expression and non-expression parameters in the same request: "


def cond(op, *values):
    c = {"ComparisonOperator": op}
    if values:
        c["AttributeValueList"] = list(values)
    return c


class Expected(ServerTestCase):
    TABLES = {"table": (("pk", "S"), None)}
    ITEM = {"n": {"N": "5"}, "s": {"S": "hello"}, "ss": {"SS": ["a", "b"]},
            "l": {"L": [{"S": "x"}]}}

    def setUp(self):
        self.key = {"pk": {"S": random_name()}}
        self.client.put_item(TableName=self.table, Item={**self.key, **self.ITEM})

    def holds(self, expected, op=None):
        """Rewrites the item under `expected`; True if it passed."""
        kw = {"ConditionalOperator": op} if op else {}
        try:
            self.client.put_item(TableName=self.table, Item={**self.key, **self.ITEM},
                                 Expected=expected, **kw)
            return True
        except self.client.exceptions.ConditionalCheckFailedException as e:
            self.assertEqual(e.response["Error"]["Message"], "The conditional request failed")
            return False

    def test_value_and_exists(self):
        self.assertTrue(self.holds({"n": {"Value": {"N": "5"}}}))
        self.assertTrue(self.holds({"n": {"Value": {"N": "5"}, "Exists": True}}))
        self.assertFalse(self.holds({"n": {"Value": {"N": "6"}}}))
        self.assertFalse(self.holds({"n": {"Value": {"S": "5"}}}))
        self.assertTrue(self.holds({"missing": {"Exists": False}}))
        self.assertFalse(self.holds({"n": {"Exists": False}}))
        # Several entries are ANDed by default.
        self.assertFalse(self.holds({"n": {"Value": {"N": "5"}}, "s": {"Exists": False}}))

    def test_comparison_operators(self):
        cases = [
            ({"n": cond("EQ", {"N": "5"})}, True),
            ({"n": cond("NE", {"N": "5"})}, False),
            ({"missing": cond("NE", {"N": "5"})}, True),
            ({"n": cond("LT", {"N": "6"})}, True),
            ({"n": cond("LE", {"N": "4"})}, False),
            ({"n": cond("GT", {"N": "4"})}, True),
            ({"n": cond("GE", {"N": "5"})}, True),
            ({"n": cond("GT", {"S": "4"})}, False),
            ({"n": cond("NOT_NULL")}, True),
            ({"missing": cond("NULL")}, True),
            ({"n": cond("NULL")}, False),
            ({"s": cond("CONTAINS", {"S": "ell"})}, True),
            ({"ss": cond("CONTAINS", {"S": "b"})}, True),
            ({"l": cond("CONTAINS", {"S": "x"})}, True),
            ({"ss": cond("NOT_CONTAINS", {"S": "b"})}, False),
            ({"s": cond("NOT_CONTAINS", {"S": "zz"})}, True),
            ({"s": cond("BEGINS_WITH", {"S": "he"})}, True),
            ({"s": cond("BEGINS_WITH", {"S": "lo"})}, False),
            ({"n": cond("IN", {"N": "1"}, {"N": "5"})}, True),
            ({"n": cond("IN", {"N": "1"}, {"N": "2"})}, False),
            ({"n": cond("BETWEEN", {"N": "1"}, {"N": "5"})}, True),
            ({"n": cond("BETWEEN", {"N": "6"}, {"N": "9"})}, False),
            # Value + ComparisonOperator is the one-argument form.
            ({"n": {"Value": {"N": "4"}, "ComparisonOperator": "GT"}}, True),
        ]
        for expected, result in cases:
            self.assertEqual(self.holds(expected), result, expected)

    def test_conditional_operator(self):
        either = {"n": cond("EQ", {"N": "1"}), "s": cond("EQ", {"S": "hello"})}
        self.assertTrue(self.holds(either, "OR"))
        self.assertFalse(self.holds(either, "AND"))
        self.assertFalse(self.holds(either))

    def test_on_update_and_delete(self):
        with self.assertConditionalFailed():
            self.client.update_item(TableName=self.table, Key=self.key,
                                    AttributeUpdates={"n": {"Value": {"N": "9"}}},
                                    Expected={"n": {"Value": {"N": "1"}}})
        with self.assertConditionalFailed():
            self.client.delete_item(TableName=self.table, Key=self.key,
                                    Expected={"n": {"Exists": False}})
        self.client.delete_item(TableName=self.table, Key=self.key,
                                Expected={"n": {"Value": {"N": "5"}}})
        self.assertNotIn("Item", self.client.get_item(TableName=self.table, Key=self.key))

    def test_validation(self):
        for expected, message in [
                ({"n": {"ComparisonOperator": "LT"}},
                 "One or more parameter values were invalid: Value or AttributeValueList must be "
                 "used with ComparisonOperator: LT for Attribute: n"),
                ({"n": {"Exists": True, "ComparisonOperator": "LT"}},
                 "One or more parameter values were invalid: Exists and ComparisonOperator cannot "
                 "be used together for Attribute: n"),
                ({"n": cond("BETWEEN", {"N": "1"})},
                 "One or more parameter values were invalid: Invalid number of argument(s) for "
                 "the BETWEEN ComparisonOperator"),
                ({"n": cond("IN", {"S": "b"}, {"N": "1"})},
                 "One or more parameter values were invalid: AttributeValues inside "
                 "AttributeValueList must be of same type"),
                ({"n": cond("BETWEEN", {"N": "9"}, {"N": "1"})},
                 "The BETWEEN condition was provided a range where the lower bound is greater "
                 "than the upper bound")]:
            with self.assertValidation(message):
                self.raw_client.put_item(TableName=self.table, Item=self.key, Expected=expected)

    def test_mixed_with_condition_expression(self):
        with self.assertValidation(MIXED + "Non-expression parameters: {Expected} Expression "
                                           "parameters: {ConditionExpression}"):
            self.client.put_item(TableName=self.table, Item=self.key,
                                 Expected={"n": {"Exists": False}},
                                 ConditionExpression="attribute_exists(n)")

    def test_resource_api(self):
        table = self.resource.Table(self.table)
        pk = self.key["pk"]["S"]
        table.put_item(Item={"pk": pk, "n": 6},
                       Expected={"n": {"ComparisonOperator": "EQ", "AttributeValueList": [5]}})
        self.assertEqual(table.get_item(Key={"pk": pk})["Item"], {"pk": pk, "n": 6})


class Reads(ServerTestCase):
    TABLES = {"table": (("pk", "S"), ("sk", "N"))}

    @classmethod
    def _create_class_tables(cls):
        super()._create_class_tables()
        cls.put_items(cls.table, [{"pk": {"S": "p"}, "sk": {"N": str(i)}, "n": {"N": str(i)},
                                   "s": {"S": "odd" if i % 2 else "even"}, "x": {"S": "y"}}
                                  for i in range(8)])

    def test_attributes_to_get(self):
        key = {"pk": {"S": "p"}, "sk": {"N": "3"}}
        got = self.client.get_item(TableName=self.table, Key=key,
                                   AttributesToGet=["n", "missing"])["Item"]
        self.assertEqual(got, {"n": {"N": "3"}})
        out = self.client.batch_get_item(RequestItems={self.table: {
            "Keys": [key], "AttributesToGet": ["sk", "s"]}})
        self.assertEqual(out["Responses"][self.table], [{"sk": {"N": "3"}, "s": {"S": "odd"}}])
        with self.assertValidation("One or more parameter values were invalid: Duplicate value "
                                   "in attribute name: n"):
            self.client.get_item(TableName=self.table, Key=key, AttributesToGet=["n", "n"])

    def test_key_conditions(self):
        out = self.client.query(TableName=self.table, KeyConditions={
            "pk": cond("EQ", {"S": "p"}), "sk": cond("BETWEEN", {"N": "2"}, {"N": "4"})},
            AttributesToGet=["sk"])
        self.assertEqual(out["Items"], [{"sk": {"N": str(i)}} for i in (2, 3, 4)])
        out = self.client.query(TableName=self.table, KeyConditions={
            "pk": cond("EQ", {"S": "p"}), "sk": cond("GE", {"N": "6"})}, ScanIndexForward=False)
        self.assertEqual([i["sk"]["N"] for i in out["Items"]], ["7", "6"])

    def test_query_filter(self):
        out = self.client.query(TableName=self.table,
                                KeyConditions={"pk": cond("EQ", {"S": "p"})},
                                QueryFilter={"s": cond("EQ", {"S": "odd"}),
                                             "n": cond("LT", {"N": "2"})},
                                ConditionalOperator="OR", Limit=5)
        self.assertEqual([i["sk"]["N"] for i in out["Items"]], ["0", "1", "3"])
        self.assertEqual((out["Count"], out["ScannedCount"]), (3, 5))

    def test_scan_filter(self):
        out = self.client.scan(TableName=self.table, ScanFilter={"n": cond("GE", {"N": "6"})})
        self.assertEqual(sorted(i["sk"]["N"] for i in out["Items"]), ["6", "7"])
        self.assertEqual(out["ScannedCount"], 8)
        items = self.resource.Table(self.table).scan(ScanFilter={
            "s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": ["ev"]}})["Items"]
        self.assertEqual(sorted(int(i["sk"]) for i in items), [0, 2, 4, 6])

    def test_query_filter_on_a_key_attribute(self):
        with self.assertValidation(contains="QueryFilter can only contain non-key attributes: "
                                            "Primary key attribute: sk"):
            self.client.query(TableName=self.table, KeyConditions={"pk": cond("EQ", {"S": "p"})},
                              QueryFilter={"sk": cond("GT", {"N": "1"})})

    def test_mixed_parameters(self):
        key = {"pk": {"S": "p"}, "sk": {"N": "1"}}
        with self.assertValidation(MIXED + "Non-expression parameters: {AttributesToGet} "
                                           "Expression parameters: {ProjectionExpression}"):
            self.client.get_item(TableName=self.table, Key=key, AttributesToGet=["n"],
                                 ProjectionExpression="n")
        with self.assertValidation(MIXED + "Non-expression parameters: {KeyConditions} "
                                           "Expression parameters: {KeyConditionExpression}"):
            self.client.query(TableName=self.table, KeyConditions={"pk": cond("EQ", {"S": "p"})},
                              KeyConditionExpression="pk = :p",
                              ExpressionAttributeValues={":p": {"S": "p"}})
        with self.assertValidation(MIXED + "Non-expression parameters: {QueryFilter} "
                                           "Expression parameters: {KeyConditionExpression}"):
            self.client.query(TableName=self.table, KeyConditionExpression="pk = :p",
                              QueryFilter={"n": cond("EQ", {"N": "1"})},
                              ExpressionAttributeValues={":p": {"S": "p"}})
        with self.assertValidation(MIXED + "Non-expression parameters: {ScanFilter} "
                                           "Expression parameters: {FilterExpression}"):
            self.client.scan(TableName=self.table, ScanFilter={"n": cond("NOT_NULL")},
                             FilterExpression="attribute_exists(n)")

    def test_values_without_expressions(self):
        with self.assertValidation("ExpressionAttributeValues can only be specified when using "
                                   "expressions: FilterExpression and KeyConditionExpression are "
                                   "null"):
            self.client.query(TableName=self.table, KeyConditions={"pk": cond("EQ", {"S": "p"})},
                              ExpressionAttributeValues={":p": {"S": "p"}})


class AttributeUpdates(ServerTestCase):
    TABLES = {"table": (("pk", "S"), None)}

    def setUp(self):
        self.key = {"pk": {"S": random_name()}}
        self.client.put_item(TableName=self.table, Item={
            **self.key, "n": {"N": "1"}, "s": {"S": "x"}, "ss": {"SS": ["a", "b", "c"]}})

    def update(self, updates, **kw):
        return self.client.update_item(TableName=self.table, Key=self.key,
                                       AttributeUpdates=updates, **kw)

    def item(self):
        return self.client.get_item(TableName=self.table, Key=self.key,
                                    ConsistentRead=True)["Item"]

    def test_put_add_delete(self):
        out = self.update({"s": {"Value": {"S": "y"}},  # Action defaults to PUT
                           "n": {"Action": "ADD", "Value": {"N": "4"}},
                           "ss": {"Action": "DELETE", "Value": {"SS": ["a", "zz"]}},
                           "new": {"Action": "ADD", "Value": {"NS": ["7"]}},
                           "gone": {"Action": "DELETE"}},
                          ReturnValues="UPDATED_NEW")
        expect = {"s": {"S": "y"}, "n": {"N": "5"}, "ss": {"SS": ["b", "c"]},
                  "new": {"NS": ["7"]}}
        got = self.item()
        self.assertEqual({k: got[k] for k in expect}, expect)
        self.assertEqual(out["Attributes"], expect)
        self.update({"s": {"Action": "DELETE"}})
        self.assertNotIn("s", self.item())

    def test_update_creates_the_item(self):
        key = {"pk": {"S": random_name()}}
        self.client.update_item(TableName=self.table, Key=key,
                                AttributeUpdates={"c": {"Action": "ADD", "Value": {"N": "2"}}})
        self.assertEqual(self.client.get_item(TableName=self.table, Key=key)["Item"],
                         {**key, "c": {"N": "2"}})

    def test_key_attribute(self):
        with self.assertValidation("One or more parameter values were invalid: Cannot update "
                                   "attribute pk. This attribute is part of the key"):
            self.update({"pk": {"Value": {"S": "other"}}})

    def test_resource_api_with_expected(self):
        table = self.resource.Table(self.table)
        pk = self.key["pk"]["S"]
        table.update_item(Key={"pk": pk}, AttributeUpdates={"n": {"Action": "ADD", "Value": 2}},
                          Expected={"s": {"Value": "x"}})
        self.assertEqual(table.get_item(Key={"pk": pk})["Item"]["n"], 3)
        with self.assertConditionalFailed():
            table.update_item(Key={"pk": pk}, AttributeUpdates={"n": {"Value": 0}},
                              Expected={"s": {"Value": "nope"}})

    def test_mixed_with_condition_expression(self):
        with self.assertValidation(MIXED + "Non-expression parameters: {AttributeUpdates} "
                                           "Expression parameters: {ConditionExpression}"):
            self.client.update_item(TableName=self.table, Key=self.key,
                                    AttributeUpdates={"n": {"Value": {"N": "2"}}},
                                    ConditionExpression="attribute_exists(n)")
