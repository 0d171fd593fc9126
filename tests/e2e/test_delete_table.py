"""DeleteTable."""

from harness import ServerTestCase, random_name


class Serialization(ServerTestCase):

    def test_table_name_is_a_list(self):
        self.assertRawError(self.raw_op("DeleteTable", {"TableName": ["abc"]}),
                            "SerializationException")


class Validation(ServerTestCase):

    # DynamoDB checks TableName's presence first, with a message of its own (recorded from AWS).
    def test_missing_table_name(self):
        with self.assertValidation(
                "The parameter 'TableName' is required but was not present in the request"):
            self.raw_client.delete_table()

    def test_invalid_table_name(self):
        with self.assertValidation(
                "1 validation error detected: Value 'a b' at 'tableName' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"):
            self.raw_client.delete_table(TableName="a b")

    def test_missing_table(self):
        name = random_name()
        with self.assertApiError("ResourceNotFoundException",
                                 f"Requested resource not found: Table: {name} not found"):
            self.client.delete_table(TableName=name)


class Functionality(ServerTestCase):

    # DeleteTable answers with the table's description in state DELETING: its name, ARN, id,
    # throughput, billing summary and counts, but not its KeySchema, AttributeDefinitions or
    # CreationDateTime, which DynamoDB leaves out of this answer (the DeleteTable examples of
    # the AWS CLI reference).
    def test_delete_returns_description(self):
        name = self.create_table(("pk", "S"), ("sk", "N"))
        self.client.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"N": "1"}})
        before = self.client.describe_table(TableName=name)["Table"]
        desc = self.client.delete_table(TableName=name)["TableDescription"]
        self.assertEqual(desc["TableName"], name)
        self.assertEqual(desc["TableStatus"], "DELETING")
        self.assertEqual(desc["TableArn"], before["TableArn"])
        self.assertEqual(desc["TableId"], before["TableId"])
        self.assertEqual(desc["BillingModeSummary"]["BillingMode"],
                         before["BillingModeSummary"]["BillingMode"])
        self.assertEqual(desc["ProvisionedThroughput"]["ReadCapacityUnits"],
                         before["ProvisionedThroughput"]["ReadCapacityUnits"])
        self.assertEqual((desc["ItemCount"], desc["TableSizeBytes"]), (0, 0))
        for absent in ("KeySchema", "AttributeDefinitions", "CreationDateTime"):
            self.assertNotIn(absent, desc)

    def test_table_is_gone_after_delete(self):
        name = self.create_table()
        self.client.put_item(TableName=name, Item={"pk": {"S": "x"}})
        self.client.delete_table(TableName=name)
        self.client.get_waiter("table_not_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        with self.assertNotFound():
            self.client.get_item(TableName=name, Key={"pk": {"S": "x"}})
        with self.assertNotFound():
            self.client.put_item(TableName=name, Item={"pk": {"S": "y"}})
        with self.assertNotFound():
            self.client.scan(TableName=name)

    def test_second_delete_is_not_found(self):
        name = self.create_table()
        self.client.delete_table(TableName=name)
        self.client.get_waiter("table_not_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        with self.assertApiError("ResourceNotFoundException",
                                 f"Requested resource not found: Table: {name} not found"):
            self.client.delete_table(TableName=name)

    def test_other_tables_are_untouched(self):
        keep = self.create_table()
        drop = self.create_table()
        self.put_items(keep, [{"pk": {"S": f"k{i}"}} for i in range(10)])
        self.put_items(drop, [{"pk": {"S": f"k{i}"}} for i in range(10)])
        self.client.delete_table(TableName=drop)
        self.assertEqual(self.client.scan(TableName=keep, Select="COUNT")["Count"], 10)

    def test_table_with_many_items(self):
        name = self.create_table()
        self.put_items(name, [{"pk": {"S": f"k{i:04d}"}, "v": {"S": "x" * 100}}
                              for i in range(600)])
        self.client.delete_table(TableName=name)
        self.client.get_waiter("table_not_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        self.create_table(name=name)
        self.assertEqual(self.client.scan(TableName=name)["Items"], [])

    def test_resource_delete(self):
        name = self.create_table()
        table = self.resource.Table(name)
        table.delete()
        table.wait_until_not_exists()
        self.assertNotIn(name, self.client.list_tables()["TableNames"])

    def test_cli_delete(self):
        name = self.create_table()
        out = self.aws("delete-table", "--table-name", name)
        self.assertEqual(out["TableDescription"]["TableName"], name)
        self.client.get_waiter("table_not_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
