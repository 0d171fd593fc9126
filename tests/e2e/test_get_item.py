"""GetItem: key matching, missing items, ConsistentRead, projections."""

from harness import ServerTestCase, random_name

TABLES = {"hash_table": (("pk", "S"), None),
          "range_table": (("pk", "S"), ("sk", "N"))}


class Serialization(ServerTestCase):

    def get(self, **payload):
        return self.raw_op("GetItem", {"TableName": "abc", "Key": {"pk": {"S": "a"}}, **payload})

    def test_key_is_a_list(self):
        self.assertRawError(self.get(Key=[{"pk": {"S": "a"}}]), "SerializationException")

    # (DynamoDB's deserializer reads the strings "true" and "false" as booleans; other strings
    # are refused.)
    def test_consistent_read_is_a_string(self):
        self.assertRawError(self.get(ConsistentRead="yes"), "SerializationException")

    def test_consistent_read_is_a_number(self):
        self.assertRawError(self.get(ConsistentRead=1), "SerializationException")

    def test_attributes_to_get_is_a_string(self):
        self.assertRawError(self.get(AttributesToGet="a"), "SerializationException")

    def test_key_value_is_a_number(self):
        self.assertRawError(self.get(Key={"pk": {"N": 1}}), "SerializationException")


class Validation(ServerTestCase):
    TABLES = TABLES

    def test_missing_table(self):
        with self.assertNotFound():
            self.client.get_item(TableName=random_name(), Key={"pk": {"S": "a"}})

    def test_missing_key(self):
        with self.assertValidation(
                "1 validation error detected: Value null at 'key' failed to satisfy constraint: "
                "Member must not be null"):
            self.raw_client.get_item(TableName=self.hash_table)

    # Any key that is not exactly the table's key attributes, of their types, is refused
    # with the same message.
    def test_key_does_not_match_the_schema(self):
        cases = [
            (self.hash_table, {"other": {"S": "a"}}),
            (self.hash_table, {"pk": {"N": "1"}}),
            (self.hash_table, {"pk": {"S": "a"}, "extra": {"S": "b"}}),
            (self.hash_table, {}),
            (self.range_table, {"pk": {"S": "a"}}),
            (self.range_table, {"sk": {"N": "1"}}),
            (self.range_table, {"pk": {"S": "a"}, "sk": {"S": "1"}}),
        ]
        for table, key in cases:
            with self.subTest(key=key), self.assertValidation(
                    "The provided key element does not match the schema"):
                self.client.get_item(TableName=table, Key=key)

    def test_empty_string_key(self):
        with self.assertValidation(
                contains="The AttributeValue for a key attribute cannot contain an empty string "
                         "value. Key: pk"):
            self.client.get_item(TableName=self.hash_table, Key={"pk": {"S": ""}})

    def test_projection_and_attributes_to_get_together(self):
        with self.assertValidation(
                "Can not use both expression and non-expression parameters in the same request: "
                "Non-expression parameters: {AttributesToGet} Expression parameters: "
                "{ProjectionExpression}"):
            self.client.get_item(TableName=self.hash_table, Key={"pk": {"S": "a"}},
                                 AttributesToGet=["a"], ProjectionExpression="a")

    def test_undefined_expression_attribute_name(self):
        with self.assertValidation(
                "Invalid ProjectionExpression: An expression attribute name used in the document "
                "path is not defined; attribute name: #x"):
            self.client.get_item(TableName=self.hash_table, Key={"pk": {"S": "a"}},
                                 ProjectionExpression="#x")

    # An empty AttributesToGet would select nothing: the service model requires one name.
    def test_empty_attributes_to_get(self):
        with self.assertValidation(
                "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy "
                "constraint: Member must have length greater than or equal to 1"):
            self.raw_client.get_item(TableName=self.hash_table, Key={"pk": {"S": "a"}},
                                     AttributesToGet=[])

    # Attribute names are at most 65,535 bytes, in AttributesToGet too (Alternator's
    # test_limit_attribute_length_nonkey_bad, run against AWS, matches only "65535|65536").
    def test_attributes_to_get_name_over_65535_bytes(self):
        with self.assertValidation(regex="6553[56]"):
            self.raw_client.get_item(TableName=self.hash_table, Key={"pk": {"S": "a"}},
                                     AttributesToGet=["x" * 65536])

    # Only the expression's own text counts against its 4 KB limit: a 65,535-byte name given
    # through #n projects (Alternator's test_limit_attribute_length_nonkey_good against AWS).
    def test_projection_of_a_65535_byte_name_through_a_placeholder(self):
        long_name = "x" * 65535
        self.client.put_item(TableName=self.hash_table,
                             Item={"pk": {"S": "long"}, long_name: {"N": "1"}, "o": {"N": "2"}})
        got = self.client.get_item(TableName=self.hash_table, Key={"pk": {"S": "long"}},
                                   ProjectionExpression="#n, o",
                                   ExpressionAttributeNames={"#n": long_name})["Item"]
        self.assertEqual(got, {long_name: {"N": "1"}, "o": {"N": "2"}})

    # Document paths go 32 levels deep, counting the top-level attribute (Alternator's
    # test_projection_expression_path_nesting_levels records AWS's message).
    def test_projection_path_of_33_levels(self):
        with self.assertValidation(
                "Invalid ProjectionExpression: The document path has too many nesting levels; "
                "nesting levels: 33"):
            self.client.get_item(TableName=self.hash_table, Key={"pk": {"S": "a"}},
                                 ProjectionExpression="a" + ".b" * 32)
        self.client.get_item(TableName=self.hash_table, Key={"pk": {"S": "a"}},
                             ProjectionExpression="a" + ".b" * 31)

    # List indexes go up to 2^31 - 1; a larger one has a message of its own.
    def test_list_index_out_of_range(self):
        with self.assertValidation(
                "Invalid ProjectionExpression: List index is not within the allowable range; "
                "index: [2147483648]"):
            self.client.get_item(TableName=self.hash_table, Key={"pk": {"S": "a"}},
                                 ProjectionExpression="l[2147483648]")
        self.client.get_item(TableName=self.hash_table, Key={"pk": {"S": "a"}},
                             ProjectionExpression="l[2147483647]")

    # DynamoDB checks TableName's presence before anything else, with a message of its own.
    def test_missing_table_name(self):
        with self.assertValidation(
                "The parameter 'TableName' is required but was not present in the request"):
            self.raw_client.get_item(Key={"pk": {"S": "a"}}, ReturnConsumedCapacity="hi")


class Functionality(ServerTestCase):
    TABLES = TABLES

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.item = {"pk": {"S": "a"}, "sk": {"N": "1"}, "x": {"S": "xv"}, "y": {"N": "2"},
                    "m": {"M": {"in": {"S": "inner"}, "other": {"N": "3"}}},
                    "l": {"L": [{"S": "l0"}, {"S": "l1"}, {"S": "l2"}]}}
        cls.client.put_item(TableName=cls.range_table, Item=cls.item)

    KEY = {"pk": {"S": "a"}, "sk": {"N": "1"}}

    # A missing item is not an error: the response simply has no Item.
    def test_missing_item(self):
        resp = self.client.get_item(TableName=self.range_table,
                                    Key={"pk": {"S": "a"}, "sk": {"N": "2"}})
        self.assertNotIn("Item", resp)

    def test_consistent_and_eventually_consistent_reads(self):
        for consistent in (True, False):
            with self.subTest(consistent=consistent):
                resp = self.client.get_item(TableName=self.range_table, Key=self.KEY,
                                            ConsistentRead=consistent)
                self.assertEqual(resp["Item"], self.item)

    def test_read_your_write(self):
        key = {"pk": {"S": random_name()}}
        for i in range(20):
            self.client.put_item(TableName=self.hash_table, Item={**key, "v": {"N": str(i)}})
            self.assertEqual(self.client.get_item(TableName=self.hash_table, Key=key,
                                                  ConsistentRead=True)["Item"]["v"],
                             {"N": str(i)})

    def test_projection_expression(self):
        resp = self.client.get_item(TableName=self.range_table, Key=self.KEY,
                                    ProjectionExpression="x, m.#i, l[1], nothing",
                                    ExpressionAttributeNames={"#i": "in"})
        self.assertEqual(resp["Item"], {"x": {"S": "xv"}, "m": {"M": {"in": {"S": "inner"}}},
                                        "l": {"L": [{"S": "l1"}]}})

    def test_attributes_to_get(self):
        resp = self.client.get_item(TableName=self.range_table, Key=self.KEY,
                                    AttributesToGet=["y", "pk", "absent"])
        self.assertEqual(resp["Item"], {"pk": {"S": "a"}, "y": {"N": "2"}})

    # A projection that matches nothing yields an empty Item (the item exists).
    def test_projection_of_absent_attribute(self):
        resp = self.client.get_item(TableName=self.range_table, Key=self.KEY,
                                    ProjectionExpression="absent")
        self.assertEqual(resp.get("Item"), {})

    def test_resource_get(self):
        got = self.resource.Table(self.range_table).get_item(Key={"pk": "a", "sk": 1})["Item"]
        self.assertEqual(got["x"], "xv")
        self.assertEqual(got["m"], {"in": "inner", "other": 3})

    def test_cli_get_item(self):
        out = self.aws("get-item", "--table-name", self.range_table, "--key",
                       '{"pk": {"S": "a"}, "sk": {"N": "1"}}', "--consistent-read")
        self.assertEqual(out["Item"], {k: v for k, v in self.item.items()})

    # ConsumedCapacity is charged by the item's DynamoDB size (attribute names plus values),
    # 1 unit per 4 KB, halved for an eventually consistent read: an item of exactly 4,096 bytes
    # costs 1 unit, one byte more costs 2, whatever its JSON length (ScyllaDB's test_long_get,
    # run against AWS). A missing item costs the minimum.
    def test_consumed_capacity_by_item_size(self):
        key = {"pk": {"S": random_name()[:8]}}
        base = 2 + len(key["pk"]["S"]) + 1  # "pk" + its value + the name "b"
        for size, units in ((4096, 1), (4097, 2)):
            self.client.put_item(TableName=self.hash_table,
                                 Item={**key, "b": {"S": "x" * (size - base)}})
            for consistent, expected in ((True, units), (False, units / 2)):
                with self.subTest(size=size, consistent=consistent):
                    resp = self.client.get_item(TableName=self.hash_table, Key=key,
                                                ConsistentRead=consistent,
                                                ReturnConsumedCapacity="TOTAL")
                    self.assertEqual(resp["ConsumedCapacity"],
                                     {"TableName": self.hash_table, "CapacityUnits": expected})
        resp = self.client.get_item(TableName=self.hash_table, Key={"pk": {"S": random_name()}},
                                    ReturnConsumedCapacity="TOTAL")
        self.assertEqual(resp["ConsumedCapacity"]["CapacityUnits"], 0.5)

    # ReturnConsumedCapacity=INDEXES adds the table's share as "Table" (dynalite's getItem
    # tests, run against AWS); NONE leaves ConsumedCapacity out.
    def test_consumed_capacity_indexes(self):
        key = {"pk": {"S": random_name()}}
        resp = self.client.get_item(TableName=self.hash_table, Key=key, ConsistentRead=True,
                                    ReturnConsumedCapacity="INDEXES")
        self.assertEqual(resp["ConsumedCapacity"], {"TableName": self.hash_table,
                                                    "CapacityUnits": 1.0,
                                                    "Table": {"CapacityUnits": 1.0}})
        resp = self.client.get_item(TableName=self.hash_table, Key=key,
                                    ReturnConsumedCapacity="NONE")
        self.assertNotIn("ConsumedCapacity", resp)
