"""Every write path: a write the server acknowledged survives kill -9 even when it is the last
thing the server did (nothing after it could have written the WAL out on its behalf).

Durability is storage's guarantee (src/storage/storage.h): the Router stamps every answer with
the storage point it may tell of and the session sends it only once that point is durable. Each
test makes one acknowledged change, kills the server at once, restarts it and reads the change
back. With and without --sync.
"""

from harness import ServerTestCase


def key(pk):
    return {"pk": {"S": pk}}


class EveryWritePathSurvivesKill9(ServerTestCase):

    def setUp(self):
        self.table = self.create_table()

    def kill_and_restart(self):
        self.restart_server(kill=True)

    def get(self, pk, table=None):
        return self.client.get_item(TableName=table or self.table, Key=key(pk),
                                    ConsistentRead=True).get("Item")

    def test_put_item(self):
        self.client.put_item(TableName=self.table, Item={**key("a"), "v": {"N": "1"}})
        self.kill_and_restart()
        self.assertEqual(self.get("a"), {**key("a"), "v": {"N": "1"}})

    def test_update_item(self):
        self.client.update_item(TableName=self.table, Key=key("a"), UpdateExpression="ADD c :one",
                                ExpressionAttributeValues={":one": {"N": "1"}})
        self.kill_and_restart()
        self.assertEqual(self.get("a"), {**key("a"), "c": {"N": "1"}})

    def test_delete_item(self):
        self.client.put_item(TableName=self.table, Item=key("a"))
        self.client.delete_item(TableName=self.table, Key=key("a"))
        self.kill_and_restart()
        self.assertIsNone(self.get("a"))

    def test_batch_write_item(self):
        self.client.put_item(TableName=self.table, Item=key("gone"))
        unprocessed = self.client.batch_write_item(RequestItems={self.table: [
            {"PutRequest": {"Item": {**key("a"), "v": {"S": "x"}}}},
            {"PutRequest": {"Item": key("b")}},
            {"DeleteRequest": {"Key": key("gone")}},
        ]})["UnprocessedItems"]
        self.assertEqual(unprocessed, {})
        self.kill_and_restart()
        self.assertEqual(self.get("a"), {**key("a"), "v": {"S": "x"}})
        self.assertEqual(self.get("b"), key("b"))
        self.assertIsNone(self.get("gone"))

    def test_transact_write_items(self):
        self.client.put_item(TableName=self.table, Item={**key("u"), "n": {"N": "1"}})
        self.client.put_item(TableName=self.table, Item=key("gone"))
        self.client.transact_write_items(TransactItems=[
            {"Put": {"TableName": self.table, "Item": {**key("a"), "v": {"S": "t"}}}},
            {"Update": {"TableName": self.table, "Key": key("u"), "UpdateExpression": "ADD n :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            {"Delete": {"TableName": self.table, "Key": key("gone")}},
        ])
        self.kill_and_restart()
        self.assertEqual(self.get("a"), {**key("a"), "v": {"S": "t"}})
        self.assertEqual(self.get("u"), {**key("u"), "n": {"N": "2"}})
        self.assertIsNone(self.get("gone"))

    def test_create_table(self):
        # No DescribeTable after it: the CreateTable answer is the last thing the server sends.
        name = self.create_table(wait=False)
        self.kill_and_restart()
        self.assertEqual(self.client.describe_table(TableName=name)["Table"]["TableStatus"],
                         "ACTIVE")
        self.client.put_item(TableName=name, Item=key("after"))
        self.assertEqual(self.get("after", table=name), key("after"))

    def test_update_table(self):
        self.client.update_table(TableName=self.table, BillingMode="PROVISIONED",
                                 ProvisionedThroughput={"ReadCapacityUnits": 7,
                                                        "WriteCapacityUnits": 3})
        self.kill_and_restart()
        table = self.client.describe_table(TableName=self.table)["Table"]
        self.assertEqual(table["BillingModeSummary"]["BillingMode"], "PROVISIONED")
        self.assertEqual(table["ProvisionedThroughput"]["ReadCapacityUnits"], 7)
        self.assertEqual(table["ProvisionedThroughput"]["WriteCapacityUnits"], 3)

    def test_tag_resource(self):
        arn = self.client.describe_table(TableName=self.table)["Table"]["TableArn"]
        self.client.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "storage"}])
        self.kill_and_restart()
        self.assertEqual(self.client.list_tags_of_resource(ResourceArn=arn)["Tags"],
                         [{"Key": "team", "Value": "storage"}])

    def test_update_continuous_backups(self):
        self.client.update_continuous_backups(
            TableName=self.table,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        self.kill_and_restart()
        pitr = self.client.describe_continuous_backups(TableName=self.table)[
            "ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        self.assertEqual(pitr["PointInTimeRecoveryStatus"], "ENABLED")

    def test_delete_table(self):
        self.client.delete_table(TableName=self.table)
        self.kill_and_restart()
        self.assertNotIn(self.table, self.client.list_tables()["TableNames"])


class EveryWritePathSurvivesKill9WithSync(EveryWritePathSurvivesKill9):
    SERVER_ARGS = ("--sync",)
