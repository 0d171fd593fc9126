"""ListTables: order, Limit, ExclusiveStartTableName / LastEvaluatedTableName paging."""

from harness import ServerTestCase, random_name


class Serialization(ServerTestCase):

    def test_limit_is_a_string(self):
        self.assertRawError(self.raw_op("ListTables", {"Limit": "5"}), "SerializationException")

    def test_exclusive_start_table_name_is_a_number(self):
        self.assertRawError(self.raw_op("ListTables", {"ExclusiveStartTableName": 12}),
                            "SerializationException")


class Validation(ServerTestCase):

    def test_limit_zero(self):
        with self.assertValidation(
                "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
                "Member must have value greater than or equal to 1"):
            self.raw_client.list_tables(Limit=0)

    def test_limit_over_100(self):
        with self.assertValidation(
                "1 validation error detected: Value '101' at 'limit' failed to satisfy "
                "constraint: Member must have value less than or equal to 100"):
            self.raw_client.list_tables(Limit=101)

    def test_short_exclusive_start_table_name(self):
        with self.assertValidation(
                "1 validation error detected: Value 'ab' at 'exclusiveStartTableName' failed to "
                "satisfy constraint: Member must have length greater than or equal to 3"):
            self.raw_client.list_tables(ExclusiveStartTableName="ab")


class Functionality(ServerTestCase):
    # This class owns its server, so the tables it sees are exactly the ones it made.

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        prefix = random_name("lt")
        cls.names = sorted(f"{prefix}_{i:02d}" for i in range(12))
        # Create in an order unlike the sorted one.
        for n in reversed(cls.names):
            cls.client.create_table(TableName=n, BillingMode="PAY_PER_REQUEST",
                                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                                    AttributeDefinitions=[{"AttributeName": "pk",
                                                           "AttributeType": "S"}])

    def listed(self):
        return [n for n in self.client.list_tables()["TableNames"] if n in self.names]

    # Table names come back in ascending (byte) order.
    def test_lists_all_tables_in_order(self):
        resp = self.client.list_tables()
        self.assertEqual(self.listed(), self.names)
        self.assertEqual(resp["TableNames"], sorted(resp["TableNames"]))
        self.assertNotIn("LastEvaluatedTableName", resp)

    def test_limit_and_last_evaluated_table_name(self):
        resp = self.client.list_tables(Limit=5)
        self.assertEqual(len(resp["TableNames"]), 5)
        self.assertEqual(resp["LastEvaluatedTableName"], resp["TableNames"][-1])

    def test_paging_visits_every_table_once(self):
        seen, start, pages = [], None, 0
        while True:
            kw = {"Limit": 5}
            if start:
                kw["ExclusiveStartTableName"] = start
            resp = self.client.list_tables(**kw)
            seen += resp["TableNames"]
            pages += 1
            start = resp.get("LastEvaluatedTableName")
            if not start:
                break
        self.assertEqual([n for n in seen if n in self.names], self.names)
        self.assertEqual(len(seen), len(set(seen)))
        self.assertGreaterEqual(pages, 3)

    # The start name need not exist: listing resumes after it in sort order.
    def test_exclusive_start_name_that_does_not_exist(self):
        start = self.names[3] + "_"
        resp = self.client.list_tables(ExclusiveStartTableName=start)
        self.assertEqual([n for n in resp["TableNames"] if n in self.names], self.names[4:])

    def test_exclusive_start_is_exclusive(self):
        resp = self.client.list_tables(ExclusiveStartTableName=self.names[0], Limit=1)
        self.assertEqual(resp["TableNames"], [self.names[1]])

    def test_limit_equal_to_remaining_tables(self):
        # Listing exactly to the end may or may not name a last table (AWS does when the page
        # is full); the next page from there must then be empty.
        resp = self.client.list_tables(ExclusiveStartTableName=self.names[-3], Limit=2)
        self.assertEqual(resp["TableNames"], self.names[-2:])
        if "LastEvaluatedTableName" in resp:
            after = self.client.list_tables(
                ExclusiveStartTableName=resp["LastEvaluatedTableName"])
            self.assertEqual(after["TableNames"], [])

    def test_paginator(self):
        pages = self.client.get_paginator("list_tables").paginate(
            PaginationConfig={"PageSize": 4})
        names = [n for page in pages for n in page["TableNames"]]
        self.assertEqual([n for n in names if n in self.names], self.names)

    def test_resource_collection(self):
        names = [t.name for t in self.resource.tables.all()]
        self.assertEqual([n for n in names if n in self.names], self.names)

    def test_deleted_table_is_not_listed(self):
        name = self.create_table()
        self.assertIn(name, self.client.list_tables()["TableNames"])
        self.client.delete_table(TableName=name)
        self.client.get_waiter("table_not_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        self.assertNotIn(name, self.client.list_tables()["TableNames"])
