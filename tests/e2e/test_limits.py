"""DynamoDB's limits that hold across operations: the table quota, the range of Integer members
such as Limit, IndexName's constraints, request bodies that repeat a key, and the request id
every answer carries. (Over-long strings in every member: test_long_fields.py.)
"""

import json

from harness import ServerTestCase, random_name


class TableQuota(ServerTestCase):
    """--max-tables 3 stands for DynamoDB's default quota of 2,500 tables per account and
    region (ServiceQuotas: "Maximum number of tables per account per region")."""

    SERVER_ARGS = ("--max-tables", "3")

    def test_create_table_beyond_the_quota(self):
        # DynamoDB: LimitExceededException. Its exact message for this quota is not recorded;
        # its other table-operation limits begin "Subscriber limit exceeded".
        names = [self.create_table() for _ in range(3)]
        with self.assertApiError("LimitExceededException", contains="Subscriber limit exceeded"):
            self.create_table()
        self.assertEqual(sorted(self.client.list_tables()["TableNames"]), sorted(names))
        # Deleting one frees a place.
        self.client.delete_table(TableName=names[0])
        self.create_table()
        with self.assertApiError("LimitExceededException"):
            self.create_table()

    def test_restore_counts_against_the_quota(self):
        # A restored table is a new table of the account.
        tables = self.client.list_tables()["TableNames"]
        while len(tables) < 3:
            tables.append(self.create_table())
        self.client.update_continuous_backups(
            TableName=tables[0],
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        with self.assertApiError("LimitExceededException"):
            self.client.restore_table_to_point_in_time(
                SourceTableName=tables[0], TargetTableName=random_name(),
                UseLatestRestorableTime=True)


class IntegerRange(ServerTestCase):
    TABLES = {"table": (("pk", "S"), None)}

    def test_limit_beyond_the_integer_range(self):
        # The model's Limit (Query, Scan, ListTables) and MaxResults (ListExports) are Java
        # ints: a value beyond 2^31-1 is not an Integer and is refused by the deserializer
        # (SerializationException), before any validation. The exact text is not recorded.
        cases = [("Query", {"TableName": self.table, "KeyConditionExpression": "pk = :p",
                            "ExpressionAttributeValues": {":p": {"S": "a"}}}, "Limit"),
                 ("Scan", {"TableName": self.table}, "Limit"),
                 ("Scan", {"TableName": self.table, "Segment": 0}, "TotalSegments"),
                 ("ListTables", {}, "Limit"),
                 ("ListExports", {}, "MaxResults")]
        for op, payload, member in cases:
            for value in (2147483648, 10 ** 12, 10 ** 30, -2147483649):
                with self.subTest(op=op, member=member, value=value):
                    body = dict(payload, **{member: value})
                    self.assertRawError(self.raw_op(op, body), "SerializationException")
        # The largest int is a valid Limit for Query and Scan (the model sets no maximum).
        for op, payload, _ in cases[:2]:
            resp = self.raw_op(op, dict(payload, Limit=2147483647))
            self.assertEqual(resp.status, 200, resp)

    def test_limit_above_the_model_maximum(self):
        # Model: ListTables Limit 1..100, ListExports MaxResults 1..25; DynamoDB's constraint form.
        resp = self.raw_op("ListTables", {"Limit": 101})
        self.assertRawError(resp, "ValidationException",
                            "1 validation error detected: Value '101' at 'limit' failed to "
                            "satisfy constraint: Member must have value less than or equal to 100")
        resp = self.raw_op("ListExports", {"MaxResults": 26})
        self.assertRawError(resp, "ValidationException",
                            "1 validation error detected: Value '26' at 'maxResults' failed to "
                            "satisfy constraint: Member must have value less than or equal to 25")


class IndexNames(ServerTestCase):
    TABLES = {"table": (("pk", "S"), None)}

    def test_index_name_length_and_pattern(self):
        # Model: IndexName is 3..255 characters of [a-zA-Z0-9_.-]+; DynamoDB's constraint form,
        # before any lookup of the index.
        query = {"TableName": self.table, "KeyConditionExpression": "pk = :p",
                 "ExpressionAttributeValues": {":p": {"S": "a"}}}
        for op, payload in (("Query", query), ("Scan", {"TableName": self.table})):
            for name, constraint in (
                    ("i" * 256, "Member must have length less than or equal to 255"),
                    ("ab", "Member must have length greater than or equal to 3"),
                    ("a!b", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")):
                with self.subTest(op=op, name=name[:10]):
                    resp = self.raw_op(op, dict(payload, IndexName=name))
                    self.assertRawError(resp, "ValidationException")
                    message = resp.json()["message"]
                    self.assertIn(f"Value '{name}' at 'indexName' failed to satisfy constraint: "
                                  f"{constraint}", message)


class DuplicateKeys(ServerTestCase):
    TABLES = {"table": (("pk", "S"), None)}

    def test_a_repeated_key_is_a_serialization_error(self):
        # A body that names a key twice was read last-wins; a signer or proxy that reads it
        # first-wins would see another request. Refused as a SerializationException at any
        # depth (DynamoDB's wording is not recorded).
        t = json.dumps(self.table)
        bodies = [
            '{"TableName":%s,"TableName":"other"}' % t,
            '{"TableName":%s,"Item":{"pk":{"S":"a"},"pk":{"S":"b"}}}' % t,
            '{"TableName":%s,"Item":{"pk":{"S":"a"},"m":{"M":{"x":{"N":"1"},"x":{"N":"2"}}}}}' % t,
            '{"TableName":%s,"Item":{"pk":{"S":"a","S":"b"}}}' % t,
            '{"TableName":%s,"Item":{"pk":{"S":"a"},"l":{"L":[{"M":{"k":{"S":"1"},"k":{"S":"2"}}}]}}}'
            % t,
        ]
        for body in bodies:
            with self.subTest(body=body):
                resp = self.raw(body, "DynamoDB_20120810.PutItem")
                self.assertRawError(resp, "SerializationException")
                self.assertIn("Duplicate", resp.json()["message"])
        self.assertNotIn("Item", self.client.get_item(TableName=self.table,
                                                      Key={"pk": {"S": "a"}}))
        # An object with many distinct keys (the sorted check) is fine; one repeat among them
        # is not.
        many = {f"a{i}": {"S": str(i)} for i in range(100)}
        item = dict(many, pk={"S": "many"})
        resp = self.raw_op("PutItem", {"TableName": self.table, "Item": item})
        self.assertEqual(resp.status, 200, resp)
        text = json.dumps({"TableName": self.table, "Item": item})
        resp = self.raw(text[:-2] + ',"a57":{"S":"again"}}}', "DynamoDB_20120810.PutItem")
        self.assertRawError(resp, "SerializationException")


class RequestIds(ServerTestCase):

    def test_every_answer_has_its_own_request_id(self):
        # AWS: x-amzn-RequestId, 52 characters of [0-9A-V] for DynamoDB.
        ids = set()
        for body, target in (("{}", "DynamoDB_20120810.ListTables"),
                             ("{}", "DynamoDB_20120810.Nope"),
                             ("not json", "DynamoDB_20120810.ListTables")):
            resp = self.raw(body, target)
            rid = resp.headers.get("x-amzn-requestid")
            self.assertRegex(rid or "", r"^[0-9A-V]{52}$")
            ids.add(rid)
        self.assertEqual(len(ids), 3)
