"""DeleteItem: key rules, ReturnValues, conditions."""

from harness import ServerTestCase, random_name

TABLES = {"hash_table": (("pk", "S"), None),
          "range_table": (("pk", "S"), ("sk", "N"))}


class Serialization(ServerTestCase):

    def test_key_is_a_string(self):
        self.assertRawError(self.raw_op("DeleteItem", {"TableName": "abc", "Key": "pk"}),
                            "SerializationException")

    def test_condition_expression_is_a_number(self):
        self.assertRawError(self.raw_op("DeleteItem", {"TableName": "abc",
                                                       "Key": {"pk": {"S": "a"}},
                                                       "ConditionExpression": 1}),
                            "SerializationException")


class Validation(ServerTestCase):
    TABLES = TABLES

    def test_missing_table(self):
        with self.assertNotFound():
            self.client.delete_item(TableName=random_name(), Key={"pk": {"S": "a"}})

    def test_missing_key(self):
        with self.assertValidation(
                "1 validation error detected: Value null at 'key' failed to satisfy constraint: "
                "Member must not be null"):
            self.raw_client.delete_item(TableName=self.hash_table)

    def test_key_does_not_match_the_schema(self):
        for table, key in [(self.hash_table, {"pk": {"B": b"a"}}),
                           (self.range_table, {"pk": {"S": "a"}}),
                           (self.hash_table, {"pk": {"S": "a"}, "x": {"S": "b"}})]:
            with self.subTest(key=key), self.assertValidation(
                    "The provided key element does not match the schema"):
                self.client.delete_item(TableName=table, Key=key)

    def test_return_values_other_than_all_old(self):
        for rv in ("ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"):
            with self.subTest(rv=rv), self.assertValidation(
                    "ReturnValues can only be ALL_OLD or NONE"):
                self.client.delete_item(TableName=self.hash_table, Key={"pk": {"S": "a"}},
                                        ReturnValues=rv)

    def test_condition_fails(self):
        key = {"pk": {"S": "keep"}}
        self.client.put_item(TableName=self.hash_table, Item={**key, "v": {"N": "1"}})
        with self.assertConditionalFailed():
            self.client.delete_item(TableName=self.hash_table, Key=key,
                                    ConditionExpression="v = :two",
                                    ExpressionAttributeValues={":two": {"N": "2"}})
        self.assertIn("Item", self.client.get_item(TableName=self.hash_table, Key=key))

    # attribute_exists on an absent item fails the condition (no item is not an error).
    def test_condition_on_absent_item(self):
        with self.assertConditionalFailed():
            self.client.delete_item(TableName=self.hash_table, Key={"pk": {"S": random_name()}},
                                    ConditionExpression="attribute_exists(pk)")


class Functionality(ServerTestCase):
    TABLES = TABLES

    def test_delete_existing_item(self):
        key = {"pk": {"S": "a"}, "sk": {"N": "1"}}
        self.client.put_item(TableName=self.range_table, Item={**key, "v": {"S": "x"}})
        resp = self.client.delete_item(TableName=self.range_table, Key=key)
        self.assertNotIn("Attributes", resp)
        self.assertNotIn("Item", self.client.get_item(TableName=self.range_table, Key=key,
                                                      ConsistentRead=True))

    # Deleting an item that does not exist succeeds silently.
    def test_delete_absent_item(self):
        resp = self.client.delete_item(TableName=self.hash_table,
                                       Key={"pk": {"S": random_name()}}, ReturnValues="ALL_OLD")
        self.assertNotIn("Attributes", resp)

    def test_return_values_all_old(self):
        item = {"pk": {"S": "old"}, "v": {"L": [{"N": "1"}, {"NULL": True}]}}
        self.client.put_item(TableName=self.hash_table, Item=item)
        resp = self.client.delete_item(TableName=self.hash_table, Key={"pk": {"S": "old"}},
                                       ReturnValues="ALL_OLD")
        self.assertEqual(resp["Attributes"], item)

    def test_only_the_addressed_item_goes(self):
        self.put_items(self.range_table, [{"pk": {"S": "many"}, "sk": {"N": str(i)}}
                                          for i in range(10)])
        self.client.delete_item(TableName=self.range_table,
                                Key={"pk": {"S": "many"}, "sk": {"N": "5"}})
        got = self.client.query(TableName=self.range_table, KeyConditionExpression="pk = :p",
                                ExpressionAttributeValues={":p": {"S": "many"}})["Items"]
        self.assertEqual([i["sk"]["N"] for i in got], ["0", "1", "2", "3", "4", "6", "7", "8",
                                                       "9"])

    def test_conditional_delete_that_holds(self):
        key = {"pk": {"S": "c"}}
        self.client.put_item(TableName=self.hash_table, Item={**key, "v": {"N": "1"}})
        self.client.delete_item(TableName=self.hash_table, Key=key,
                                ConditionExpression="attribute_exists(pk) AND v = :one",
                                ExpressionAttributeValues={":one": {"N": "1"}})
        self.assertNotIn("Item", self.client.get_item(TableName=self.hash_table, Key=key))

    def test_delete_then_put_again(self):
        key = {"pk": {"S": "again"}}
        self.client.put_item(TableName=self.hash_table, Item={**key, "a": {"S": "1"}})
        self.client.delete_item(TableName=self.hash_table, Key=key)
        self.client.put_item(TableName=self.hash_table, Item={**key, "b": {"S": "2"}})
        self.assertEqual(self.client.get_item(TableName=self.hash_table, Key=key)["Item"],
                         {**key, "b": {"S": "2"}})

    def test_resource_delete_item(self):
        table = self.resource.Table(self.hash_table)
        table.put_item(Item={"pk": "res", "n": 5})
        old = table.delete_item(Key={"pk": "res"}, ReturnValues="ALL_OLD")["Attributes"]
        self.assertEqual(old, {"pk": "res", "n": 5})
        self.assertNotIn("Item", table.get_item(Key={"pk": "res"}))

    # A delete is charged by the deleted item's DynamoDB size, 1 unit per KB (not its JSON
    # length): an item of exactly 1,024 bytes costs 1 unit, 2,049 bytes 3 units (ScyllaDB's
    # test_long_delete, run against AWS); an absent item 1 unit; INDEXES adds "Table".
    def test_consumed_capacity(self):
        base = 2 + 8 + 1  # "pk" + an 8-character value + the name "b"
        for size, units in ((1024, 1.0), (2049, 3.0), (0, 1.0)):
            key = {"pk": {"S": random_name()[:8]}}
            if size:
                self.client.put_item(TableName=self.hash_table,
                                     Item={**key, "b": {"S": "x" * (size - base)}})
            with self.subTest(size=size):
                resp = self.client.delete_item(TableName=self.hash_table, Key=key,
                                               ReturnConsumedCapacity="INDEXES")
                self.assertEqual(resp["ConsumedCapacity"],
                                 {"TableName": self.hash_table, "CapacityUnits": units,
                                  "Table": {"CapacityUnits": units}})
