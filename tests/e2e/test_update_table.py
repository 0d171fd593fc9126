"""UpdateTable: billing mode and provisioned throughput."""

from harness import ServerTestCase, random_name


class Serialization(ServerTestCase):

    def test_provisioned_throughput_is_a_string(self):
        self.assertRawError(self.raw_op("UpdateTable", {"TableName": "abc",
                                                        "ProvisionedThroughput": "lots"}),
                            "SerializationException")

    def test_write_capacity_is_a_string(self):
        self.assertRawError(self.raw_op("UpdateTable", {
            "TableName": "abc",
            "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": "1"}}),
            "SerializationException")


class Validation(ServerTestCase):

    def provisioned(self, rcu=1, wcu=1):
        return self.create_table(BillingMode="PROVISIONED",
                                 ProvisionedThroughput={"ReadCapacityUnits": rcu,
                                                        "WriteCapacityUnits": wcu})

    def test_missing_table(self):
        name = random_name()
        with self.assertApiError("ResourceNotFoundException",
                                 f"Requested resource not found: Table: {name} not found"):
            self.client.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")

    def test_invalid_table_name(self):
        with self.assertValidation(
                "1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"):
            self.raw_client.update_table(TableName="abc;", BillingMode="PAY_PER_REQUEST")

    # An UpdateTable that asks for nothing lists what it could have asked for (a list that
    # grows as AWS adds features, so only its start is pinned).
    def test_nothing_to_update(self):
        name = self.create_table()
        with self.assertValidation(contains="At least one of ProvisionedThroughput, BillingMode"):
            self.client.update_table(TableName=name)

    def test_zero_capacity(self):
        name = self.provisioned()
        with self.assertValidation(
                "1 validation error detected: Value '0' at "
                "'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: "
                "Member must have value greater than or equal to 1"):
            self.raw_client.update_table(TableName=name, ProvisionedThroughput={
                "ReadCapacityUnits": 0, "WriteCapacityUnits": 1})

    def test_billing_mode_not_in_enum(self):
        name = self.create_table()
        with self.assertValidation(
                "1 validation error detected: Value 'FREE' at 'billingMode' failed to satisfy "
                "constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"):
            self.raw_client.update_table(TableName=name, BillingMode="FREE")

    def test_same_throughput_is_refused(self):
        name = self.provisioned(3, 4)
        with self.assertValidation(
                "The provisioned throughput for the table will not change. The requested value "
                "equals the current value. Current ReadCapacityUnits provisioned for the table: "
                "3. Requested ReadCapacityUnits: 3. Current WriteCapacityUnits provisioned for "
                "the table: 4. Requested WriteCapacityUnits: 4. Refer to the Amazon DynamoDB "
                "Developer Guide for current limits and how to request higher limits."):
            self.client.update_table(TableName=name, ProvisionedThroughput={
                "ReadCapacityUnits": 3, "WriteCapacityUnits": 4})

    # Throughput cannot be set on an on-demand table without switching it to PROVISIONED.
    def test_throughput_on_pay_per_request_table(self):
        name = self.create_table()
        with self.assertValidation(contains="PAY_PER_REQUEST"):
            self.client.update_table(TableName=name, ProvisionedThroughput={
                "ReadCapacityUnits": 5, "WriteCapacityUnits": 5})

    # Switching to PROVISIONED needs the capacity to provision.
    def test_switch_to_provisioned_without_throughput(self):
        name = self.create_table()
        with self.assertValidation(contains="PROVISIONED"):
            self.client.update_table(TableName=name, BillingMode="PROVISIONED")

    # Disabling a stream the table does not have is refused (ACK-lab DDB-TABLE-442); the rest
    # of the stream rules are in test_streams.py.
    def test_disable_absent_stream(self):
        name = self.create_table()
        with self.assertValidation(f"Table has no stream to disable: TableName: {name}"):
            self.client.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        self.assertNotIn("StreamSpecification", self.client.describe_table(TableName=name)["Table"])


class Functionality(ServerTestCase):

    def describe(self, name):
        self.wait_active(name)
        return self.client.describe_table(TableName=name)["Table"]

    def test_pay_per_request_to_provisioned(self):
        name = self.create_table()
        desc = self.client.update_table(TableName=name, BillingMode="PROVISIONED",
                                        ProvisionedThroughput={"ReadCapacityUnits": 4,
                                                               "WriteCapacityUnits": 6}
                                        )["TableDescription"]
        self.assertEqual(desc["TableName"], name)
        self.assertIn(desc["TableStatus"], ("UPDATING", "ACTIVE"))
        t = self.describe(name)
        self.assertEqual(t["BillingModeSummary"]["BillingMode"], "PROVISIONED")
        self.assertEqual(t["ProvisionedThroughput"]["ReadCapacityUnits"], 4)
        self.assertEqual(t["ProvisionedThroughput"]["WriteCapacityUnits"], 6)

    def test_provisioned_to_pay_per_request(self):
        name = self.create_table(BillingMode="PROVISIONED",
                                 ProvisionedThroughput={"ReadCapacityUnits": 2,
                                                        "WriteCapacityUnits": 2})
        self.client.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
        t = self.describe(name)
        self.assertEqual(t["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        pt = t["ProvisionedThroughput"]
        self.assertEqual((pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]), (0, 0))

    def test_change_throughput(self):
        name = self.create_table(BillingMode="PROVISIONED",
                                 ProvisionedThroughput={"ReadCapacityUnits": 2,
                                                        "WriteCapacityUnits": 2})
        self.client.update_table(TableName=name, ProvisionedThroughput={
            "ReadCapacityUnits": 10, "WriteCapacityUnits": 1})
        t = self.describe(name)
        self.assertEqual(t["ProvisionedThroughput"]["ReadCapacityUnits"], 10)
        self.assertEqual(t["ProvisionedThroughput"]["WriteCapacityUnits"], 1)

    def test_items_and_identity_survive_an_update(self):
        name = self.create_table(("pk", "S"), ("sk", "N"))
        items = [{"pk": {"S": "a"}, "sk": {"N": str(i)}} for i in range(20)]
        self.put_items(name, items)
        before = self.describe(name)
        self.client.update_table(TableName=name, BillingMode="PROVISIONED",
                                 ProvisionedThroughput={"ReadCapacityUnits": 1,
                                                        "WriteCapacityUnits": 1})
        after = self.describe(name)
        self.assertEqual(after["TableId"], before["TableId"])
        self.assertEqual(after["CreationDateTime"], before["CreationDateTime"])
        self.assertEqual(self.client.query(TableName=name, KeyConditionExpression="pk = :p",
                                           ExpressionAttributeValues={":p": {"S": "a"}}
                                           )["Count"], 20)

    def test_resource_update(self):
        name = self.create_table()
        table = self.resource.Table(name)
        table.update(BillingMode="PROVISIONED",
                     ProvisionedThroughput={"ReadCapacityUnits": 9, "WriteCapacityUnits": 9})
        self.wait_active(name)
        table.reload()
        self.assertEqual(table.provisioned_throughput["ReadCapacityUnits"], 9)
