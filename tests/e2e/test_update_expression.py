"""UpdateExpression end to end: SET (arithmetic, if_not_exists, list_append, nested paths, list
indexes), REMOVE, ADD, DELETE, ReturnValues, and the validation errors DynamoDB gives.

Facts: the DynamoDB developer guide ("Update expressions"), the UpdateItem API reference
(ReturnValues), and the AWS-verified messages in dynalite's test/updateItem.js and ScyllaDB's
test/alternator/test_update_expression.py.
"""

from harness import ServerTestCase, random_name

BASE = {
    "n": {"N": "10"},
    "s": {"S": "text"},
    "l": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}, {"N": "3"}]},
    "m": {"M": {"a": {"M": {"b": {"N": "1"}}}, "list": {"L": [{"S": "x"}]}}},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2"]},
}


class UpdateTestCase(ServerTestCase):
    TABLES = {"table": (("pk", "S"), None)}

    def setUp(self):
        self.key = {"pk": {"S": random_name()}}
        self.client.put_item(TableName=self.table, Item={**self.key, **BASE})

    def update(self, expr, values=None, names=None, key=None, client=None, **kw):
        args = dict(TableName=self.table, Key=key or self.key, UpdateExpression=expr, **kw)
        if values:
            args["ExpressionAttributeValues"] = values
        if names:
            args["ExpressionAttributeNames"] = names
        return (client or self.client).update_item(**args)

    def item(self, key=None):
        return self.client.get_item(TableName=self.table, Key=key or self.key,
                                    ConsistentRead=True).get("Item")


class Set(UpdateTestCase):

    def test_arithmetic(self):
        self.update("SET n = n + :v, a = :v - n", {":v": {"N": "2.5"}})
        got = self.item()
        self.assertEqual(got["n"], {"N": "12.5"})
        self.assertEqual(got["a"], {"N": "-7.5"})
        self.update("SET n = n - :v", {":v": {"N": "12.5"}})
        self.assertEqual(self.item()["n"], {"N": "0"})

    def test_arithmetic_keeps_38_digits(self):
        self.update("SET n = :a + :b", {":a": {"N": "12345678901234567890123456789012345678"},
                                        ":b": {"N": "1"}})
        self.assertEqual(self.item()["n"], {"N": "12345678901234567890123456789012345679"})

    # The right-hand side sees the item before the update: SET a = b, b = a swaps.
    def test_right_hand_sides_read_the_old_item(self):
        self.update("SET n = s, s = n")
        got = self.item()
        self.assertEqual(got["n"], {"S": "text"})
        self.assertEqual(got["s"], {"N": "10"})

    def test_if_not_exists(self):
        self.update("SET n = if_not_exists(n, :z), c = if_not_exists(c, :z)",
                    {":z": {"N": "0"}})
        got = self.item()
        self.assertEqual(got["n"], {"N": "10"})
        self.assertEqual(got["c"], {"N": "0"})
        self.update("SET c2 = if_not_exists(c2, :z) + :one", {":z": {"N": "0"}, ":one": {"N": "1"}})
        self.assertEqual(self.item()["c2"], {"N": "1"})

    def test_list_append(self):
        self.update("SET l = list_append(l, :tail), l2 = list_append(:head, l)",
                    {":tail": {"L": [{"S": "end"}]}, ":head": {"L": [{"S": "start"}]}})
        got = self.item()
        self.assertEqual(got["l"]["L"][-1], {"S": "end"})
        self.assertEqual(len(got["l"]["L"]), 5)
        self.assertEqual(got["l2"]["L"][0], {"S": "start"})
        self.assertEqual(got["l2"]["L"][1:], BASE["l"]["L"])
        self.update("SET l3 = list_append(if_not_exists(l3, :empty), :one)",
                    {":empty": {"L": []}, ":one": {"L": [{"N": "1"}]}})
        self.assertEqual(self.item()["l3"], {"L": [{"N": "1"}]})

    def test_nested_paths_and_list_indexes(self):
        self.update("SET m.a.b = :v, m.a.c = :v, m.#list[0] = :s, l[1] = :v",
                    {":v": {"N": "7"}, ":s": {"S": "y"}}, {"#list": "list"})
        got = self.item()
        self.assertEqual(got["m"]["M"]["a"], {"M": {"b": {"N": "7"}, "c": {"N": "7"}}})
        self.assertEqual(got["m"]["M"]["list"], {"L": [{"S": "y"}]})
        self.assertEqual(got["l"]["L"][1], {"N": "7"})

    # An index past the end appends (at the end, not at that index).
    def test_set_past_the_end_of_a_list_appends(self):
        self.update("SET l[10] = :v", {":v": {"S": "new"}})
        self.assertEqual(self.item()["l"]["L"], BASE["l"]["L"] + [{"S": "new"}])

    def test_nested_path_under_a_missing_parent_is_invalid(self):
        with self.assertValidation("The document path provided in the update expression is "
                                   "invalid for update"):
            self.update("SET nope.x = :v", {":v": {"N": "1"}})
        with self.assertValidation("The document path provided in the update expression is "
                                   "invalid for update"):
            self.update("SET s[0] = :v", {":v": {"N": "1"}})

    def test_dotted_name_is_one_attribute(self):
        self.update("SET #d = :v", {":v": {"N": "1"}}, {"#d": "a.b"})
        got = self.item()
        self.assertEqual(got["a.b"], {"N": "1"})


class RemoveAddDelete(UpdateTestCase):

    def test_remove_attributes_nested_and_list_elements(self):
        self.update("REMOVE s, m.a.b, l[1], l[3], absent, m.nope")
        got = self.item()
        self.assertNotIn("s", got)
        self.assertEqual(got["m"]["M"]["a"], {"M": {}})
        # Both indexes refer to the list before the update; the rest shift down.
        self.assertEqual(got["l"], {"L": [{"N": "0"}, {"N": "2"}]})

    def test_remove_past_the_end_of_a_list_is_a_no_op(self):
        self.update("REMOVE l[9]")
        self.assertEqual(self.item()["l"], BASE["l"])

    def test_add_numbers_and_sets(self):
        self.update("ADD n :five, ss :more, ns :nums, newn :five, newss :more",
                    {":five": {"N": "-5"}, ":more": {"SS": ["b", "c"]}, ":nums": {"NS": ["3"]}})
        got = self.item()
        self.assertEqual(got["n"], {"N": "5"})
        self.assertEqual(sorted(got["ss"]["SS"]), ["a", "b", "c"])
        self.assertEqual(sorted(got["ns"]["NS"]), ["1", "2", "3"])
        self.assertEqual(got["newn"], {"N": "-5"})
        self.assertEqual(sorted(got["newss"]["SS"]), ["b", "c"])

    def test_add_to_a_set_of_another_type(self):
        with self.assertValidation("An operand in the update expression has an incorrect data "
                                   "type"):
            self.update("ADD ss :v", {":v": {"NS": ["1"]}})

    def test_delete_set_elements(self):
        self.update("DELETE ss :a, ns :x", {":a": {"SS": ["a", "zz"]}, ":x": {"NS": ["1", "2"]}})
        got = self.item()
        self.assertEqual(got["ss"], {"SS": ["b"]})
        self.assertNotIn("ns", got)
        # DELETE on an absent attribute is a no-op.
        self.update("DELETE absent :a", {":a": {"SS": ["a"]}})
        self.assertNotIn("absent", self.item())

    def test_all_four_clauses_together(self):
        self.update("SET a = :one REMOVE s ADD n :one DELETE ss :b",
                    {":one": {"N": "1"}, ":b": {"SS": ["b"]}})
        got = self.item()
        self.assertEqual((got["a"], got["n"], got["ss"]), ({"N": "1"}, {"N": "11"},
                                                           {"SS": ["a"]}))
        self.assertNotIn("s", got)

    def test_resource_api(self):
        table = self.resource.Table(self.table)
        pk = self.key["pk"]["S"]
        out = table.update_item(Key={"pk": pk},
                                UpdateExpression="SET m.a.b = m.a.b + :one ADD tags :t",
                                ExpressionAttributeValues={":one": 1, ":t": {"x", "y"}},
                                ReturnValues="UPDATED_NEW")
        self.assertEqual(out["Attributes"], {"m": {"a": {"b": 2}}, "tags": {"x", "y"}})


class ReturnValues(UpdateTestCase):

    def rv(self, kind, expr="SET n = :v, m.a.b = :v, z = :v", values=None):
        return self.update(expr, values or {":v": {"N": "99"}},
                           ReturnValues=kind).get("Attributes")

    def test_none(self):
        self.assertIsNone(self.rv("NONE"))

    def test_all_old(self):
        self.assertEqual(self.rv("ALL_OLD"), {**self.key, **BASE})

    def test_all_new(self):
        got = self.rv("ALL_NEW")
        self.assertEqual(got, self.item())
        self.assertEqual(got["z"], {"N": "99"})

    # UPDATED_* return only the updated paths, nested ones as sparse maps.
    def test_updated_old(self):
        self.assertEqual(self.rv("UPDATED_OLD"),
                         {"n": {"N": "10"}, "m": {"M": {"a": {"M": {"b": {"N": "1"}}}}}})

    def test_updated_new(self):
        self.assertEqual(self.rv("UPDATED_NEW"),
                         {"n": {"N": "99"}, "z": {"N": "99"},
                          "m": {"M": {"a": {"M": {"b": {"N": "99"}}}}}})

    def test_updated_list_element(self):
        got = self.rv("UPDATED_NEW", "SET l[2] = :v")
        self.assertEqual(got, {"l": {"L": [{"N": "99"}]}})
        got = self.rv("UPDATED_OLD", "SET l[3] = :v")
        self.assertEqual(got, {"l": {"L": [{"N": "3"}]}})

    def test_updated_old_of_removed_attribute(self):
        got = self.update("REMOVE s, absent", ReturnValues="UPDATED_OLD")["Attributes"]
        self.assertEqual(got, {"s": {"S": "text"}})
        self.assertNotIn("Attributes", self.update("REMOVE absent", ReturnValues="UPDATED_NEW"))

    def test_all_old_of_new_item_is_empty(self):
        out = self.update("SET a = :v", {":v": {"N": "1"}}, key={"pk": {"S": random_name()}},
                          ReturnValues="ALL_OLD")
        self.assertNotIn("Attributes", out)


class Errors(UpdateTestCase):

    def assertUpdateError(self, message, expr, values=None, names=None):
        with self.assertValidation(message):
            self.update(expr, values, names)
        self.assertEqual(self.item(), {**self.key, **BASE}, "a failed update changes nothing")

    def test_syntax_errors(self):
        self.assertUpdateError('Invalid UpdateExpression: Syntax error; token: "1", near: '
                               '"VALUE 1"', "SET path = VALUE 1")
        with self.assertValidation(regex=r'^Invalid UpdateExpression: Syntax error; token: '
                                         r'"<EOF>", near: '):
            self.update("SET a = ")
        with self.assertValidation(regex=r'^Invalid UpdateExpression: Syntax error; token: '
                                         r'"BOGUS"'):
            self.update("BOGUS a")

    def test_empty_expression(self):
        self.assertUpdateError("Invalid UpdateExpression: The expression can not be empty;", "")

    def test_clause_used_twice(self):
        for expr, clause, values in [
                ("SET a = :v SET b = :v", "SET", {":v": {"N": "1"}}),
                ("REMOVE a SET b = :v REMOVE c", "REMOVE", {":v": {"N": "1"}}),
                ("ADD n :v ADD x :v", "ADD", {":v": {"N": "1"}}),
                ("DELETE ss :v DELETE ns :w", "DELETE", {":v": {"SS": ["a"]},
                                                         ":w": {"NS": ["1"]}})]:
            self.assertUpdateError(f'Invalid UpdateExpression: The "{clause}" section can only '
                                   'be used once in an update expression;', expr, values)

    def test_overlapping_paths(self):
        self.assertUpdateError(
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove "
            "or rewrite one of these paths; path one: [m, a], path two: [m, a, b]",
            "SET m.a = :v REMOVE m.a.b", {":v": {"N": "1"}})
        self.assertUpdateError(
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove "
            "or rewrite one of these paths; path one: [l, [1]], path two: [l, [1]]",
            "SET l[1] = :v, l[1] = :v", {":v": {"N": "1"}})

    def test_conflicting_paths(self):
        self.assertUpdateError(
            "Invalid UpdateExpression: Two document paths conflict with each other; must remove "
            "or rewrite one of these paths; path one: [m, a], path two: [m, [1]]",
            "REMOVE m.a SET m[1] = :v", {":v": {"N": "1"}})

    def test_arithmetic_on_non_numbers(self):
        self.assertUpdateError("Invalid UpdateExpression: Incorrect operand type for operator or "
                               "function; operator or function: +, operand type: S",
                               "SET n = n + :v", {":v": {"S": "1"}})
        self.assertUpdateError("Invalid UpdateExpression: Incorrect operand type for operator or "
                               "function; operator or function: -, operand type: L",
                               "SET n = n - :v", {":v": {"L": []}})
        # Caught only when the stored value is read.
        self.assertUpdateError("An operand in the update expression has an incorrect data type",
                               "SET n = s + :v", {":v": {"N": "1"}})
        self.assertUpdateError("The provided expression refers to an attribute that does not "
                               "exist in the item", "SET n = absent + :v", {":v": {"N": "1"}})

    def test_list_append_of_non_lists(self):
        self.assertUpdateError("Invalid UpdateExpression: Incorrect operand type for operator or "
                               "function; operator or function: list_append, operand type: S",
                               "SET l = list_append(l, :v)", {":v": {"S": "x"}})
        self.assertUpdateError("An operand in the update expression has an incorrect data type",
                               "SET l = list_append(s, :v)", {":v": {"L": []}})

    def test_add_and_delete_operand_types(self):
        # dynalite records these without the ", typeSet: ALLOWED_FOR_<OP>_OPERAND" suffix that
        # newer reports show; either form is accepted.
        for expr, values, op, kind in [("ADD n :v", {":v": {"S": "x"}}, "ADD", "STRING"),
                                       ("ADD n :v", {":v": {"L": []}}, "ADD", "LIST"),
                                       ("DELETE ns :v", {":v": {"N": "1"}}, "DELETE", "NUMBER"),
                                       ("DELETE ss :v", {":v": {"S": "a"}}, "DELETE", "STRING")]:
            with self.assertValidation(
                    regex=r"^Invalid UpdateExpression: Incorrect operand type for operator or "
                          rf"function; operator: {op}, operand type: {kind}"
                          rf"(, typeSet: ALLOWED_FOR_{op}_OPERAND)?$"):
                self.update(expr, values)
        self.assertUpdateError("An operand in the update expression has an incorrect data type",
                               "ADD s :v", {":v": {"N": "1"}})

    def test_function_errors(self):
        self.assertUpdateError("Invalid UpdateExpression: Invalid function name; function: "
                               "if_not_exist", "SET a = if_not_exist(a, :v)", {":v": {"N": "1"}})
        self.assertUpdateError("Invalid UpdateExpression: The function is not allowed in an "
                               "update expression; function: attribute_exists",
                               "SET a = attribute_exists(a)")
        self.assertUpdateError("Invalid UpdateExpression: Operator or function requires a "
                               "document path; operator or function: if_not_exists",
                               "SET a = if_not_exists(:v, a)", {":v": {"N": "1"}})
        self.assertUpdateError("Invalid UpdateExpression: Incorrect number of operands for "
                               "operator or function; operator or function: list_append, "
                               "number of operands: 1", "SET a = list_append(l)")

    def test_key_attribute_updates(self):
        for expr, values in [("SET pk = :v", {":v": {"S": "x"}}),
                             ("ADD pk :v", {":v": {"SS": ["x"]}}),
                             ("REMOVE pk", None),
                             ("SET a = :v REMOVE pk", {":v": {"S": "x"}})]:
            self.assertUpdateError("One or more parameter values were invalid: Cannot update "
                                   "attribute pk. This attribute is part of the key", expr, values)

    def test_reserved_word_as_a_bare_name(self):
        self.assertUpdateError("Invalid UpdateExpression: Attribute name is a reserved keyword; "
                               "reserved keyword: Absolute", "REMOVE Absolute")
        self.update("SET #s = :v", {":v": {"N": "1"}}, {"#s": "size"})
        self.assertEqual(self.item()["size"], {"N": "1"})

    def test_unused_and_undefined_names_and_values(self):
        self.assertUpdateError("Value provided in ExpressionAttributeNames unused in expressions: "
                               "keys: {#b}", "REMOVE #a", names={"#a": "s", "#b": "n"})
        self.assertUpdateError("Invalid UpdateExpression: An expression attribute name used in "
                               "the document path is not defined; attribute name: #q",
                               "REMOVE #q", names={"#a": "s"})
        self.assertUpdateError("Invalid UpdateExpression: An expression attribute value used in "
                               "expression is not defined; attribute value: :q",
                               "SET a = :q", {":v": {"N": "1"}})
        # A value used only in the ConditionExpression counts as used.
        self.update("SET a = :v", {":v": {"N": "1"}, ":c": {"N": "10"}},
                    ConditionExpression="n = :c")
        self.assertEqual(self.item()["a"], {"N": "1"})
