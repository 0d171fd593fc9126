"""DescribeTable: the table description and its errors."""

import datetime
import time

from harness import ServerTestCase, new_uuid_like, random_name, REGION, ACCOUNT


class Serialization(ServerTestCase):

    # A TableName that is not a JSON string is a SerializationException.
    def test_table_name_is_a_number(self):
        self.assertRawError(self.raw_op("DescribeTable", {"TableName": 5}),
                            "SerializationException")

    def test_table_name_is_an_object(self):
        self.assertRawError(self.raw_op("DescribeTable", {"TableName": {"S": "abc"}}),
                            "SerializationException")


class Validation(ServerTestCase):

    # DynamoDB checks TableName's presence first, with a message of its own (recorded from AWS).
    def test_missing_table_name(self):
        with self.assertValidation(
                "The parameter 'TableName' is required but was not present in the request"):
            self.raw_client.describe_table()

    def test_short_table_name(self):
        with self.assertValidation(
                "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy "
                "constraint: Member must have length greater than or equal to 3"):
            self.raw_client.describe_table(TableName="ab")

    def test_long_table_name(self):
        name = "a" * 256
        with self.assertValidation(
                f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy "
                "constraint: Member must have length less than or equal to 255"):
            self.raw_client.describe_table(TableName=name)

    def test_invalid_characters(self):
        with self.assertValidation(
                "1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"):
            self.raw_client.describe_table(TableName="abc;")

    # DescribeTable names the missing table in its message.
    def test_missing_table(self):
        name = random_name()
        with self.assertApiError("ResourceNotFoundException",
                                 f"Requested resource not found: Table: {name} not found"):
            self.client.describe_table(TableName=name)


class Functionality(ServerTestCase):

    def test_hash_range_table_description(self):
        before = datetime.datetime.now(datetime.timezone.utc)
        name = self.create_table(("pk", "S"), ("sk", "N"))
        t = self.client.describe_table(TableName=name)["Table"]
        self.assertEqual(t["TableName"], name)
        self.assertEqual(t["TableStatus"], "ACTIVE")
        self.assertEqual(t["TableArn"], f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}")
        self.assertTrue(new_uuid_like(t["TableId"]), t["TableId"])
        self.assertEqual(t["KeySchema"], [{"AttributeName": "pk", "KeyType": "HASH"},
                                          {"AttributeName": "sk", "KeyType": "RANGE"}])
        self.assertEqual(sorted(t["AttributeDefinitions"], key=lambda d: d["AttributeName"]),
                         [{"AttributeName": "pk", "AttributeType": "S"},
                          {"AttributeName": "sk", "AttributeType": "N"}])
        self.assertLessEqual(abs((t["CreationDateTime"] - before).total_seconds()), 60)
        self.assertEqual(t["ItemCount"], 0)
        self.assertEqual(t["TableSizeBytes"], 0)
        self.assertEqual(t["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        # On-demand tables report zero provisioned capacity.
        pt = t["ProvisionedThroughput"]
        self.assertEqual((pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]), (0, 0))
        self.assertEqual(pt["NumberOfDecreasesToday"], 0)

    def test_description_is_stable(self):
        name = self.create_table()
        first = self.client.describe_table(TableName=name)["Table"]
        time.sleep(0.01)
        second = self.client.describe_table(TableName=name)["Table"]
        for key in ("TableId", "TableArn", "CreationDateTime", "KeySchema"):
            self.assertEqual(first[key], second[key])

    def test_table_ids_are_unique(self):
        ids = {self.client.describe_table(TableName=self.create_table())["Table"]["TableId"]
               for _ in range(3)}
        self.assertEqual(len(ids), 3)

    # AWS refreshes ItemCount and TableSizeBytes about every six hours; Tideline keeps them
    # current, and this test pins that (it would not hold against AWS).
    def test_item_count_and_size_follow_writes(self):
        name = self.create_table()
        self.put_items(name, [{"pk": {"S": f"k{i}"}, "v": {"S": "x" * 10}} for i in range(30)])
        t = self.client.describe_table(TableName=name)["Table"]
        self.assertEqual(t["ItemCount"], 30)
        self.assertGreater(t["TableSizeBytes"], 30 * 10)
        self.client.delete_item(TableName=name, Key={"pk": {"S": "k0"}})
        self.assertEqual(self.client.describe_table(TableName=name)["Table"]["ItemCount"], 29)

    def test_resource_api_loads_the_description(self):
        name = self.create_table(("id", "N"))
        table = self.resource.Table(name)
        table.load()
        self.assertEqual(table.table_name, name)
        self.assertEqual(table.key_schema, [{"AttributeName": "id", "KeyType": "HASH"}])
        self.assertEqual(table.item_count, 0)
