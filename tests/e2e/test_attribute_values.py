"""Attribute values: every type, DynamoDB numbers, sets, nesting depth and the 400 KB item size.

AWS has started to wrap some of these messages in "1 validation error detected: ..." in some
regions, so the AttributeValue messages are checked as substrings.
"""

from decimal import Decimal

from harness import ServerTestCase, random_name, MAX_ITEM_BYTES

TABLES = {"table": (("pk", "S"), None), "num_table": (("pk", "N"), None)}


def nested(levels, kind="M", leaf=None):
    """`levels` map (or list) wrappers around a string leaf: levels=1 is {"M": {"n": leaf}}."""
    value = leaf or {"S": "leaf"}
    for _ in range(levels):
        value = {"M": {"n": value}} if kind == "M" else {"L": [value]}
    return value


class Serialization(ServerTestCase):
    TABLES = TABLES

    def put_raw(self, value):
        return self.raw_op("PutItem", {"TableName": self.table,
                                       "Item": {"pk": {"S": "raw"}, "a": value}})

    def test_binary_that_is_not_base64(self):
        self.assertRawError(self.put_raw({"B": "!!!!"}), "SerializationException")

    def test_binary_set_member_that_is_not_base64(self):
        self.assertRawError(self.put_raw({"BS": ["AAAA", "@@"]}), "SerializationException")

    def test_number_set_member_is_a_json_number(self):
        self.assertRawError(self.put_raw({"NS": [1, 2]}), "SerializationException")

    def test_bool_is_a_number(self):
        self.assertRawError(self.put_raw({"BOOL": 1}), "SerializationException")

    def test_nested_value_has_a_wrong_type(self):
        self.assertRawError(self.put_raw({"M": {"x": {"L": [{"S": 1}]}}}),
                            "SerializationException")


class Validation(ServerTestCase):
    TABLES = TABLES

    def put(self, value, name="a"):
        return self.raw_client.put_item(TableName=self.table,
                                        Item={"pk": {"S": random_name()}, name: value})

    def test_empty_attribute_value(self):
        with self.assertValidation(
                contains="Supplied AttributeValue is empty, must contain exactly one of the "
                         "supported datatypes"):
            self.put({})

    def test_two_types_in_one_value(self):
        with self.assertValidation(
                contains="Supplied AttributeValue has more than one datatypes set, must contain "
                         "exactly one of the supported datatypes"):
            self.put({"S": "a", "N": "1"})

    def test_invalid_value_inside_a_map(self):
        with self.assertValidation(contains="Supplied AttributeValue is empty"):
            self.put({"M": {"inner": {}}})

    def test_null_false(self):
        with self.assertValidation(
                contains="One or more parameter values were invalid: Null attribute value types "
                         "must have the value of true"):
            self.put({"NULL": False})

    # Sets are never empty...
    def test_empty_sets(self):
        for value, msg in [({"SS": []}, "An string set  may not be empty"),
                           ({"NS": []}, "An number set  may not be empty"),
                           ({"BS": []}, "Binary sets should not be empty")]:
            with self.subTest(value=value), self.assertValidation(
                    contains="One or more parameter values were invalid: " + msg):
                self.put(value)

    # ...and hold no duplicates (numbers compare as numbers).
    def test_duplicates_in_sets(self):
        with self.assertValidation(
                contains="One or more parameter values were invalid: Input collection [a, a] "
                         "contains duplicates."):
            self.put({"SS": ["a", "a"]})
        with self.assertValidation(
                contains="One or more parameter values were invalid: Input collection "
                         "[Yg==, Yg==]of type BS contains duplicates."):
            self.put({"BS": [b"b", b"b"]})
        for ns in (["1", "1"], ["1", "1.0"], ["5", "5E0", "3"]):
            with self.subTest(ns=ns), self.assertValidation(contains="contains duplicates"):
                self.put({"NS": ns})

    def test_invalid_numbers(self):
        for n in ["NaN", "Infinity", "-Infinity", "dog", " 1", "1 ", "1..2", "0x10", "1e", "--1",
                  ""]:
            with self.subTest(n=n), self.assertValidation(
                    contains="The parameter cannot be converted to a numeric value"):
                self.put({"N": n})

    def test_invalid_number_in_a_set(self):
        with self.assertValidation(
                contains="The parameter cannot be converted to a numeric value: b"):
            self.put({"NS": ["1", "b"]})

    def test_too_many_significant_digits(self):
        for n in ["123456789012345678901234567890123456789",
                  "-1.23456789012345678901234567890123456789",
                  "3.14159265358979323846264338327950288419"]:
            with self.subTest(n=n), self.assertValidation(
                    contains="Attempting to store more than 38 significant digits in a Number"):
                self.put({"N": n})

    def test_number_overflow(self):
        for n in ["1e126", "-1e126", "11e125", "1E+200"]:
            with self.subTest(n=n), self.assertValidation(
                    contains="Number overflow. Attempting to store a number with magnitude larger "
                             "than supported range"):
                self.put({"N": n})

    def test_number_underflow(self):
        for n in ["1e-131", "-1e-131", "0.9e-130"]:
            with self.subTest(n=n), self.assertValidation(
                    contains="Number underflow. Attempting to store a number with magnitude "
                             "smaller than supported range"):
                self.put({"N": n})

    # The same rules hold for number keys.
    def test_number_key_limits(self):
        with self.assertValidation(contains="Number overflow"):
            self.client.put_item(TableName=self.num_table, Item={"pk": {"N": "1e126"}})
        with self.assertValidation(contains="38 significant digits"):
            self.client.put_item(TableName=self.num_table,
                                 Item={"pk": {"N": "1234567890123456789012345678901234567891"}})
        with self.assertValidation(contains="The parameter cannot be converted to a numeric "
                                            "value"):
            self.raw_client.put_item(TableName=self.num_table, Item={"pk": {"N": "one"}})

    # Documents nest at most 32 levels: the top-level attribute is level 1.
    def test_nesting_beyond_32_levels(self):
        for kind in ("M", "L"):
            with self.subTest(kind=kind), self.assertValidation(
                    contains="Nesting Levels have exceeded supported limits"):
                self.put(nested(32, kind))

    # 400 KB, counted as UTF-8 bytes of every attribute name plus its value.
    def test_item_one_byte_too_large(self):
        # "pk" + 10-byte key + "a" + value = 13 + len(value)
        key = "k" * 10
        with self.assertValidation(contains="Item size has exceeded the maximum allowed size"):
            self.client.put_item(TableName=self.table, Item={
                "pk": {"S": key}, "a": {"S": "x" * (MAX_ITEM_BYTES - 13 + 1)}})

    def test_attribute_names_count_toward_the_size(self):
        name = "n" * 10000
        with self.assertValidation(contains="Item size has exceeded the maximum allowed size"):
            self.client.put_item(TableName=self.table, Item={
                "pk": {"S": "k"}, name: {"S": "x" * (MAX_ITEM_BYTES - 3 - 5000)}})

    def test_binary_one_byte_too_large(self):
        with self.assertValidation(contains="Item size has exceeded the maximum allowed size"):
            self.client.put_item(TableName=self.table, Item={
                "pk": {"S": "k"}, "b": {"B": b"\0" * (MAX_ITEM_BYTES - 4 + 1)}})

    def test_update_that_grows_the_item_too_large(self):
        key = {"pk": {"S": "grow"}}
        self.client.put_item(TableName=self.table, Item={**key, "a": {"S": "x" * 300000}})
        with self.assertValidation(
                contains="Item size to update has exceeded the maximum allowed size"):
            self.client.update_item(TableName=self.table, Key=key, UpdateExpression="SET b = :b",
                                    ExpressionAttributeValues={":b": {"S": "y" * 200000}})

    def test_batch_write_of_an_item_too_large(self):
        with self.assertValidation(contains="Item size has exceeded the maximum allowed size"):
            self.client.batch_write_item(RequestItems={self.table: [{"PutRequest": {"Item": {
                "pk": {"S": "k"}, "a": {"S": "x" * (MAX_ITEM_BYTES + 1)}}}}]})

    # Attribute names are at most 65535 bytes (Scylla's tests pin this against AWS).
    def test_attribute_name_too_long(self):
        with self.assertValidation(regex="6553[56]"):
            self.put({"S": "v"}, name="a" * 65536)


class Functionality(ServerTestCase):
    TABLES = TABLES

    def round_trip(self, value, key=None):
        key = key or {"pk": {"S": random_name()}}
        self.client.put_item(TableName=self.table, Item={**key, "a": value})
        return self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True)["Item"]["a"]

    def test_every_type_round_trips(self):
        values = [{"S": "text"}, {"N": "12.5"}, {"B": b"\x00\xffbytes"}, {"BOOL": True},
                  {"BOOL": False}, {"NULL": True}, {"L": [{"S": "a"}, {"N": "1"}, {"NULL": True}]},
                  {"M": {"k": {"S": "v"}, "n": {"M": {"deep": {"BOOL": False}}}}},
                  {"L": []}, {"M": {}}]
        for v in values:
            with self.subTest(v=v):
                self.assertEqual(self.round_trip(v), v)

    # Set order is not part of the value.
    def test_sets_round_trip(self):
        for kind, members in [("SS", ["b", "a", "c"]), ("NS", ["3", "-1", "2.5"]),
                              ("BS", [b"\x02", b"\x01", b"\xff"])]:
            with self.subTest(kind=kind):
                got = self.round_trip({kind: members})
                self.assertEqual(list(got), [kind])
                norm = (lambda x: Decimal(x)) if kind == "NS" else (lambda x: x)
                self.assertEqual(sorted(map(norm, got[kind])), sorted(map(norm, members)))

    def test_sets_inside_documents(self):
        v = {"M": {"tags": {"SS": ["x"]}, "list": {"L": [{"NS": ["1"]}, {"BS": [b"z"]}]}}}
        self.assertEqual(self.round_trip(v), v)

    # Numbers are decimals with 38 significant digits, never doubles.
    def test_numbers_keep_their_precision(self):
        for n in ["3.1415926535897932384626433832795028841",
                  "314159265358979323846.26433832795028841",
                  "12345678901234567890123456789012345678",
                  "-0.00000000000000000000000000000000000001",
                  "9007199254740993", "0.1", "123456789.123456789"]:
            with self.subTest(n=n):
                self.assertEqual(Decimal(self.round_trip({"N": n})["N"]), Decimal(n))

    def test_number_magnitude_limits_are_inclusive(self):
        for n in ["1e125", "9.99999999e125", "-9.9999999999999999999999999999999999999e125",
                  "1e-130", "-1e-130", "1e10", "1e-100"]:
            with self.subTest(n=n):
                self.assertEqual(Decimal(self.round_trip({"N": n})["N"]), Decimal(n))

    # Leading and trailing zeros are not significant digits.
    def test_zeros_are_not_significant(self):
        for n in ["100000000000000000000000000000000000000000",
                  "0.000000000000000000000000000000000000000001",
                  "1.0000000000000000000000000000000000000000"]:
            with self.subTest(n=n):
                self.assertEqual(Decimal(self.round_trip({"N": n})["N"]), Decimal(n))

    # Numbers come back in a canonical form.
    def test_numbers_are_normalised(self):
        for given, back in [("1.50", "1.5"), ("0001.23", "1.23"), ("+3", "3"), ("007", "7"),
                            ("2.000", "2")]:
            with self.subTest(given=given):
                self.assertEqual(self.round_trip({"N": given})["N"], back)

    def test_nesting_of_32_levels(self):
        for kind in ("M", "L"):
            with self.subTest(kind=kind):
                v = nested(31, kind)
                self.assertEqual(self.round_trip(v), v)

    def test_item_of_exactly_400_kb(self):
        key = {"pk": {"S": "k" * 10}}
        value = "x" * (MAX_ITEM_BYTES - 13)
        self.client.put_item(TableName=self.table, Item={**key, "a": {"S": value}})
        got = self.client.get_item(TableName=self.table, Key=key)["Item"]
        self.assertEqual(len(got["a"]["S"]), len(value))

    # Multi-byte characters count in UTF-8 bytes.
    def test_item_size_counts_utf8_bytes(self):
        key = {"pk": {"S": "u"}}
        fits = "\u20ac" * ((MAX_ITEM_BYTES - 4) // 3)  # 3 bytes each
        self.client.put_item(TableName=self.table, Item={**key, "a": {"S": fits}})
        with self.assertValidation(contains="Item size has exceeded the maximum allowed size"):
            self.client.put_item(TableName=self.table,
                                 Item={**key, "a": {"S": fits + "\u20ac\u20ac"}})

    def test_resource_api_types(self):
        table = self.resource.Table(self.table)
        item = {"pk": "py", "i": 7, "d": Decimal("-0.25"), "s": "str", "t": True, "n": None,
                "l": [1, "a", None], "m": {"a": {"b": [Decimal("1.5")]}}, "ss": {"x", "y"},
                "ns": {1, 2}, "bs": {b"a", b"b"}}
        table.put_item(Item=item)
        got = table.get_item(Key={"pk": "py"})["Item"]
        got["bs"] = {b.value for b in got["bs"]}
        self.assertEqual(got, item)
