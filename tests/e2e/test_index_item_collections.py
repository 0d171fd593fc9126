"""Item collections of tables with local secondary indexes (the shared spec's indexes.md §3.7):
a collection (the items of one partition key value plus their LSI entries) may not grow past
10 GB; a write that would grow one past it fails with ItemCollectionSizeLimitExceededException
"Collection size exceeded.", while writes that shrink it, other partition keys and tables
without LSIs go on. The server runs with the hidden --testing-item-collection-limit lowering the
limit to 20000 bytes; each test item is 1000 bytes and, with the ALL LSI, costs 2000."""

import threading
import time

from harness import ServerTestCase, random_name

LIMIT = 20000
PER_ITEM = 2000  # the item (1000 B) plus its entry in the ALL LSI (1000 B)
FIT = LIMIT // PER_ITEM
MESSAGE = "Collection size exceeded."
CODE = "ItemCollectionSizeLimitExceededException"


def key(*names):
    return [{"AttributeName": n, "KeyType": "HASH" if i == 0 else "RANGE"}
            for i, n in enumerate(names)]


def item(pk, sk, pad=986, **attrs):
    """pk "x" + sk "nnnn" + l "l" + pad: 3 + 6 + 2 + 3 + pad bytes (DynamoDB's item size)."""
    out = {"pk": {"S": pk}, "sk": {"S": sk}, "l": {"S": "l"}, "pad": {"S": "p" * pad}}
    out.update(attrs)
    return out


class Collections(ServerTestCase):
    SERVER_ARGS = ("--testing-item-collection-limit", str(LIMIT), "--ttl-interval", "0.2",
                   "--ttl-cooldown", "0")

    @classmethod
    def create_lsi_table(cls, projection="ALL", gsi_only=False):
        name = random_name()
        indexes = {"GlobalSecondaryIndexes" if gsi_only else "LocalSecondaryIndexes": [{
            "IndexName": "by_l", "KeySchema": key("l") if gsi_only else key("pk", "l"),
            "Projection": {"ProjectionType": projection}}]}
        cls.client.create_table(
            TableName=name, KeySchema=key("pk", "sk"), BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"}
                                  for n in ("pk", "sk", "l")], **indexes)
        cls.wait_active(name)
        return name

    def fill(self, table, pk, count=FIT):
        for i in range(count):
            self.client.put_item(TableName=table, Item=item(pk, f"{i:04}"))

    def assertCollectionFull(self):
        return self.assertApiError(CODE, MESSAGE)

    def get(self, table, pk, sk):
        return self.client.get_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"S": sk}},
                                    ConsistentRead=True).get("Item")

    def test_put_past_the_limit_fails_and_writes_nothing(self):
        table = self.create_lsi_table()
        self.fill(table, "a")  # exactly at the limit: allowed
        with self.assertCollectionFull():
            self.client.put_item(TableName=table, Item=item("a", "9999"))
        self.assertIsNone(self.get(table, "a", "9999"))
        # Nothing of the refused write reached the LSI either.
        count = self.client.query(TableName=table, IndexName="by_l",
                                  KeyConditionExpression="pk = :p",
                                  ExpressionAttributeValues={":p": {"S": "a"}},
                                  Select="COUNT")["Count"]
        self.assertEqual(count, FIT)
        # Other partition keys are separate collections.
        self.client.put_item(TableName=table, Item=item("b", "0000"))

    def test_growing_update_fails_same_size_and_shrinking_pass(self):
        table = self.create_lsi_table()
        self.fill(table, "a")
        with self.assertCollectionFull():
            self.client.update_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"S": "0000"}},
                                    UpdateExpression="SET extra = :e",
                                    ExpressionAttributeValues={":e": {"S": "e"}})
        self.assertNotIn("extra", self.get(table, "a", "0000"))
        # An overwrite of the same size (its LSI entry moving) does not grow the collection.
        self.client.put_item(TableName=table, Item=item("a", "0001", l={"S": "m"}))
        # A smaller item shrinks it by 2 x 10 bytes: 20 bytes fit again, and not one more.
        self.client.put_item(TableName=table, Item=item("a", "0002", pad=976))
        self.client.put_item(TableName=table, Item=item("a", "0003", pad=996))
        with self.assertCollectionFull():
            self.client.put_item(TableName=table, Item=item("a", "0004", pad=987))
        # Deletes always pass, and free room for a new item.
        self.client.delete_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"S": "0005"}})
        self.client.put_item(TableName=table, Item=item("a", "0010"))
        with self.assertCollectionFull():
            self.client.put_item(TableName=table, Item=item("a", "0011"))

    def test_only_lsi_entries_and_items_count(self):
        # A KEYS_ONLY LSI entry holds pk, sk and l (3 + 6 + 2 = 11 bytes): each item costs
        # 1011, so 19 fit in 20000 and the 20th does not.
        table = self.create_lsi_table("KEYS_ONLY")
        self.fill(table, "a", LIMIT // 1011)
        with self.assertCollectionFull():
            self.client.put_item(TableName=table, Item=item("a", "9999"))
        # An item without the LSI's sort key has no LSI entry: its 713 bytes fit in the
        # 20000 - 19 x 1011 = 791 bytes left.
        self.client.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": "small"},
                                                    "pad": {"S": "p" * 700}})

    def test_tables_without_lsi_have_no_limit(self):
        table = self.create_lsi_table(gsi_only=True)
        self.fill(table, "a", FIT * 3)
        self.assertEqual(len(self.client.query(
            TableName=table, KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "a"}})["Items"]), FIT * 3)

    def test_batch_write_item(self):
        table = self.create_lsi_table()
        self.fill(table, "a", FIT - 1)
        with self.assertCollectionFull():
            self.client.batch_write_item(RequestItems={table: [
                {"PutRequest": {"Item": item("b", "0000")}},
                {"PutRequest": {"Item": item("a", "0100")}},
                {"PutRequest": {"Item": item("a", "0101")}}]})
        # The batch is refused whole here (AWS documents the error for the call, not which of
        # its items were written).
        self.assertIsNone(self.get(table, "b", "0000"))
        self.assertIsNone(self.get(table, "a", "0100"))
        # A batch that deletes as much as it adds passes.
        self.client.batch_write_item(RequestItems={table: [
            {"DeleteRequest": {"Key": {"pk": {"S": "a"}, "sk": {"S": "0000"}}}},
            {"PutRequest": {"Item": item("a", "0100")}},
            {"PutRequest": {"Item": item("a", "0101")}}]})

    def test_transaction_cancellation_reason(self):
        table = self.create_lsi_table()
        self.fill(table, "a")
        with self.assertApiError("TransactionCanceledException") as cm:
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": table, "Item": item("b", "0000")}},
                {"Put": {"TableName": table, "Item": item("a", "0100")}}])
        reasons = cm.exception.response["CancellationReasons"]
        self.assertEqual(reasons, [{"Code": "None"}, {
            "Code": "ItemCollectionSizeLimitExceeded", "Message": MESSAGE}])
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "Transaction cancelled, please refer cancellation reasons for specific "
                         "reasons [None, ItemCollectionSizeLimitExceeded]")
        self.assertIsNone(self.get(table, "b", "0000"))
        # Deleting one item and adding one in the same transaction keeps the size.
        self.client.transact_write_items(TransactItems=[
            {"Delete": {"TableName": table, "Key": {"pk": {"S": "a"}, "sk": {"S": "0000"}}}},
            {"Put": {"TableName": table, "Item": item("a", "0100")}}])

    def test_concurrent_writers_stop_exactly_at_the_limit(self):
        table = self.create_lsi_table()
        accepted, refused, errors = [], [], []

        def writer(worker):
            client = self.server.client()
            for i in range(8):
                try:
                    client.put_item(TableName=table, Item=item("c", f"{worker:02}{i:02}"))
                    accepted.append(1)
                except client.exceptions.ItemCollectionSizeLimitExceededException:
                    refused.append(1)
                except Exception as e:  # noqa: BLE001 - reported below
                    errors.append(e)

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual((len(accepted), len(refused)), (FIT, 48 - FIT))
        self.assertEqual(self.client.scan(TableName=table, Select="COUNT")["Count"], FIT)

    def test_sizes_survive_kill9_and_ttl_deletes_free_room(self):
        table = self.create_lsi_table()
        self.fill(table, "a", FIT - 1)
        self.client.put_item(TableName=table,
                             Item=item("a", "0100", pad=970, exp={"N": str(int(time.time()) - 5)}))
        self.restart_server(kill=True)
        # Measured again from the data after the restart: still exactly full.
        with self.assertCollectionFull():
            self.client.put_item(TableName=table, Item=item("a", "9999"))
        # The expiry sweeper's deletion shrinks the collection like any delete.
        self.client.update_time_to_live(
            TableName=table, TimeToLiveSpecification={"AttributeName": "exp", "Enabled": True})
        deadline = time.monotonic() + 20
        while self.get(table, "a", "0100") is not None:
            self.assertLess(time.monotonic(), deadline, "the expired item was not deleted")
            time.sleep(0.2)
        self.client.put_item(TableName=table, Item=item("a", "9999"))

    def test_restored_table_keeps_the_limit(self):
        table = self.create_lsi_table()
        self.fill(table, "a")
        self.client.update_continuous_backups(
            TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        target = random_name()
        self.client.restore_table_to_point_in_time(SourceTableName=table,
                                                   TargetTableName=target,
                                                   UseLatestRestorableTime=True)
        self.wait_active(target, timeout=60)
        with self.assertCollectionFull():
            self.client.put_item(TableName=target, Item=item("a", "9999"))
        self.client.delete_item(TableName=target, Key={"pk": {"S": "a"}, "sk": {"S": "0000"}})
        self.client.put_item(TableName=target, Item=item("a", "9999"))

    def test_metrics_report_the_collection(self):
        table = self.create_lsi_table()
        resp = self.client.put_item(TableName=table, Item=item("m", "0000"),
                                    ReturnItemCollectionMetrics="SIZE")
        self.assertEqual(resp["ItemCollectionMetrics"], {
            "ItemCollectionKey": {"pk": {"S": "m"}}, "SizeEstimateRangeGB": [0.0, 1.0]})
