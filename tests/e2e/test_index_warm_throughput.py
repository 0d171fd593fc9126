"""GSI WarmThroughput (botocore's GlobalSecondaryIndexWarmThroughputDescription): kept and
described as the shared spec's indexes.md says (§1.8, §1.9, §2.1, §5.2): always in DescribeTable
(not in the CreateTable response), 12000/4000 by default on demand, the provisioned capacity
otherwise, never decreasing; a decrease is refused, an identical Update is a no-op. Tideline does
no pre-warming, so the Status is ACTIVE at once (AWS shows UPDATING for minutes after an
increase)."""

from harness import ServerTestCase, random_name

OMPV = "One or more parameter values were invalid: "


class WarmThroughput(ServerTestCase):

    def create(self, billing="PAY_PER_REQUEST", warm=None, capacity=None):
        name = random_name("warm")
        index = {"IndexName": "gsi", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                 "Projection": {"ProjectionType": "KEYS_ONLY"}}
        kw = {"BillingMode": billing}
        if capacity:
            throughput = {"ReadCapacityUnits": capacity[0], "WriteCapacityUnits": capacity[1]}
            index["ProvisionedThroughput"] = dict(throughput)
            kw["ProvisionedThroughput"] = dict(throughput)
        if warm:
            index["WarmThroughput"] = {"ReadUnitsPerSecond": warm[0],
                                       "WriteUnitsPerSecond": warm[1]}
        response = self.client.create_table(
            TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "g", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[index], **kw)
        self.wait_active(name)
        return name, response["TableDescription"]["GlobalSecondaryIndexes"][0]

    def warm(self, table):
        gsi = self.client.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"][0]
        return gsi["WarmThroughput"]

    def update_warm(self, table, read, write):
        self.client.update_table(TableName=table, GlobalSecondaryIndexUpdates=[{"Update": {
            "IndexName": "gsi",
            "WarmThroughput": {"ReadUnitsPerSecond": read, "WriteUnitsPerSecond": write}}}])

    def test_on_demand_default_is_described_but_not_in_the_create_response(self):
        table, created = self.create()
        self.assertNotIn("WarmThroughput", created)
        self.assertEqual(self.warm(table), {"ReadUnitsPerSecond": 12000,
                                            "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"})

    def test_requested_value_is_kept_and_survives_a_restart(self):
        table, _ = self.create(warm=(15000, 5000))
        self.assertEqual(self.warm(table)["ReadUnitsPerSecond"], 15000)
        self.restart_server()
        self.assertEqual(self.warm(table), {"ReadUnitsPerSecond": 15000,
                                            "WriteUnitsPerSecond": 5000, "Status": "ACTIVE"})

    def test_below_the_starting_point_is_refused_at_creation(self):
        with self.assertValidation(
                OMPV + "Requested ReadUnitsPerSecond for WarmThroughput for index gsi is lower "
                       "than initial throughput for OnDemand"):
            self.create(warm=(100, 4000))
        with self.assertValidation(
                OMPV + "Requested ReadUnitsPerSecond for WarmThroughput for index gsi is lower "
                       "than ReadCapacityUnits of ProvisionedThroughput"):
            self.create(billing="PROVISIONED", capacity=(5, 5), warm=(3, 5))

    def test_update_increases_refuses_decreases_and_accepts_the_same(self):
        table, _ = self.create()
        self.update_warm(table, 20000, 4000)
        self.assertEqual(self.warm(table)["ReadUnitsPerSecond"], 20000)
        self.update_warm(table, 20000, 4000)  # identical: a no-op
        with self.assertValidation(
                OMPV + "Requested ReadUnitsPerSecond for WarmThroughput for index gsi is lower "
                       "than current WarmThroughput, decreasing WarmThroughput is not "
                       "supported"):
            self.update_warm(table, 13000, 4000)
        self.assertEqual(self.warm(table)["ReadUnitsPerSecond"], 20000)

    def test_provisioned_mirrors_the_capacity_and_never_decreases(self):
        table, _ = self.create(billing="PROVISIONED", capacity=(5, 5))
        self.assertEqual(self.warm(table), {"ReadUnitsPerSecond": 5, "WriteUnitsPerSecond": 5,
                                            "Status": "ACTIVE"})
        for rcu in (10, 6):
            self.client.update_table(TableName=table, GlobalSecondaryIndexUpdates=[{"Update": {
                "IndexName": "gsi",
                "ProvisionedThroughput": {"ReadCapacityUnits": rcu, "WriteCapacityUnits": 5}}}])
            self.wait_table_and_indexes_active(table)
        self.assertEqual(self.warm(table)["ReadUnitsPerSecond"], 10)


class TableWarmThroughput(ServerTestCase):
    """The table's own WarmThroughput (botocore's TableWarmThroughputDescription; developer
    guide "Understanding DynamoDB warm throughput"): a new on-demand table starts at 12000/4000,
    a provisioned one at its capacity, raised by a provisioned increase and never lowered."""

    def create(self, billing="PAY_PER_REQUEST", warm=None, capacity=None):
        name = random_name("twarm")
        kw = {"BillingMode": billing}
        if capacity:
            kw["ProvisionedThroughput"] = {"ReadCapacityUnits": capacity[0],
                                           "WriteCapacityUnits": capacity[1]}
        if warm:
            kw["WarmThroughput"] = {"ReadUnitsPerSecond": warm[0], "WriteUnitsPerSecond": warm[1]}
        response = self.client.create_table(
            TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], **kw)
        self.wait_active(name)
        return name, response["TableDescription"]

    def warm(self, table):
        return self.client.describe_table(TableName=table)["Table"]["WarmThroughput"]

    def test_on_demand_default_in_create_describe_and_update(self):
        table, created = self.create()
        expected = {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"}
        self.assertEqual(created["WarmThroughput"], expected)
        self.assertEqual(self.warm(table), expected)
        updated = self.client.update_table(TableName=table, DeletionProtectionEnabled=False)
        self.assertEqual(updated["TableDescription"]["WarmThroughput"], expected)

    def test_requested_value_is_kept_and_survives_a_restart(self):
        table, created = self.create(warm=(15000, 6000))
        self.assertEqual(created["WarmThroughput"]["ReadUnitsPerSecond"], 15000)
        self.restart_server()
        self.assertEqual(self.warm(table), {"ReadUnitsPerSecond": 15000,
                                            "WriteUnitsPerSecond": 6000, "Status": "ACTIVE"})

    def test_below_the_starting_point_is_refused_at_creation(self):
        with self.assertValidation(
                OMPV + "Requested WriteUnitsPerSecond for WarmThroughput is lower than initial "
                       "throughput for OnDemand"):
            self.create(warm=(12000, 100))
        with self.assertValidation(
                OMPV + "Requested ReadUnitsPerSecond for WarmThroughput is lower than "
                       "ReadCapacityUnits of ProvisionedThroughput"):
            self.create(billing="PROVISIONED", capacity=(5, 5), warm=(3, 5))

    def test_update_alone_increases_refuses_decreases_and_accepts_the_same(self):
        table, _ = self.create()
        response = self.client.update_table(
            TableName=table,
            WarmThroughput={"ReadUnitsPerSecond": 20000, "WriteUnitsPerSecond": 4000})
        self.assertEqual(response["TableDescription"]["WarmThroughput"]["ReadUnitsPerSecond"],
                         20000)
        self.client.update_table(  # identical: a no-op
            TableName=table,
            WarmThroughput={"ReadUnitsPerSecond": 20000, "WriteUnitsPerSecond": 4000})
        with self.assertValidation(
                OMPV + "Requested ReadUnitsPerSecond for WarmThroughput is lower than current "
                       "WarmThroughput, decreasing WarmThroughput is not supported"):
            self.client.update_table(TableName=table,
                                     WarmThroughput={"ReadUnitsPerSecond": 13000})
        self.assertEqual(self.warm(table)["ReadUnitsPerSecond"], 20000)

    def test_provisioned_mirrors_the_capacity_and_never_decreases(self):
        table, created = self.create(billing="PROVISIONED", capacity=(5, 7))
        self.assertEqual(created["WarmThroughput"], {"ReadUnitsPerSecond": 5,
                                                     "WriteUnitsPerSecond": 7,
                                                     "Status": "ACTIVE"})
        for rcu in (10, 6):
            self.client.update_table(TableName=table, ProvisionedThroughput={
                "ReadCapacityUnits": rcu, "WriteCapacityUnits": 7})
        self.assertEqual(self.warm(table)["ReadUnitsPerSecond"], 10)

    def test_create_index_with_table_warm_throughput_is_refused(self):
        table, _ = self.create()
        with self.assertValidation(
                OMPV + "Create global secondary index cannot be specified when updating "
                       "WarmThroughput"):
            self.client.update_table(
                TableName=table, WarmThroughput={"ReadUnitsPerSecond": 20000},
                AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
                GlobalSecondaryIndexUpdates=[{"Create": {
                    "IndexName": "gsi", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"}}}])
