"""UpdateItem: update expressions, ReturnValues, conditions, upserts."""

from decimal import Decimal

from harness import ServerTestCase, random_name

TABLES = {"hash_table": (("pk", "S"), None),
          "range_table": (("pk", "S"), ("sk", "N"))}


class Serialization(ServerTestCase):

    def test_update_expression_is_a_list(self):
        self.assertRawError(self.raw_op("UpdateItem", {"TableName": "abc",
                                                       "Key": {"pk": {"S": "a"}},
                                                       "UpdateExpression": ["SET a = :a"]}),
                            "SerializationException")

    def test_expression_attribute_values_is_a_list(self):
        self.assertRawError(self.raw_op("UpdateItem", {"TableName": "abc",
                                                       "Key": {"pk": {"S": "a"}},
                                                       "UpdateExpression": "SET a = :a",
                                                       "ExpressionAttributeValues": [1]}),
                            "SerializationException")

    def test_expression_attribute_value_has_a_json_number(self):
        self.assertRawError(self.raw_op("UpdateItem", {
            "TableName": "abc", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET a = :a",
            "ExpressionAttributeValues": {":a": {"N": 123}}}), "SerializationException")


class Validation(ServerTestCase):
    TABLES = TABLES

    def update(self, key=None, **kw):
        return self.client.update_item(TableName=self.hash_table, Key=key or {"pk": {"S": "v"}},
                                       **kw)

    def test_missing_table(self):
        with self.assertNotFound():
            self.client.update_item(TableName=random_name(), Key={"pk": {"S": "a"}},
                                    UpdateExpression="SET a = :a",
                                    ExpressionAttributeValues={":a": {"S": "x"}})

    def test_key_does_not_match_the_schema(self):
        with self.assertValidation("The provided key element does not match the schema"):
            self.client.update_item(TableName=self.range_table, Key={"pk": {"S": "a"}},
                                    UpdateExpression="SET a = :a",
                                    ExpressionAttributeValues={":a": {"S": "x"}})

    def test_cannot_update_a_key_attribute(self):
        with self.assertValidation(
                "One or more parameter values were invalid: Cannot update attribute pk. This "
                "attribute is part of the key"):
            self.update(UpdateExpression="SET pk = :a",
                        ExpressionAttributeValues={":a": {"S": "x"}})

    def test_cannot_remove_a_key_attribute(self):
        with self.assertValidation(
                "One or more parameter values were invalid: Cannot update attribute sk. This "
                "attribute is part of the key"):
            self.client.update_item(TableName=self.range_table,
                                    Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
                                    UpdateExpression="REMOVE sk")

    def test_undefined_expression_attribute_value(self):
        with self.assertValidation(
                "Invalid UpdateExpression: An expression attribute value used in expression is "
                "not defined; attribute value: :v"):
            self.update(UpdateExpression="SET a = :v",
                        ExpressionAttributeValues={":w": {"S": "x"}})

    def test_undefined_expression_attribute_name(self):
        with self.assertValidation(
                "Invalid UpdateExpression: An expression attribute name used in the document "
                "path is not defined; attribute name: #n"):
            self.update(UpdateExpression="SET #n = :v",
                        ExpressionAttributeValues={":v": {"S": "x"}})

    def test_unused_expression_attribute_value(self):
        with self.assertValidation(
                "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"):
            self.update(UpdateExpression="SET a = :a",
                        ExpressionAttributeValues={":a": {"S": "x"}, ":b": {"S": "y"}})

    def test_empty_expression_attribute_values(self):
        with self.assertValidation("ExpressionAttributeValues must not be empty"):
            self.update(UpdateExpression="REMOVE a", ExpressionAttributeValues={})

    # Syntax errors name the offending token; only the fixed part is pinned here.
    def test_syntax_error(self):
        with self.assertValidation(regex=r"^Invalid UpdateExpression: Syntax error; token: "):
            self.update(UpdateExpression="SET a")

    def test_overlapping_paths(self):
        with self.assertValidation(
                "Invalid UpdateExpression: Two document paths overlap with each other; must "
                "remove or rewrite one of these paths; path one: [a], path two: [a]"):
            self.update(UpdateExpression="SET a = :v REMOVE a",
                        ExpressionAttributeValues={":v": {"S": "x"}})

    def test_add_to_a_string(self):
        self.update(key={"pk": {"S": "str"}}, UpdateExpression="SET a = :s",
                    ExpressionAttributeValues={":s": {"S": "text"}})
        with self.assertValidation(
                contains="An operand in the update expression has an incorrect data type"):
            self.update(key={"pk": {"S": "str"}}, UpdateExpression="ADD a :one",
                        ExpressionAttributeValues={":one": {"N": "1"}})

    def test_arithmetic_on_a_string(self):
        self.update(key={"pk": {"S": "str2"}}, UpdateExpression="SET a = :s",
                    ExpressionAttributeValues={":s": {"S": "text"}})
        with self.assertValidation(
                contains="An operand in the update expression has an incorrect data type"):
            self.update(key={"pk": {"S": "str2"}}, UpdateExpression="SET a = a + :one",
                        ExpressionAttributeValues={":one": {"N": "1"}})

    def test_expression_and_attribute_updates_together(self):
        with self.assertValidation(
                "Can not use both expression and non-expression parameters in the same request: "
                "Non-expression parameters: {AttributeUpdates} Expression parameters: "
                "{UpdateExpression}"):
            self.update(UpdateExpression="SET a = :v",
                        ExpressionAttributeValues={":v": {"S": "x"}},
                        AttributeUpdates={"b": {"Action": "PUT", "Value": {"S": "y"}}})

    def test_return_values_not_in_enum(self):
        with self.assertValidation(
                "1 validation error detected: Value 'EVERYTHING' at 'returnValues' failed to "
                "satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, "
                "ALL_OLD, NONE, UPDATED_NEW]"):
            self.update(UpdateExpression="REMOVE a", ReturnValues="EVERYTHING")

    def test_condition_fails(self):
        key = {"pk": {"S": "cond"}}
        self.update(key=key, UpdateExpression="SET v = :one",
                    ExpressionAttributeValues={":one": {"N": "1"}})
        with self.assertConditionalFailed():
            self.update(key=key, UpdateExpression="SET v = :two",
                        ConditionExpression="v = :two",
                        ExpressionAttributeValues={":two": {"N": "2"}})
        self.assertEqual(self.client.get_item(TableName=self.hash_table, Key=key)["Item"]["v"],
                         {"N": "1"})

    # AttributeUpdates names attributes like an item does: "" is refused (AWS's exact wording is
    # not recorded) ...
    def test_attribute_updates_with_an_empty_name(self):
        with self.assertValidation(contains="empty"):
            self.raw_client.update_item(TableName=self.hash_table, Key={"pk": {"S": "au-empty"}},
                                        AttributeUpdates={"": {"Value": {"S": "x"},
                                                               "Action": "PUT"}})
        self.assertNotIn("Item", self.client.get_item(TableName=self.hash_table,
                                                      Key={"pk": {"S": "au-empty"}}))

    # ... and so is a name over 65,535 bytes (Alternator's test_limit_attribute_length_nonkey_bad,
    # run against AWS, matches only "65535|65536"). The item stays readable with a projection.
    def test_attribute_updates_with_a_name_over_65535_bytes(self):
        key = {"pk": {"S": "au-long"}}
        with self.assertValidation(regex="6553[56]"):
            self.raw_client.update_item(TableName=self.hash_table, Key=key, AttributeUpdates={
                "x" * 65536: {"Value": {"N": "1"}, "Action": "PUT"},
                "v": {"Value": {"N": "2"}, "Action": "PUT"}})
        self.client.update_item(TableName=self.hash_table, Key=key, AttributeUpdates={
            "x" * 65535: {"Value": {"N": "1"}, "Action": "PUT"}})
        got = self.client.get_item(TableName=self.hash_table, Key=key,
                                   ProjectionExpression="#n", ExpressionAttributeNames={
                                       "#n": "x" * 65535})["Item"]
        self.assertEqual(got, {"x" * 65535: {"N": "1"}})

    def test_invalid_enums_reported_together(self):
        with self.assertValidation(
                "3 validation errors detected: Value 'hi' at 'returnConsumedCapacity' failed to "
                "satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; "
                "Value 'hi' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member "
                "must satisfy enum value set: [SIZE, NONE]; Value 'hi' at 'returnValues' failed "
                "to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, "
                "UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"):
            self.raw_client.update_item(TableName=self.hash_table, Key={"pk": {"S": "a"}},
                                        ReturnConsumedCapacity="hi",
                                        ReturnItemCollectionMetrics="hi", ReturnValues="hi")

    # A list index beyond 2^31 - 1 is refused with DynamoDB's own message.
    def test_list_index_out_of_range(self):
        with self.assertValidation(
                "Invalid UpdateExpression: List index is not within the allowable range; "
                "index: [4294967295]"):
            self.update(UpdateExpression="SET l[4294967295] = :v",
                        ExpressionAttributeValues={":v": {"N": "1"}})

    # The same limit holds for a name given through ExpressionAttributeNames: nothing is stored
    # and the item stays readable.
    def test_expression_attribute_name_over_65535_bytes(self):
        key = {"pk": {"S": "ean-long"}}
        with self.assertValidation(regex="6553[56]"):
            self.raw_client.update_item(TableName=self.hash_table, Key=key,
                                        UpdateExpression="SET #n = :v",
                                        ExpressionAttributeNames={"#n": "x" * 65536},
                                        ExpressionAttributeValues={":v": {"N": "1"}})
        self.assertNotIn("Item", self.client.get_item(TableName=self.hash_table, Key=key))
        with self.assertValidation(regex="6553[56]"):
            self.raw_client.get_item(TableName=self.hash_table, Key=key,
                                     ProjectionExpression="#n",
                                     ExpressionAttributeNames={"#n": "x" * 65536})


class Functionality(ServerTestCase):
    TABLES = TABLES

    def fresh_key(self):
        return {"pk": {"S": random_name()}}

    def update(self, key, expr, values=None, names=None, **kw):
        args = dict(TableName=self.hash_table, Key=key, UpdateExpression=expr, **kw)
        if values:
            args["ExpressionAttributeValues"] = values
        if names:
            args["ExpressionAttributeNames"] = names
        return self.client.update_item(**args)

    def item(self, key):
        return self.client.get_item(TableName=self.hash_table, Key=key,
                                    ConsistentRead=True).get("Item")

    # UpdateItem on an absent item creates it.
    def test_update_creates_the_item(self):
        key = self.fresh_key()
        self.update(key, "SET a = :a", {":a": {"S": "x"}})
        self.assertEqual(self.item(key), {**key, "a": {"S": "x"}})

    # With nothing to update, UpdateItem still creates an item holding just the key.
    def test_update_without_expression_creates_a_key_only_item(self):
        key = self.fresh_key()
        self.client.update_item(TableName=self.hash_table, Key=key)
        self.assertEqual(self.item(key), key)

    def test_set_remove_add_delete(self):
        key = self.fresh_key()
        self.update(key, "SET a = :a, b = :b, s = :s, n = :n",
                    {":a": {"S": "x"}, ":b": {"N": "1"}, ":s": {"SS": ["p", "q", "r"]},
                     ":n": {"N": "10"}})
        self.update(key, "REMOVE a ADD n :five, s :more",
                    {":five": {"N": "5"}, ":more": {"SS": ["z"]}})
        # Deleting members that are not there is not an error.
        self.update(key, "DELETE s :gone", {":gone": {"SS": ["p", "nope"]}})
        got = self.item(key)
        self.assertNotIn("a", got)
        self.assertEqual(got["n"], {"N": "15"})
        self.assertEqual(sorted(got["s"]["SS"]), ["q", "r", "z"])
        self.assertEqual(got["b"], {"N": "1"})

    # ADD on an absent number starts from zero; ADD on an absent set creates it.
    def test_add_to_absent_attributes(self):
        key = self.fresh_key()
        self.update(key, "ADD c :one, tags :t", {":one": {"N": "1"}, ":t": {"NS": ["3", "4"]}})
        got = self.item(key)
        self.assertEqual(got["c"], {"N": "1"})
        self.assertEqual(sorted(got["tags"]["NS"], key=Decimal), ["3", "4"])

    # Deleting the last elements of a set removes the attribute (sets are never empty).
    def test_delete_all_set_elements_removes_the_attribute(self):
        key = self.fresh_key()
        self.update(key, "SET s = :s", {":s": {"SS": ["a", "b"]}})
        self.update(key, "DELETE s :s", {":s": {"SS": ["a", "b"]}})
        self.assertNotIn("s", self.item(key))

    def test_nested_paths(self):
        key = self.fresh_key()
        self.update(key, "SET m = :m, l = :l",
                    {":m": {"M": {"x": {"N": "1"}, "y": {"M": {}}}},
                     ":l": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}]}})
        self.update(key, "SET m.y.#z = :z, l[1] = :B, m.x = m.x + :one REMOVE l[0]",
                    {":z": {"BOOL": True}, ":B": {"S": "B"}, ":one": {"N": "1"}}, {"#z": "z"})
        got = self.item(key)
        self.assertEqual(got["m"], {"M": {"x": {"N": "2"}, "y": {"M": {"z": {"BOOL": True}}}}})
        self.assertEqual(got["l"], {"L": [{"S": "B"}, {"S": "c"}]})

    def test_list_append_and_if_not_exists(self):
        key = self.fresh_key()
        self.update(key, "SET l = list_append(if_not_exists(l, :empty), :x)",
                    {":empty": {"L": []}, ":x": {"L": [{"N": "1"}]}})
        self.update(key, "SET l = list_append(:y, l), c = if_not_exists(c, :zero)",
                    {":y": {"L": [{"N": "0"}]}, ":zero": {"N": "0"}})
        got = self.item(key)
        self.assertEqual(got["l"], {"L": [{"N": "0"}, {"N": "1"}]})
        self.assertEqual(got["c"], {"N": "0"})

    # Arithmetic is decimal with 38 digits, never floating point.
    def test_arithmetic_is_exact(self):
        key = self.fresh_key()
        self.update(key, "SET n = :a + :b",
                    {":a": {"N": "1"}, ":b": {"N": "10000000000000000000000"}})
        self.assertEqual(self.item(key)["n"], {"N": "10000000000000000000001"})
        self.update(key, "SET f = :x - :y", {":x": {"N": "0.3"}, ":y": {"N": "0.1"}})
        self.assertEqual(self.item(key)["f"], {"N": "0.2"})

    def test_return_values(self):
        key = self.fresh_key()
        resp = self.update(key, "SET a = :a, b = :b", {":a": {"N": "1"}, ":b": {"N": "2"}},
                           ReturnValues="ALL_OLD")
        self.assertNotIn("Attributes", resp)
        resp = self.update(key, "SET a = :a", {":a": {"N": "10"}}, ReturnValues="UPDATED_OLD")
        self.assertEqual(resp["Attributes"], {"a": {"N": "1"}})
        resp = self.update(key, "SET a = :a", {":a": {"N": "11"}}, ReturnValues="UPDATED_NEW")
        self.assertEqual(resp["Attributes"], {"a": {"N": "11"}})
        resp = self.update(key, "SET c = :c", {":c": {"N": "3"}}, ReturnValues="ALL_NEW")
        self.assertEqual(resp["Attributes"], {**key, "a": {"N": "11"}, "b": {"N": "2"},
                                              "c": {"N": "3"}})
        resp = self.update(key, "REMOVE c", ReturnValues="ALL_OLD")
        self.assertEqual(resp["Attributes"]["c"], {"N": "3"})
        resp = self.update(key, "SET b = :b", {":b": {"N": "4"}}, ReturnValues="NONE")
        self.assertNotIn("Attributes", resp)

    def test_condition_that_holds(self):
        key = self.fresh_key()
        self.update(key, "SET v = :one", {":one": {"N": "1"}},
                    ConditionExpression="attribute_not_exists(pk)")
        self.update(key, "SET v = v + :one", {":one": {"N": "1"}},
                    ConditionExpression="v = :one")
        self.assertEqual(self.item(key)["v"], {"N": "2"})

    def test_update_on_range_table(self):
        key = {"pk": {"S": "r"}, "sk": {"N": "-3.5"}}
        self.client.update_item(TableName=self.range_table, Key=key,
                                UpdateExpression="SET a = :a",
                                ExpressionAttributeValues={":a": {"S": "x"}})
        self.assertEqual(self.client.get_item(TableName=self.range_table, Key=key)["Item"],
                         {**key, "a": {"S": "x"}})

    def test_legacy_attribute_updates(self):
        key = self.fresh_key()
        self.client.update_item(TableName=self.hash_table, Key=key, AttributeUpdates={
            "a": {"Action": "PUT", "Value": {"S": "x"}},
            "n": {"Action": "ADD", "Value": {"N": "2"}},
            "s": {"Action": "ADD", "Value": {"SS": ["a", "b"]}}})
        self.client.update_item(TableName=self.hash_table, Key=key, AttributeUpdates={
            "a": {"Action": "DELETE"}, "s": {"Action": "DELETE", "Value": {"SS": ["a"]}}})
        self.assertEqual(self.item(key), {**key, "n": {"N": "2"}, "s": {"SS": ["b"]}})

    def test_resource_update_item(self):
        table = self.resource.Table(self.hash_table)
        resp = table.update_item(Key={"pk": "res"}, UpdateExpression="SET #c = :c, m = :m",
                                 ExpressionAttributeNames={"#c": "count"},
                                 ExpressionAttributeValues={":c": 7, ":m": {"k": ["v"]}},
                                 ReturnValues="ALL_NEW")
        self.assertEqual(resp["Attributes"], {"pk": "res", "count": 7, "m": {"k": ["v"]}})

    def test_cli_update_item(self):
        key = '{"pk": {"S": "cli"}}'
        out = self.aws("update-item", "--table-name", self.hash_table, "--key", key,
                       "--update-expression", "ADD hits :one",
                       "--expression-attribute-values", '{":one": {"N": "1"}}',
                       "--return-values", "UPDATED_NEW")
        self.assertEqual(out["Attributes"], {"hits": {"N": "1"}})

    # An update is charged by the larger of the item before and after it, 1 unit per KB of
    # DynamoDB size: shrinking a 2,049-byte item still costs 3 units (ScyllaDB's
    # test_long_update, run against AWS); INDEXES adds "Table".
    def test_consumed_capacity_of_a_shrinking_update(self):
        key = {"pk": {"S": random_name()[:8]}}
        base = 2 + 8 + 1  # "pk" + an 8-character value + the name "b"
        self.client.put_item(TableName=self.hash_table,
                             Item={**key, "b": {"S": "x" * (2049 - base)}})
        resp = self.update(key, "SET b = :v", {":v": {"S": "x"}}, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(resp["ConsumedCapacity"],
                         {"TableName": self.hash_table, "CapacityUnits": 3.0})
        resp = self.update(key, "SET b = :v", {":v": {"S": "y"}},
                           ReturnConsumedCapacity="INDEXES")
        self.assertEqual(resp["ConsumedCapacity"],
                         {"TableName": self.hash_table, "CapacityUnits": 1.0,
                          "Table": {"CapacityUnits": 1.0}})
