"""PutItem: key rules, ReturnValues, conditions, whole-item replacement."""

from decimal import Decimal

from harness import ServerTestCase, random_name

TABLES = {"hash_table": (("pk", "S"), None),
          "range_table": (("pk", "S"), ("sk", "N")),
          "bin_table": (("pk", "S"), ("sk", "B")),
          "num_table": (("pk", "N"), None)}


class Serialization(ServerTestCase):
    # Wrong JSON types anywhere in the request, including inside an AttributeValue, are
    # SerializationException.

    def put(self, item, **kw):
        return self.raw_op("PutItem", {"TableName": "abc", "Item": item, **kw})

    def test_item_is_a_string(self):
        self.assertRawError(self.put("item"), "SerializationException")

    def test_item_is_a_list(self):
        self.assertRawError(self.put([{"pk": {"S": "a"}}]), "SerializationException")

    def test_string_value_is_a_number(self):
        self.assertRawError(self.put({"pk": {"S": 5}}), "SerializationException")

    # Numbers travel as JSON strings; a JSON number is refused.
    def test_number_value_is_a_json_number(self):
        self.assertRawError(self.put({"pk": {"S": "a"}, "n": {"N": 5}}), "SerializationException")

    # (DynamoDB's deserializer reads the strings "true" and "false" as booleans; other strings
    # are refused.)
    def test_bool_value_is_a_string(self):
        self.assertRawError(self.put({"pk": {"S": "a"}, "b": {"BOOL": "yes"}}),
                            "SerializationException")

    def test_null_value_is_a_string(self):
        self.assertRawError(self.put({"pk": {"S": "a"}, "b": {"NULL": "yes"}}),
                            "SerializationException")

    def test_binary_value_is_a_number(self):
        self.assertRawError(self.put({"pk": {"S": "a"}, "b": {"B": 12}}),
                            "SerializationException")

    def test_string_set_is_a_string(self):
        self.assertRawError(self.put({"pk": {"S": "a"}, "s": {"SS": "x"}}),
                            "SerializationException")

    def test_string_set_member_is_a_number(self):
        self.assertRawError(self.put({"pk": {"S": "a"}, "s": {"SS": ["x", 1]}}),
                            "SerializationException")

    def test_list_is_an_object(self):
        self.assertRawError(self.put({"pk": {"S": "a"}, "l": {"L": {"a": {"S": "x"}}}}),
                            "SerializationException")

    def test_map_is_a_list(self):
        self.assertRawError(self.put({"pk": {"S": "a"}, "m": {"M": [{"S": "x"}]}}),
                            "SerializationException")

    def test_attribute_value_is_a_string(self):
        self.assertRawError(self.put({"pk": {"S": "a"}, "x": "plain"}), "SerializationException")

    def test_return_values_is_a_number(self):
        self.assertRawError(self.put({"pk": {"S": "a"}}, ReturnValues=1),
                            "SerializationException")


class Validation(ServerTestCase):
    TABLES = TABLES

    def test_missing_table(self):
        with self.assertNotFound():
            self.client.put_item(TableName=random_name(), Item={"pk": {"S": "a"}})

    # DynamoDB checks TableName's presence first, with a message of its own.
    def test_missing_table_name(self):
        with self.assertValidation(
                "The parameter 'TableName' is required but was not present in the request"):
            self.raw_client.put_item(Item={"pk": {"S": "a"}})

    def test_missing_item(self):
        with self.assertValidation(
                "1 validation error detected: Value null at 'item' failed to satisfy "
                "constraint: Member must not be null"):
            self.raw_client.put_item(TableName=self.hash_table)

    def test_missing_hash_key(self):
        with self.assertValidation(
                "One or more parameter values were invalid: Missing the key pk in the item"):
            self.client.put_item(TableName=self.hash_table, Item={"other": {"S": "a"}})

    def test_missing_range_key(self):
        with self.assertValidation(
                "One or more parameter values were invalid: Missing the key sk in the item"):
            self.client.put_item(TableName=self.range_table, Item={"pk": {"S": "a"}})

    def test_hash_key_of_wrong_type(self):
        with self.assertValidation(
                "One or more parameter values were invalid: Type mismatch for key pk expected: S "
                "actual: N"):
            self.client.put_item(TableName=self.hash_table, Item={"pk": {"N": "1"}})

    def test_range_key_of_wrong_type(self):
        with self.assertValidation(
                "One or more parameter values were invalid: Type mismatch for key sk expected: N "
                "actual: S"):
            self.client.put_item(TableName=self.range_table,
                                 Item={"pk": {"S": "a"}, "sk": {"S": "1"}})

    # A set is never a valid key, even of the right element type.
    def test_key_of_set_type(self):
        with self.assertValidation(
                "One or more parameter values were invalid: Type mismatch for key pk expected: S "
                "actual: SS"):
            self.client.put_item(TableName=self.hash_table, Item={"pk": {"SS": ["a"]}})

    # Empty strings and binaries are fine in attributes, never in keys.
    def test_empty_string_key(self):
        with self.assertValidation(
                "One or more parameter values are not valid. The AttributeValue for a key "
                "attribute cannot contain an empty string value. Key: pk"):
            self.client.put_item(TableName=self.hash_table, Item={"pk": {"S": ""}})

    def test_empty_binary_key(self):
        with self.assertValidation(
                "One or more parameter values are not valid. The AttributeValue for a key "
                "attribute cannot contain an empty binary value. Key: sk"):
            self.client.put_item(TableName=self.bin_table,
                                 Item={"pk": {"S": "a"}, "sk": {"B": b""}})

    # Partition keys hold at most 2048 bytes, sort keys 1024.
    def test_hash_key_too_long(self):
        with self.assertValidation(
                "One or more parameter values were invalid: Size of hashkey has exceeded the "
                "maximum size limit of2048 bytes"):
            self.client.put_item(TableName=self.hash_table, Item={"pk": {"S": "a" * 2049}})

    def test_range_key_too_long(self):
        with self.assertValidation(
                "One or more parameter values were invalid: Aggregated size of all range keys "
                "has exceeded the size limit of 1024 bytes"):
            self.client.put_item(TableName=self.bin_table,
                                 Item={"pk": {"S": "a"}, "sk": {"B": b"x" * 1025}})

    def test_key_size_limits_are_inclusive(self):
        self.client.put_item(TableName=self.hash_table, Item={"pk": {"S": "h" * 2048}})
        self.client.put_item(TableName=self.bin_table,
                             Item={"pk": {"S": "a"}, "sk": {"B": b"r" * 1024}})
        # Multi-byte characters count in UTF-8 bytes: 683 * 3 = 2049.
        with self.assertValidation(contains="Size of hashkey has exceeded"):
            self.client.put_item(TableName=self.hash_table, Item={"pk": {"S": "\u20ac" * 683}})

    # PutItem can only return the item it replaced.
    def test_return_values_all_new(self):
        for rv in ("ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"):
            with self.subTest(rv=rv), self.assertValidation(
                    "ReturnValues can only be ALL_OLD or NONE"):
                self.client.put_item(TableName=self.hash_table, Item={"pk": {"S": "a"}},
                                     ReturnValues=rv)

    def test_return_values_not_in_enum(self):
        with self.assertValidation(
                "1 validation error detected: Value 'hi' at 'returnValues' failed to satisfy "
                "constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, "
                "NONE, UPDATED_NEW]"):
            self.client.put_item(TableName=self.hash_table, Item={"pk": {"S": "a"}},
                                 ReturnValues="hi")

    def test_condition_fails_on_existing_item(self):
        self.client.put_item(TableName=self.hash_table, Item={"pk": {"S": "cond"}})
        with self.assertConditionalFailed():
            self.client.put_item(TableName=self.hash_table,
                                 Item={"pk": {"S": "cond"}, "v": {"N": "2"}},
                                 ConditionExpression="attribute_not_exists(pk)")
        # The refused write left the item as it was.
        self.assertEqual(self.client.get_item(TableName=self.hash_table,
                                              Key={"pk": {"S": "cond"}})["Item"],
                         {"pk": {"S": "cond"}})

    def test_unused_expression_attribute_value(self):
        with self.assertValidation(
                "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}"):
            self.client.put_item(TableName=self.hash_table, Item={"pk": {"S": "a"}},
                                 ConditionExpression="attribute_not_exists(pk)",
                                 ExpressionAttributeValues={":x": {"S": "1"}})

    def test_unused_expression_attribute_name(self):
        with self.assertValidation(
                "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}"):
            self.client.put_item(TableName=self.hash_table, Item={"pk": {"S": "a"}},
                                 ConditionExpression="attribute_not_exists(pk)",
                                 ExpressionAttributeNames={"#n": "x"})

    def test_expression_values_without_expression(self):
        with self.assertValidation(
                contains="ExpressionAttributeValues can only be specified when using "
                         "expressions"):
            self.client.put_item(TableName=self.hash_table, Item={"pk": {"S": "a"}},
                                 ExpressionAttributeValues={":x": {"S": "1"}})

    # Every attribute needs a name: DynamoDB refuses "" (its exact wording is not recorded, so
    # only the type and the word "empty" are checked) and nothing is stored.
    def test_empty_attribute_name(self):
        with self.assertValidation(contains="empty"):
            self.raw_client.put_item(TableName=self.hash_table,
                                     Item={"pk": {"S": "empty-name"}, "": {"S": "x"}})
        self.assertNotIn("Item", self.client.get_item(TableName=self.hash_table,
                                                      Key={"pk": {"S": "empty-name"}}))

    # Invalid enum members are reported together, in this order, in one message.
    def test_invalid_enums_reported_together(self):
        with self.assertValidation(
                "3 validation errors detected: Value 'hi' at 'returnConsumedCapacity' failed to "
                "satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; "
                "Value 'hi' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member "
                "must satisfy enum value set: [SIZE, NONE]; Value 'hi' at 'returnValues' failed "
                "to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, "
                "UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"):
            self.raw_client.put_item(TableName=self.hash_table, Item={"pk": {"S": "a"}},
                                     ReturnConsumedCapacity="hi",
                                     ReturnItemCollectionMetrics="hi", ReturnValues="hi")

    # Document paths go 32 levels deep (the top-level attribute is level 1), in conditions too
    # (Alternator's test_projection_expression_path_nesting_levels records AWS's message).
    def test_condition_path_of_33_levels(self):
        with self.assertValidation(
                "Invalid ConditionExpression: The document path has too many nesting levels; "
                "nesting levels: 33"):
            self.client.put_item(TableName=self.hash_table, Item={"pk": {"S": "a"}},
                                 ConditionExpression="attribute_exists(a" + ".b" * 32 + ")")
        self.client.put_item(TableName=self.hash_table, Item={"pk": {"S": "a"}},
                             ConditionExpression="attribute_not_exists(a" + ".b" * 31 + ")")


class Functionality(ServerTestCase):
    TABLES = TABLES

    def get(self, table, key):
        return self.client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")

    def test_put_then_get(self):
        item = {"pk": {"S": "p1"}, "sk": {"N": "5"}, "s": {"S": "hello"}, "n": {"N": "-1.5"}}
        resp = self.client.put_item(TableName=self.range_table, Item=item)
        self.assertNotIn("Attributes", resp)
        self.assertEqual(self.get(self.range_table, {"pk": {"S": "p1"}, "sk": {"N": "5"}}), item)

    # PutItem replaces the whole item: attributes not in the new one are gone.
    def test_put_replaces_the_whole_item(self):
        self.client.put_item(TableName=self.hash_table,
                             Item={"pk": {"S": "r"}, "a": {"S": "1"}, "b": {"S": "2"}})
        self.client.put_item(TableName=self.hash_table, Item={"pk": {"S": "r"}, "c": {"S": "3"}})
        self.assertEqual(self.get(self.hash_table, {"pk": {"S": "r"}}),
                         {"pk": {"S": "r"}, "c": {"S": "3"}})

    def test_return_values_all_old(self):
        first = {"pk": {"S": "old"}, "v": {"N": "1"}}
        resp = self.client.put_item(TableName=self.hash_table, Item=first, ReturnValues="ALL_OLD")
        self.assertNotIn("Attributes", resp)
        resp = self.client.put_item(TableName=self.hash_table,
                                    Item={"pk": {"S": "old"}, "v": {"N": "2"}},
                                    ReturnValues="ALL_OLD")
        self.assertEqual(resp["Attributes"], first)
        resp = self.client.put_item(TableName=self.hash_table, Item=first, ReturnValues="NONE")
        self.assertNotIn("Attributes", resp)

    def test_condition_that_holds(self):
        key = {"pk": {"S": random_name()}}
        self.client.put_item(TableName=self.hash_table, Item={**key, "v": {"N": "1"}},
                             ConditionExpression="attribute_not_exists(pk)")
        self.client.put_item(TableName=self.hash_table, Item={**key, "v": {"N": "2"}},
                             ConditionExpression="v = :one",
                             ExpressionAttributeValues={":one": {"N": "1"}})
        self.assertEqual(self.get(self.hash_table, key)["v"], {"N": "2"})

    # Non-key attributes may be empty strings or binaries (allowed since 2020).
    def test_empty_string_and_binary_attributes(self):
        item = {"pk": {"S": "empty"}, "s": {"S": ""}, "b": {"B": b""},
                "m": {"M": {"x": {"S": ""}}}, "l": {"L": [{"S": ""}]}}
        self.client.put_item(TableName=self.hash_table, Item=item)
        self.assertEqual(self.get(self.hash_table, {"pk": {"S": "empty"}}), item)

    # Number keys are numbers: 1, 1.0, 01 and 10E-1 are the same key, returned normalised.
    def test_number_keys_are_normalised(self):
        self.client.put_item(TableName=self.num_table, Item={"pk": {"N": "1.0"}, "v": {"S": "a"}})
        for spelling in ("1", "01", "1.00", "10E-1", "0.1e1"):
            with self.subTest(spelling=spelling):
                item = self.get(self.num_table, {"pk": {"N": spelling}})
                self.assertEqual(item, {"pk": {"N": "1"}, "v": {"S": "a"}})
        self.client.put_item(TableName=self.num_table, Item={"pk": {"N": "1"}, "v": {"S": "b"}})
        self.assertEqual(self.client.scan(TableName=self.num_table,
                                          FilterExpression="pk = :one",
                                          ExpressionAttributeValues={":one": {"N": "1"}}
                                          )["Count"], 1)

    def test_binary_keys_with_any_bytes(self):
        keys = [b"\x00", b"\x00\x00", b"\xff", b"\x7f\x80", bytes(range(256))[:200]]
        for k in keys:
            self.client.put_item(TableName=self.bin_table,
                                 Item={"pk": {"S": "bin"}, "sk": {"B": k}, "v": {"B": k}})
        for k in keys:
            with self.subTest(key=k[:4]):
                self.assertEqual(self.get(self.bin_table, {"pk": {"S": "bin"}, "sk": {"B": k}}
                                          )["v"], {"B": k})

    def test_unicode_keys_and_values(self):
        for s in ("\u00e9t\u00e9", "\u65e5\u672c", "\U0001f600", "a\u0000b", "tab\tnew\nline"):
            with self.subTest(s=s):
                item = {"pk": {"S": s}, "v": {"S": s * 3}}
                self.client.put_item(TableName=self.hash_table, Item=item)
                self.assertEqual(self.get(self.hash_table, {"pk": {"S": s}}), item)

    def test_resource_api_round_trip(self):
        table = self.resource.Table(self.range_table)
        item = {"pk": "res", "sk": Decimal("3"), "str": "x", "num": Decimal("12.5"),
                "big": Decimal("123456789012345678901234567890123456.78"),
                "bool": True, "none": None, "list": ["a", Decimal(1), [True]],
                "map": {"k": {"deep": "v"}}, "ss": {"a", "b"}, "ns": {Decimal(1), Decimal(2)},
                "bin": b"\x01\x02"}
        table.put_item(Item=item)
        got = table.get_item(Key={"pk": "res", "sk": 3}, ConsistentRead=True)["Item"]
        got["bin"] = got["bin"].value
        self.assertEqual(got, item)

    def test_many_attributes(self):
        item = {"pk": {"S": "wide"}}
        item.update({f"attr{i:04d}": {"N": str(i)} for i in range(1000)})
        self.client.put_item(TableName=self.hash_table, Item=item)
        self.assertEqual(self.get(self.hash_table, {"pk": {"S": "wide"}}), item)

    def test_cli_put_item(self):
        self.aws("put-item", "--table-name", self.hash_table,
                 "--item", '{"pk": {"S": "cli"}, "n": {"N": "42"}}')
        self.assertEqual(self.get(self.hash_table, {"pk": {"S": "cli"}}),
                         {"pk": {"S": "cli"}, "n": {"N": "42"}})

    # A write is charged 1 unit per KB of the larger of the item it replaces and the item it
    # writes (DynamoDB sizes: names plus values): a put that shrinks a 2 KB item still costs 3
    # units (ScyllaDB's test_short_after_long_put, run against AWS). INDEXES adds the table's
    # share as "Table" (dynalite's putItem tests, run against AWS).
    def test_consumed_capacity_of_a_shrinking_put(self):
        key = {"pk": {"S": random_name()[:8]}}
        base = 2 + 8 + 1  # "pk" + an 8-character value + the name "b"
        big = {**key, "b": {"S": "x" * (2049 - base)}}  # 2,049 bytes: 3 units
        resp = self.client.put_item(TableName=self.hash_table, Item=big,
                                    ReturnConsumedCapacity="TOTAL")
        self.assertEqual(resp["ConsumedCapacity"],
                         {"TableName": self.hash_table, "CapacityUnits": 3.0})
        resp = self.client.put_item(TableName=self.hash_table, Item={**key, "b": {"S": "x"}},
                                    ReturnConsumedCapacity="INDEXES")
        self.assertEqual(resp["ConsumedCapacity"],
                         {"TableName": self.hash_table, "CapacityUnits": 3.0,
                          "Table": {"CapacityUnits": 3.0}})
        # Now the item is small: 1 unit; an item of exactly 1,024 bytes is 1 unit too.
        resp = self.client.put_item(TableName=self.hash_table,
                                    Item={**key, "b": {"S": "x" * (1024 - base)}},
                                    ReturnConsumedCapacity="TOTAL")
        self.assertEqual(resp["ConsumedCapacity"]["CapacityUnits"], 1.0)
