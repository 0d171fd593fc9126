"""TransactGetItems: responses in request order, {} for missing items, ProjectionExpression;
validation. And a transaction seen through point-in-time export: all of its writes share one
commit time, so an export at any time sees all of them or none.

Facts: the TransactGetItems API reference ("Responses: An ordered array of up to 100
ItemResponse objects, each of which corresponds to the TransactGetItem object in the same
position"; "If a requested item could not be retrieved, the corresponding ItemResponse object
is Null, or if the requested item has no projected attributes, the corresponding ItemResponse
object is an empty Map"), the TransactWriteItems reference ("all or nothing"), and
shared/spec/export-and-pitr.md §4.1 (an export is the table's state at ExportTime).
"""

from export_support import ExportTestCase, canonical, time_after_last_write, wire
from harness import ServerTestCase, random_name


class Reads(ServerTestCase):
    TABLES = {"table": (("pk", "S"), None), "range_table": (("pk", "S"), ("sk", "N"))}

    @classmethod
    def _create_class_tables(cls):
        super()._create_class_tables()
        cls.items = [{"pk": {"S": f"k{i}"}, "n": {"N": str(i)},
                      "m": {"M": {"a": {"N": str(i)}, "b": {"S": "b"}}}} for i in range(5)]
        cls.put_items(cls.table, cls.items)
        cls.ritem = {"pk": {"S": "r"}, "sk": {"N": "1"}, "v": {"S": "range"}}
        cls.client.put_item(TableName=cls.range_table, Item=cls.ritem)

    def get(self, key, table=None, **kw):
        return {"Get": {"TableName": table or self.table, "Key": key, **kw}}

    def test_order_is_the_request_order(self):
        keys = [{"pk": {"S": f"k{i}"}} for i in (3, 0, 4)]
        out = self.client.transact_get_items(TransactItems=[self.get(k) for k in keys])
        self.assertEqual(out["Responses"], [{"Item": self.items[i]} for i in (3, 0, 4)])

    def test_missing_items_and_several_tables(self):
        out = self.client.transact_get_items(TransactItems=[
            self.get({"pk": {"S": "k1"}}),
            self.get({"pk": {"S": random_name()}}),
            self.get({"pk": {"S": "r"}, "sk": {"N": "1"}}, self.range_table)])
        self.assertEqual(out["Responses"], [{"Item": self.items[1]}, {}, {"Item": self.ritem}])

    def test_projection(self):
        out = self.client.transact_get_items(TransactItems=[
            self.get({"pk": {"S": "k2"}}, ProjectionExpression="#m.a, n",
                     ExpressionAttributeNames={"#m": "m"}),
            # An existing item with nothing projected: an empty Item.
            self.get({"pk": {"S": "r"}, "sk": {"N": "1"}}, self.range_table,
                     ProjectionExpression="nothing")])
        self.assertEqual(out["Responses"],
                         [{"Item": {"m": {"M": {"a": {"N": "2"}}}, "n": {"N": "2"}}},
                          {"Item": {}}])

    def test_resource_client(self):
        out = self.resource.meta.client.transact_get_items(TransactItems=[
            {"Get": {"TableName": self.table, "Key": {"pk": "k4"}}}])
        self.assertEqual(out["Responses"][0]["Item"], {"pk": "k4", "n": 4, "m": {"a": 4, "b": "b"}})

    # A transactional read costs twice a strongly consistent one: 2 units per 4 KB of the
    # item's DynamoDB size, 2 for a missing item; one entry per table, "Table" under INDEXES.
    def test_consumed_capacity(self):
        key = {"pk": {"S": random_name()[:8]}}
        self.client.put_item(TableName=self.table,
                             Item={**key, "b": {"S": "x" * (4097 - 2 - 8 - 1)}})
        out = self.client.transact_get_items(TransactItems=[
            self.get(key), self.get({"pk": {"S": random_name()}}),
            self.get({"pk": {"S": "r"}, "sk": {"N": "1"}}, self.range_table)],
            ReturnConsumedCapacity="INDEXES")
        self.assertEqual(sorted(out["ConsumedCapacity"], key=lambda c: c["TableName"]),
                         sorted([{"TableName": self.table, "CapacityUnits": 6.0,
                                  "Table": {"CapacityUnits": 6.0}},
                                 {"TableName": self.range_table, "CapacityUnits": 2.0,
                                  "Table": {"CapacityUnits": 2.0}}],
                                key=lambda c: c["TableName"]))

    def test_two_gets_of_one_item(self):
        with self.assertValidation("Transaction request cannot include multiple operations on one "
                                   "item"):
            self.client.transact_get_items(TransactItems=[self.get({"pk": {"S": "k1"}}),
                                                          self.get({"pk": {"S": "k1"}})])

    def test_at_most_100(self):
        gets = [self.get({"pk": {"S": f"x{i}"}}) for i in range(101)]
        with self.assertValidation(contains="Member must have length less than or equal to 100"):
            self.raw_client.transact_get_items(TransactItems=gets)
        self.assertEqual(self.client.transact_get_items(TransactItems=gets[:100])["Responses"],
                         [{}] * 100)

    def test_missing_table_and_bad_key(self):
        with self.assertApiError("ResourceNotFoundException"):
            self.client.transact_get_items(TransactItems=[self.get({"pk": {"S": "k1"}},
                                                                   random_name())])
        # A key that does not fit its table cancels the transaction with a ValidationError
        # reason for that item and None for the others, as in TransactWriteItems (AWS's
        # TransactGetItems reference lists "a user error, such as an invalid data format" among
        # the reasons for TransactionCanceledException).
        with self.assertApiError("TransactionCanceledException",
                                 "Transaction cancelled, please refer cancellation reasons for "
                                 "specific reasons [None, ValidationError]") as cm:
            self.client.transact_get_items(TransactItems=[self.get({"pk": {"S": "k1"}}),
                                                          self.get({"pk": {"N": "1"}})])
        self.assertEqual(cm.exception.response["CancellationReasons"],
                         [{"Code": "None"},
                          {"Code": "ValidationError",
                           "Message": "The provided key element does not match the schema"}])

    def test_projection_errors(self):
        with self.assertValidation("Invalid ProjectionExpression: Attribute name is a reserved "
                                   "keyword; reserved keyword: name"):
            self.client.transact_get_items(TransactItems=[
                self.get({"pk": {"S": "k1"}}, ProjectionExpression="name")])


class TransactionInExport(ExportTestCase):
    """With PITR on, exports at times around a transaction see it whole or not at all."""

    @classmethod
    def _create_class_tables(cls):
        cls.bucket = cls.make_bucket()

    def export_at(self, table, t):
        resp = self.raw_export({"TableArn": self.table_arn(table), "S3Bucket": self.bucket,
                                "ExportTime": t})
        self.assertEqual(resp.status, 200, resp)
        desc = self.wait_export(resp.json()["ExportDescription"]["ExportArn"])
        return self.check_local_export(table, desc, export_time_ms=round(t * 1000)).items

    def test_export_sees_all_or_none_of_a_transaction(self):
        table = self.create_pitr_table()
        base = [{"pk": {"S": f"b{i}"}, "v": {"N": "0"}} for i in range(40)]
        self.put_items(table, base)
        before = time_after_last_write()
        # 100 actions: 60 new items, 20 updates and 20 deletes of existing ones.
        actions = [{"Put": {"TableName": table, "Item": {"pk": {"S": f"t{i}"}, "v": {"N": "1"}}}}
                   for i in range(60)]
        actions += [{"Update": {"TableName": table, "Key": {"pk": {"S": f"b{i}"}},
                                "UpdateExpression": "SET v = :one",
                                "ExpressionAttributeValues": {":one": {"N": "1"}}}}
                    for i in range(20)]
        actions += [{"Delete": {"TableName": table, "Key": {"pk": {"S": f"b{i}"}}}}
                    for i in range(20, 40)]
        self.client.transact_write_items(TransactItems=actions)
        after = time_after_last_write()

        old = [canonical(wire(i)) for i in base]
        new = [canonical(wire({"pk": {"S": f"t{i}"}, "v": {"N": "1"}})) for i in range(60)]
        new += [canonical(wire({"pk": {"S": f"b{i}"}, "v": {"N": "1"}})) for i in range(20)]
        self.assertSameItems(self.export_at(table, before), old, ("pk",))
        self.assertSameItems(self.export_at(table, after), new, ("pk",))
        # Every millisecond in between (a few of them): one state or the other, never a mix.
        ms = list(range(round(before * 1000) + 1, round(after * 1000)))
        for m in sorted(set(ms[::max(1, len(ms) // 4)]))[:4]:
            got = self.export_at(table, m / 1000)
            pks = sorted(i["pk"]["S"] for i in got)
            with self.subTest(ms=m):
                self.assertIn(pks, (sorted(i["pk"]["S"] for i in old),
                                    sorted(i["pk"]["S"] for i in new)))
                self.assertSameItems(got, old if len(got) == len(old) else new, ("pk",))

    def test_cancelled_transaction_is_never_exported(self):
        table = self.create_pitr_table()
        self.client.put_item(TableName=table, Item={"pk": {"S": "guard"}})
        with self.assertApiError("TransactionCanceledException"):
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": table, "Item": {"pk": {"S": f"c{i}"}}}} for i in range(5)
            ] + [{"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": "guard"}},
                                     "ConditionExpression": "attribute_not_exists(pk)"}}])
        got = self.export_at(table, time_after_last_write())
        self.assertSameItems(got, [{"pk": {"S": "guard"}}], ("pk",))
