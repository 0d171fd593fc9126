"""BatchWriteItem: up to 25 puts and deletes over several tables."""

import json

from harness import ServerTestCase, random_name

TABLES = {"hash_table": (("pk", "S"), None),
          "range_table": (("pk", "S"), ("sk", "N"))}


def put(item):
    return {"PutRequest": {"Item": item}}


def delete(key):
    return {"DeleteRequest": {"Key": key}}


class Serialization(ServerTestCase):

    def test_request_items_is_a_list(self):
        self.assertRawError(self.raw_op("BatchWriteItem", {"RequestItems": [1]}),
                            "SerializationException")

    def test_write_requests_is_an_object(self):
        self.assertRawError(self.raw_op("BatchWriteItem", {"RequestItems": {"abc": {}}}),
                            "SerializationException")

    def test_put_request_item_is_a_string(self):
        self.assertRawError(self.raw_op("BatchWriteItem", {
            "RequestItems": {"abc": [{"PutRequest": {"Item": "x"}}]}}), "SerializationException")


class Validation(ServerTestCase):
    TABLES = TABLES

    def write(self, items):
        return self.client.batch_write_item(RequestItems=items)

    def test_missing_table(self):
        with self.assertNotFound():
            self.write({random_name(): [put({"pk": {"S": "a"}})]})

    def test_missing_table_among_existing_ones(self):
        with self.assertNotFound():
            self.write({self.hash_table: [put({"pk": {"S": "a"}})],
                        random_name(): [put({"pk": {"S": "a"}})]})
        # Nothing was written.
        self.assertNotIn("Item", self.client.get_item(TableName=self.hash_table,
                                                      Key={"pk": {"S": "a"}}))

    # An empty (or absent) RequestItems has a message of its own (recorded from AWS).
    def test_no_request_items(self):
        with self.assertValidation("The requestItems parameter is required for BatchWriteItem"):
            self.raw_client.batch_write_item(RequestItems={})

    def test_empty_request_list(self):
        with self.assertValidation(contains="Member must have length greater than or equal to 1"):
            self.raw_client.batch_write_item(RequestItems={self.hash_table: []})

    # At most 25 requests per call (the message lists the Map value constraints).
    def test_more_than_25_requests(self):
        with self.assertValidation(contains="Member must have length less than or equal to 25"):
            self.raw_client.batch_write_item(RequestItems={
                self.hash_table: [put({"pk": {"S": f"k{i}"}}) for i in range(26)]})

    def test_more_than_25_requests_over_two_tables(self):
        with self.assertValidation(
                "Too many items requested for the BatchWriteItem call"):
            self.write({self.hash_table: [put({"pk": {"S": f"k{i}"}}) for i in range(13)],
                        self.range_table: [put({"pk": {"S": "a"}, "sk": {"N": str(i)}})
                                           for i in range(13)]})

    def test_duplicate_puts(self):
        with self.assertValidation("Provided list of item keys contains duplicates"):
            self.write({self.hash_table: [put({"pk": {"S": "d"}}),
                                          put({"pk": {"S": "d"}, "x": {"S": "y"}})]})

    def test_put_and_delete_of_the_same_key(self):
        with self.assertValidation("Provided list of item keys contains duplicates"):
            self.write({self.hash_table: [put({"pk": {"S": "d"}}), delete({"pk": {"S": "d"}})]})

    # Number keys that are equal as numbers are duplicates.
    def test_duplicate_number_keys(self):
        with self.assertValidation("Provided list of item keys contains duplicates"):
            self.write({self.range_table: [put({"pk": {"S": "a"}, "sk": {"N": "1"}}),
                                           put({"pk": {"S": "a"}, "sk": {"N": "1.0"}})]})

    def test_put_without_key(self):
        with self.assertValidation(
                "One or more parameter values were invalid: Missing the key pk in the item"):
            self.write({self.hash_table: [put({"x": {"S": "a"}})]})

    def test_delete_with_wrong_key(self):
        with self.assertValidation("The provided key element does not match the schema"):
            self.write({self.range_table: [delete({"pk": {"S": "a"}})]})

    # A bad request anywhere in the batch means nothing in it is written.
    def test_invalid_request_writes_nothing(self):
        with self.assertValidation():
            self.write({self.hash_table: [put({"pk": {"S": "good"}}), put({"pk": {"N": "1"}})]})
        self.assertNotIn("Item", self.client.get_item(TableName=self.hash_table,
                                                      Key={"pk": {"S": "good"}}))

    # An attribute named "" is refused here as in PutItem (AWS's exact wording is not
    # recorded), and nothing of the batch is written.
    def test_empty_attribute_name(self):
        with self.assertValidation(contains="empty"):
            self.raw_client.batch_write_item(RequestItems={self.hash_table: [
                {"PutRequest": {"Item": {"pk": {"S": "bw-ok"}}}},
                {"PutRequest": {"Item": {"pk": {"S": "bw-empty"}, "": {"N": "1"}}}}]})
        for pk in ("bw-ok", "bw-empty"):
            self.assertNotIn("Item", self.client.get_item(TableName=self.hash_table,
                                                          Key={"pk": {"S": pk}}))


class Functionality(ServerTestCase):
    TABLES = TABLES

    def test_puts_and_deletes_over_two_tables(self):
        self.put_items(self.range_table, [{"pk": {"S": "x"}, "sk": {"N": str(i)}}
                                          for i in range(5)])
        resp = self.client.batch_write_item(RequestItems={
            self.hash_table: [put({"pk": {"S": f"h{i}"}, "v": {"N": str(i)}}) for i in range(12)],
            self.range_table: [delete({"pk": {"S": "x"}, "sk": {"N": str(i)}}) for i in range(3)]
            + [put({"pk": {"S": "y"}, "sk": {"N": "1"}})],
        })
        self.assertEqual(resp["UnprocessedItems"], {})
        for i in range(12):
            self.assertEqual(self.client.get_item(TableName=self.hash_table,
                                                  Key={"pk": {"S": f"h{i}"}})["Item"]["v"],
                             {"N": str(i)})
        left = self.client.query(TableName=self.range_table, KeyConditionExpression="pk = :p",
                                 ExpressionAttributeValues={":p": {"S": "x"}})["Items"]
        self.assertEqual([i["sk"]["N"] for i in left], ["3", "4"])
        self.assertIn("Item", self.client.get_item(
            TableName=self.range_table, Key={"pk": {"S": "y"}, "sk": {"N": "1"}}))

    def test_exactly_25_requests(self):
        resp = self.client.batch_write_item(RequestItems={
            self.hash_table: [put({"pk": {"S": f"q{i}"}}) for i in range(25)]})
        self.assertEqual(resp["UnprocessedItems"], {})
        self.assertEqual(self.client.scan(TableName=self.hash_table, Select="COUNT",
                                          FilterExpression="begins_with(pk, :q)",
                                          ExpressionAttributeValues={":q": {"S": "q"}}
                                          )["Count"], 25)

    # Deleting an absent key in a batch is not an error.
    def test_delete_of_absent_key(self):
        resp = self.client.batch_write_item(RequestItems={
            self.hash_table: [delete({"pk": {"S": random_name()}})]})
        self.assertEqual(resp["UnprocessedItems"], {})

    def test_put_replaces_the_item(self):
        key = {"pk": {"S": "rep"}}
        self.client.put_item(TableName=self.hash_table, Item={**key, "old": {"S": "x"}})
        self.client.batch_write_item(
            RequestItems={self.hash_table: [put({**key, "new": {"S": "y"}})]})
        self.assertEqual(self.client.get_item(TableName=self.hash_table, Key=key)["Item"],
                         {**key, "new": {"S": "y"}})

    # Big requests below the 16 MB request limit go through: 25 items of ~380 KB.
    def test_large_batch(self):
        blob = "z" * (380 * 1024)
        resp = self.client.batch_write_item(RequestItems={
            self.hash_table: [put({"pk": {"S": f"big{i}"}, "v": {"S": blob}}) for i in range(25)]})
        self.assertEqual(resp["UnprocessedItems"], {})
        got = self.client.get_item(TableName=self.hash_table, Key={"pk": {"S": "big24"}})["Item"]
        self.assertEqual(len(got["v"]["S"]), len(blob))

    def test_resource_batch_writer(self):
        table = self.resource.Table(self.range_table)
        with table.batch_writer() as bw:
            for i in range(120):
                bw.put_item(Item={"pk": "bw", "sk": i, "v": f"value {i}"})
        got = self.client.query(TableName=self.range_table, KeyConditionExpression="pk = :p",
                                ExpressionAttributeValues={":p": {"S": "bw"}}, Select="COUNT")
        self.assertEqual(got["Count"], 120)

    def test_cli_batch_write_item(self):
        out = self.aws("batch-write-item", "--request-items", json.dumps({
            self.hash_table: [put({"pk": {"S": "cli1"}}), put({"pk": {"S": "cli2"}})]}))
        self.assertEqual(out["UnprocessedItems"], {})
        self.assertIn("Item", self.client.get_item(TableName=self.hash_table,
                                                   Key={"pk": {"S": "cli2"}}))

    # Each write is charged as its PutItem or DeleteItem would be: 1 unit per KB of the larger
    # of the item it replaces and the item it writes (DynamoDB sizes), so a small put over a
    # 2,049-byte item costs 3 and a delete of a 1,025-byte item 2 (ScyllaDB's
    # test_batch_write_item_with_true_values, which matches AWS); one entry per table, with
    # "Table" under INDEXES.
    def test_consumed_capacity(self):
        base = 2 + 8 + 1  # "pk" + an 8-character value + the name "b"
        big, other = {"pk": {"S": random_name()[:8]}}, {"pk": {"S": random_name()[:8]}}
        self.put_items(self.hash_table, [{**big, "b": {"S": "x" * (2049 - base)}},
                                         {**other, "b": {"S": "x" * (1025 - base)}}])
        resp = self.client.batch_write_item(RequestItems={
            self.hash_table: [put({**big, "b": {"S": "small"}}), delete(other),
                              put({"pk": {"S": random_name()}})]},
            ReturnConsumedCapacity="INDEXES")
        self.assertEqual(resp["ConsumedCapacity"], [{"TableName": self.hash_table,
                                                     "CapacityUnits": 6.0,
                                                     "Table": {"CapacityUnits": 6.0}}])
