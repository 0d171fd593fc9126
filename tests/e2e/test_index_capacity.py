"""Writes on indexed tables: ReturnConsumedCapacity INDEXES / TOTAL with index charges,
ReturnItemCollectionMetrics SIZE on tables with LSIs, and the index key checks that refuse a
write (the shared spec's indexes.md §3 and §6)."""

from harness import ServerTestCase, random_name

OMPV = "One or more parameter values were invalid: "


def key(*names):
    return [{"AttributeName": n, "KeyType": "HASH" if i == 0 else "RANGE"}
            for i, n in enumerate(names)]


def item(pk, sk="s", **attrs):
    out = {"pk": {"S": pk}, "sk": {"S": sk}}
    for name, value in attrs.items():
        out[name] = {"N": str(value)} if isinstance(value, int) else {"S": value}
    return out


class IndexedTable(ServerTestCase):
    """One table (pk, sk) with a GSI "all" on g (ALL), a GSI "keys" on h (KEYS_ONLY) and an LSI
    "local" on l (ALL), and one without indexes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.table = random_name()
        cls.client.create_table(
            TableName=cls.table, KeySchema=key("pk", "sk"), BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"}
                                  for n in ("pk", "sk", "g", "h", "l")],
            GlobalSecondaryIndexes=[
                {"IndexName": "all", "KeySchema": key("g"),
                 "Projection": {"ProjectionType": "ALL"}},
                {"IndexName": "keys", "KeySchema": key("h"),
                 "Projection": {"ProjectionType": "KEYS_ONLY"}}],
            LocalSecondaryIndexes=[{"IndexName": "local", "KeySchema": key("pk", "l"),
                                    "Projection": {"ProjectionType": "ALL"}}])
        cls.plain = cls.create_table(("pk", "S"), ("sk", "S"))

    def put(self, it, table=None, **kw):
        return self.client.put_item(TableName=table or self.table, Item=it,
                                    ReturnConsumedCapacity="INDEXES", **kw)


class Capacity(IndexedTable):

    def test_new_item_in_every_index(self):
        cc = self.put(item("a1", g="x", h="y", l="z"))["ConsumedCapacity"]
        self.assertEqual(cc, {
            "TableName": self.table, "CapacityUnits": 4.0, "Table": {"CapacityUnits": 1.0},
            "GlobalSecondaryIndexes": {"all": {"CapacityUnits": 1.0},
                                       "keys": {"CapacityUnits": 1.0}},
            "LocalSecondaryIndexes": {"local": {"CapacityUnits": 1.0}}})

    # Not a member before or after: no index arm at all.
    def test_item_in_no_index(self):
        cc = self.put(item("a2"))["ConsumedCapacity"]
        self.assertEqual(cc, {"TableName": self.table, "CapacityUnits": 1.0,
                              "Table": {"CapacityUnits": 1.0}})

    # A changed index key costs a delete and a put; an unchanged KEYS_ONLY entry costs nothing.
    def test_moved_key_costs_two(self):
        self.put(item("a3", g="x", h="y"))
        cc = self.put(item("a3", g="x2", h="y"))["ConsumedCapacity"]
        self.assertEqual(cc["GlobalSecondaryIndexes"], {"all": {"CapacityUnits": 2.0}})
        self.assertEqual(cc["CapacityUnits"], 3.0)

    # Only a projected non-key attribute changes: one write to the ALL index; none to
    # KEYS_ONLY.
    def test_projected_attribute_change(self):
        self.put(item("a4", g="x", h="y", other="1"))
        cc = self.put(item("a4", g="x", h="y", other="2"))["ConsumedCapacity"]
        self.assertEqual(cc["GlobalSecondaryIndexes"], {"all": {"CapacityUnits": 1.0}})

    # An identical rewrite costs the table only.
    def test_identical_rewrite(self):
        self.put(item("a5", g="x", l="z"))
        cc = self.put(item("a5", g="x", l="z"))["ConsumedCapacity"]
        self.assertNotIn("GlobalSecondaryIndexes", cc)
        self.assertNotIn("LocalSecondaryIndexes", cc)

    # Sized by the projected entry: a 3 KB attribute costs 3 units in ALL, 1 in KEYS_ONLY.
    def test_sized_by_projection(self):
        cc = self.put(item("a6", g="x", h="y", big="b" * 3000))["ConsumedCapacity"]
        self.assertEqual(cc["Table"], {"CapacityUnits": 3.0})
        self.assertEqual(cc["GlobalSecondaryIndexes"],
                         {"all": {"CapacityUnits": 3.0}, "keys": {"CapacityUnits": 1.0}})

    def test_total_includes_indexes(self):
        resp = self.client.put_item(TableName=self.table, Item=item("a7", g="x", h="y"),
                                    ReturnConsumedCapacity="TOTAL")
        self.assertEqual(resp["ConsumedCapacity"],
                         {"TableName": self.table, "CapacityUnits": 3.0})

    def test_delete_item(self):
        self.put(item("a8", g="x", l="z"))
        cc = self.client.delete_item(TableName=self.table, Key=item("a8"),
                                     ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
        self.assertEqual(cc["GlobalSecondaryIndexes"], {"all": {"CapacityUnits": 1.0}})
        self.assertEqual(cc["LocalSecondaryIndexes"], {"local": {"CapacityUnits": 1.0}})
        self.assertEqual(cc["CapacityUnits"], 3.0)

    def test_update_item_removing_a_key(self):
        self.put(item("a9", g="x", h="y"))
        cc = self.client.update_item(
            TableName=self.table, Key=item("a9"), UpdateExpression="REMOVE h",
            ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
        # "keys" loses its entry (a delete); "all" projects h, so its entry is rewritten.
        self.assertEqual(cc["GlobalSecondaryIndexes"], {"keys": {"CapacityUnits": 1.0},
                                                        "all": {"CapacityUnits": 1.0}})
        self.assertEqual(cc["CapacityUnits"], 3.0)

    def test_batch_write(self):
        resp = self.client.batch_write_item(RequestItems={
            self.table: [{"PutRequest": {"Item": item("b1", g="x")}},
                         {"PutRequest": {"Item": item("b2", g="x", h="y")}}],
            self.plain: [{"PutRequest": {"Item": item("b3", g="x")}}]},
            ReturnConsumedCapacity="INDEXES")
        by_table = {c["TableName"]: c for c in resp["ConsumedCapacity"]}
        self.assertEqual(by_table[self.table], {
            "TableName": self.table, "CapacityUnits": 5.0, "Table": {"CapacityUnits": 2.0},
            "GlobalSecondaryIndexes": {"all": {"CapacityUnits": 2.0},
                                       "keys": {"CapacityUnits": 1.0}}})
        self.assertEqual(by_table[self.plain], {"TableName": self.plain, "CapacityUnits": 1.0,
                                                "Table": {"CapacityUnits": 1.0}})

    # The table arm is doubled in a transaction; the index arms are not.
    def test_transaction(self):
        resp = self.client.transact_write_items(TransactItems=[
            {"Put": {"TableName": self.table, "Item": item("t1", g="x", h="y")}}],
            ReturnConsumedCapacity="INDEXES")
        cc, = resp["ConsumedCapacity"]
        self.assertEqual(cc["Table"], {"CapacityUnits": 2.0})
        self.assertEqual(cc["GlobalSecondaryIndexes"],
                         {"all": {"CapacityUnits": 1.0}, "keys": {"CapacityUnits": 1.0}})
        self.assertEqual(cc["CapacityUnits"], 4.0)


class ItemCollectionMetrics(IndexedTable):

    def test_put_update_delete(self):
        for call in (
                lambda: self.client.put_item(TableName=self.table, Item=item("c1", l="z"),
                                             ReturnItemCollectionMetrics="SIZE"),
                lambda: self.client.update_item(TableName=self.table, Key=item("c1"),
                                                UpdateExpression="SET v = :v",
                                                ExpressionAttributeValues={":v": {"S": "x"}},
                                                ReturnItemCollectionMetrics="SIZE"),
                lambda: self.client.delete_item(TableName=self.table, Key=item("c1"),
                                                ReturnItemCollectionMetrics="SIZE")):
            metrics = call()["ItemCollectionMetrics"]
            self.assertEqual(metrics["ItemCollectionKey"], {"pk": {"S": "c1"}})
            low, high = metrics["SizeEstimateRangeGB"]
            self.assertLessEqual(low, high)
            self.assertEqual((low, high), (0.0, 1.0))

    def test_none_or_no_lsi(self):
        resp = self.client.put_item(TableName=self.table, Item=item("c2"),
                                    ReturnItemCollectionMetrics="NONE")
        self.assertNotIn("ItemCollectionMetrics", resp)
        resp = self.client.put_item(TableName=self.plain, Item=item("c2"),
                                    ReturnItemCollectionMetrics="SIZE")
        self.assertNotIn("ItemCollectionMetrics", resp)

    def test_batch_write(self):
        resp = self.client.batch_write_item(RequestItems={
            self.table: [{"PutRequest": {"Item": item("c3", "1")}},
                         {"PutRequest": {"Item": item("c3", "2")}},
                         {"PutRequest": {"Item": item("c4")}}],
            self.plain: [{"PutRequest": {"Item": item("c5")}}]},
            ReturnItemCollectionMetrics="SIZE")
        metrics = resp["ItemCollectionMetrics"]
        self.assertEqual(list(metrics), [self.table])
        self.assertEqual([m["ItemCollectionKey"] for m in metrics[self.table]],
                         [{"pk": {"S": "c3"}}, {"pk": {"S": "c4"}}])

    def test_transaction(self):
        resp = self.client.transact_write_items(TransactItems=[
            {"Put": {"TableName": self.table, "Item": item("c6", "1")}},
            {"Delete": {"TableName": self.table, "Key": item("c6", "2")}},
            {"Put": {"TableName": self.plain, "Item": item("c7")}}],
            ReturnItemCollectionMetrics="SIZE")
        self.assertEqual(resp["ItemCollectionMetrics"], {self.table: [{
            "ItemCollectionKey": {"pk": {"S": "c6"}}, "SizeEstimateRangeGB": [0.0, 1.0]}]})


class IndexKeyChecks(IndexedTable):

    def test_wrong_type(self):
        with self.assertValidation(OMPV + "Type mismatch for Index Key g Expected: S Actual: N "
                                   "IndexName: all"):
            self.put(item("k1", g=5))
        self.assertNotIn("Item", self.client.get_item(TableName=self.table, Key=item("k1")))

    def test_empty_string(self):
        with self.assertValidation(
                "One or more parameter values are not valid. A value specified for a secondary "
                "index key is not supported. The AttributeValue for a key attribute cannot "
                "contain an empty string value. IndexName: keys, IndexKey: h"):
            self.put(item("k2", h=""))

    def test_update_of_existing_item_to_empty(self):
        self.put(item("k3", h="y"))
        with self.assertValidation(
                "One or more parameter values are not valid. The update expression attempted to "
                "update a secondary index key to a value that is not supported. The "
                "AttributeValue for a key attribute cannot contain an empty string value."):
            self.client.update_item(TableName=self.table, Key=item("k3"),
                                    UpdateExpression="SET h = :e",
                                    ExpressionAttributeValues={":e": {"S": ""}})

    # One bad item refuses the whole batch.
    def test_batch_refused_whole(self):
        with self.assertValidation(contains="Type mismatch for Index Key"):
            self.client.batch_write_item(RequestItems={self.table: [
                {"PutRequest": {"Item": item("k4", g="fine")}},
                {"PutRequest": {"Item": item("k5", g=1)}}]})
        self.assertNotIn("Item", self.client.get_item(TableName=self.table, Key=item("k4")))

    def test_transaction_wrong_type_is_a_cancellation_reason(self):
        with self.assertApiError("TransactionCanceledException") as cm:
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self.table, "Item": item("k6", g=1)}}])
        reasons = cm.exception.response["CancellationReasons"]
        self.assertEqual(reasons[0]["Code"], "ValidationError")
        self.assertIn("Type mismatch for Index Key g", reasons[0]["Message"])

    def test_transaction_empty_key_is_a_validation_error(self):
        with self.assertValidation(contains="A value specified for a secondary index key is not "
                                   "supported"):
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self.table, "Item": item("k7", g="")}}])
