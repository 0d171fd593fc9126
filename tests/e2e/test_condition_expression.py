"""ConditionExpression on PutItem, UpdateItem and DeleteItem: comparisons with DynamoDB's typing
rules, BETWEEN, IN, boolean precedence, the functions, nested paths, failures and
ReturnValuesOnConditionCheckFailure.

Facts: the DynamoDB developer guide ("Comparison operator and function reference": values of
different types never compare equal, so `<>` across types is true and every ordering is false;
NOT binds tighter than AND, AND tighter than OR), the API reference of PutItem
(ReturnValuesOnConditionCheckFailure), and the AWS-verified messages in ScyllaDB's
test/alternator/test_condition_expression.py and dynalite's test/*.js.
"""

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from harness import ServerTestCase, random_name

# One item holding every type, plus nesting for document paths.
ITEM = {
    "n": {"N": "5"},
    "s": {"S": "hello world"},
    "b": {"B": b"\x01\x02"},
    "t": {"BOOL": True},
    "z": {"NULL": True},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2"]},
    "bs": {"BS": [b"\x01", b"\x02"]},
    "l": {"L": [{"N": "1"}, {"S": "x"}, {"M": {"c": {"N": "3"}}}]},
    "m": {"M": {"a": {"M": {"b": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"},
                                        {"M": {"c": {"S": "deep"}}}]}}},
                "dotted.name": {"S": "d"}}},
}


class ConditionTestCase(ServerTestCase):
    TABLES = {"table": (("pk", "S"), None)}

    def setUp(self):
        self.key = {"pk": {"S": random_name()}}
        self.client.put_item(TableName=self.table, Item={**self.key, **ITEM})

    def put_if(self, expr, values=None, names=None, **kw):
        """Rewrites the same item under `expr` (so a passing condition changes nothing)."""
        args = dict(TableName=self.table, Item={**self.key, **ITEM}, ConditionExpression=expr,
                    **kw)
        if values:
            args["ExpressionAttributeValues"] = values
        if names:
            args["ExpressionAttributeNames"] = names
        return self.client.put_item(**args)

    def holds(self, expr, values=None, names=None):
        """True if the condition holds on the stored item, False on ConditionalCheckFailed."""
        try:
            self.put_if(expr, values, names)
            return True
        except ClientError as e:
            if e.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False

    def assertHolds(self, expr, values=None, names=None):
        self.assertTrue(self.holds(expr, values, names), expr)

    def assertFails(self, expr, values=None, names=None):
        self.assertFalse(self.holds(expr, values, names), expr)


class Comparisons(ConditionTestCase):

    def test_number_comparisons(self):
        v = {":v": {"N": "5"}}
        self.assertHolds("n = :v", v)
        self.assertFails("n <> :v", v)
        self.assertHolds("n <= :v", v)
        self.assertHolds("n >= :v", v)
        self.assertFails("n < :v", v)
        self.assertFails("n > :v", v)

    # Numbers compare by value, not by text: 5 = 5.00, 5 < 10, -7 < 5.
    def test_numbers_compare_numerically(self):
        self.assertHolds("n = :v", {":v": {"N": "5.00"}})
        self.assertHolds("n < :v", {":v": {"N": "10"}})
        self.assertHolds("n > :v", {":v": {"N": "-7"}})
        self.assertHolds("n > :v", {":v": {"N": "4.99999999999999999999999999"}})

    # Strings compare by UTF-8 bytes: "Z" < "a", "hello world" < "i".
    def test_string_comparisons(self):
        self.assertHolds("s < :v", {":v": {"S": "i"}})
        self.assertHolds("s > :v", {":v": {"S": "hello"}})
        self.assertHolds("s > :v", {":v": {"S": "Zzz"}})
        self.assertHolds("s = :v", {":v": {"S": "hello world"}})

    def test_binary_comparisons(self):
        self.assertHolds("b < :v", {":v": {"B": b"\x02"}})
        self.assertHolds("b > :v", {":v": {"B": b"\x01"}})
        self.assertHolds("b = :v", {":v": {"B": b"\x01\x02"}})

    # Values of different types are never equal and never ordered.
    def test_no_match_across_types(self):
        v = {":v": {"S": "5"}}
        self.assertFails("n = :v", v)
        self.assertHolds("n <> :v", v)
        self.assertFails("n < :v", v)
        self.assertFails("n <= :v", v)
        self.assertFails("n > :v", v)
        self.assertFails("n >= :v", v)
        self.assertFails("ss = :v", {":v": {"L": [{"S": "a"}, {"S": "b"}]}})
        self.assertFails("b = :v", {":v": {"S": "\x01\x02"}})

    # A missing attribute equals nothing and differs from everything.
    def test_missing_attribute(self):
        v = {":v": {"N": "5"}}
        self.assertFails("absent = :v", v)
        self.assertHolds("absent <> :v", v)
        self.assertFails("absent < :v", v)

    # Sets are equal regardless of order; lists and maps compare deeply.
    def test_equality_of_documents_and_sets(self):
        self.assertHolds("ss = :v", {":v": {"SS": ["b", "a"]}})
        self.assertHolds("ns = :v", {":v": {"NS": ["2.0", "1"]}})
        self.assertFails("ss = :v", {":v": {"SS": ["a"]}})
        self.assertHolds("l = :v", {":v": ITEM["l"]})
        self.assertFails("l = :v", {":v": {"L": [{"N": "1"}, {"S": "x"}]}})
        self.assertHolds("m = :v", {":v": ITEM["m"]})
        self.assertHolds("t = :v", {":v": {"BOOL": True}})
        self.assertFails("t = :v", {":v": {"BOOL": False}})
        self.assertHolds("z = :v", {":v": {"NULL": True}})

    # Two attributes of the item can be compared with each other.
    def test_attribute_to_attribute(self):
        self.assertHolds("n > l[0]")
        self.assertFails("n = s")
        self.assertHolds("n <> s")

    def test_between(self):
        self.assertHolds("n BETWEEN :a AND :b", {":a": {"N": "1"}, ":b": {"N": "9"}})
        self.assertHolds("n BETWEEN :a AND :b", {":a": {"N": "5"}, ":b": {"N": "5"}})
        self.assertFails("n BETWEEN :a AND :b", {":a": {"N": "6"}, ":b": {"N": "9"}})
        self.assertHolds("s BETWEEN :a AND :b", {":a": {"S": "h"}, ":b": {"S": "i"}})
        # A bound of another type than the attribute: no match.
        self.assertFails("s BETWEEN :a AND :b", {":a": {"N": "1"}, ":b": {"N": "9"}})

    def test_between_bounds_in_the_wrong_order(self):
        with self.assertValidation(
                "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be "
                "greater than or equal to lower bound; lower bound operand: AttributeValue: "
                "{N:9}, upper bound operand: AttributeValue: {N:1}"):
            self.put_if("n BETWEEN :a AND :b", {":a": {"N": "9"}, ":b": {"N": "1"}})

    def test_between_bounds_of_different_types(self):
        with self.assertValidation(
                "Invalid ConditionExpression: The BETWEEN operator requires same data type for "
                "lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound "
                "operand: AttributeValue: {S:z}"):
            self.put_if("n BETWEEN :a AND :b", {":a": {"N": "1"}, ":b": {"S": "z"}})

    def test_in(self):
        self.assertHolds("n IN (:a, :b)", {":a": {"N": "1"}, ":b": {"N": "5"}})
        self.assertHolds("n IN (:a)", {":a": {"N": "5.0"}})
        self.assertFails("n IN (:a, :b)", {":a": {"N": "1"}, ":b": {"S": "5"}})
        self.assertHolds("s IN (:a, :b, :c)",
                         {":a": {"S": "x"}, ":b": {"S": "y"}, ":c": {"S": "hello world"}})


class Logic(ConditionTestCase):
    T = {":five": {"N": "5"}, ":one": {"N": "1"}, ":x": {"S": "x"}}

    # AND binds tighter than OR: true OR (false AND false).
    def test_and_before_or(self):
        self.assertHolds("n = :five OR n = :one AND s = :x", self.T)
        self.assertFails("(n = :five OR n = :one) AND s = :x", self.T)

    # NOT binds tighter than AND: (NOT false) AND false.
    def test_not_before_and(self):
        self.assertFails("NOT n = :one AND n = :one", {":one": {"N": "1"}})
        self.assertHolds("NOT (n = :one AND n = :one)", {":one": {"N": "1"}})

    def test_not_and_nested_parentheses(self):
        self.assertHolds("NOT n = :one", {":one": {"N": "1"}})
        self.assertFails("NOT (n = :five)", {":five": {"N": "5"}})
        self.assertHolds("((n = :five) AND (NOT (s = :x)))", {":five": {"N": "5"}, ":x": {"S": "x"}})
        self.assertHolds("NOT NOT n = :five", {":five": {"N": "5"}})

    # Keywords are case-insensitive.
    def test_lower_case_keywords(self):
        self.assertHolds("n between :one and :five or not n in (:one)",
                         {":one": {"N": "1"}, ":five": {"N": "5"}})


class Functions(ConditionTestCase):

    def test_attribute_exists_and_not_exists(self):
        self.assertHolds("attribute_exists(n)")
        self.assertHolds("attribute_exists(z)")
        self.assertFails("attribute_exists(absent)")
        self.assertHolds("attribute_not_exists(absent)")
        self.assertFails("attribute_not_exists(pk)")
        self.assertHolds("attribute_exists(m.a.b[3].c)")
        self.assertFails("attribute_exists(m.a.b[4])")
        self.assertFails("attribute_exists(s.x)")

    def test_attribute_type(self):
        for attr, kind in [("n", "N"), ("s", "S"), ("b", "B"), ("t", "BOOL"), ("z", "NULL"),
                           ("ss", "SS"), ("ns", "NS"), ("bs", "BS"), ("l", "L"), ("m", "M")]:
            self.assertHolds(f"attribute_type({attr}, :t)", {":t": {"S": kind}})
        self.assertFails("attribute_type(n, :t)", {":t": {"S": "S"}})
        self.assertFails("attribute_type(absent, :t)", {":t": {"S": "S"}})
        self.assertHolds("attribute_type(l[2], :t)", {":t": {"S": "M"}})

    def test_attribute_type_with_an_unknown_type(self):
        with self.assertValidation(
                contains="Invalid ConditionExpression: Invalid attribute type name found; "
                         "type: XYZ"):
            self.put_if("attribute_type(n, :t)", {":t": {"S": "XYZ"}})

    def test_begins_with(self):
        self.assertHolds("begins_with(s, :p)", {":p": {"S": "hello"}})
        self.assertHolds("begins_with(s, :p)", {":p": {"S": ""}})
        self.assertFails("begins_with(s, :p)", {":p": {"S": "world"}})
        self.assertHolds("begins_with(b, :p)", {":p": {"B": b"\x01"}})
        self.assertFails("begins_with(n, :p)", {":p": {"S": "5"}})
        self.assertFails("begins_with(s, :p)", {":p": {"B": b"h"}})

    def test_contains(self):
        self.assertHolds("contains(s, :v)", {":v": {"S": "lo wo"}})
        self.assertFails("contains(s, :v)", {":v": {"S": "xyz"}})
        self.assertHolds("contains(ss, :v)", {":v": {"S": "a"}})
        self.assertFails("contains(ss, :v)", {":v": {"S": "c"}})
        self.assertHolds("contains(ns, :v)", {":v": {"N": "2"}})
        self.assertHolds("contains(bs, :v)", {":v": {"B": b"\x02"}})
        self.assertHolds("contains(l, :v)", {":v": {"S": "x"}})
        self.assertHolds("contains(l, :v)", {":v": {"M": {"c": {"N": "3"}}}})
        self.assertFails("contains(ns, :v)", {":v": {"S": "2"}})

    def test_size(self):
        self.assertHolds("size(s) = :v", {":v": {"N": "11"}})
        self.assertHolds("size(b) = :v", {":v": {"N": "2"}})
        self.assertHolds("size(ss) = :v", {":v": {"N": "2"}})
        self.assertHolds("size(l) = :v", {":v": {"N": "3"}})
        self.assertHolds("size(m) = :v", {":v": {"N": "2"}})
        self.assertHolds("size(m.a.b) > :v", {":v": {"N": "3"}})
        self.assertHolds("size(s) BETWEEN :a AND :b", {":a": {"N": "10"}, ":b": {"N": "12"}})
        self.assertFails("size(absent) >= :v", {":v": {"N": "0"}})

    def test_unknown_function(self):
        with self.assertValidation("Invalid ConditionExpression: Invalid function name; "
                                   "function: foo"):
            self.put_if("foo(s)")

    def test_update_functions_are_not_allowed(self):
        with self.assertValidation(
                "Invalid ConditionExpression: The function is not allowed in a condition "
                "expression; function: if_not_exists"):
            self.put_if("if_not_exists(n, :v) = :v", {":v": {"N": "1"}})

    # A condition must be a boolean: a bare size() or path is a syntax error.
    def test_bare_operand_is_not_a_condition(self):
        with self.assertValidation(regex=r"^Invalid ConditionExpression: Syntax error; token: "
                                         r"\"<EOF>\", near: \"n\"$"):
            self.put_if("n")


class NestedPaths(ConditionTestCase):

    def test_map_and_list_paths(self):
        self.assertHolds("m.a.b[3].c = :v", {":v": {"S": "deep"}})
        self.assertHolds("m.a.b[0] = :v", {":v": {"N": "0"}})
        self.assertHolds("l[2].c = :v", {":v": {"N": "3"}})
        self.assertFails("l[7] = :v", {":v": {"N": "3"}})
        self.assertFails("m.nope.x = :v", {":v": {"N": "3"}})

    def test_names_substitute_whole_path_elements(self):
        self.assertHolds("#m.#d = :v", {":v": {"S": "d"}}, {"#m": "m", "#d": "dotted.name"})
        # Without a substitution, a dot separates path elements: no such attribute.
        self.assertFails("attribute_exists(#md)", names={"#md": "m.dotted"})
        self.assertHolds("#m.a.#b[1] = :v", {":v": {"N": "1"}}, {"#m": "m", "#b": "b"})


class Outcomes(ConditionTestCase):

    def item(self):
        return self.client.get_item(TableName=self.table, Key=self.key,
                                    ConsistentRead=True).get("Item")

    def test_put_item_condition_failure_leaves_the_item(self):
        with self.assertConditionalFailed():
            self.client.put_item(TableName=self.table, Item={**self.key, "new": {"S": "x"}},
                                 ConditionExpression="attribute_not_exists(pk)")
        self.assertEqual(self.item()["n"], {"N": "5"})
        self.assertNotIn("new", self.item())

    def test_update_item_condition(self):
        with self.assertConditionalFailed():
            self.client.update_item(TableName=self.table, Key=self.key,
                                    UpdateExpression="SET n = :v", ConditionExpression="n > :v",
                                    ExpressionAttributeValues={":v": {"N": "9"}})
        self.assertEqual(self.item()["n"], {"N": "5"})
        self.client.update_item(TableName=self.table, Key=self.key,
                                UpdateExpression="SET n = :v", ConditionExpression="n < :v",
                                ExpressionAttributeValues={":v": {"N": "9"}})
        self.assertEqual(self.item()["n"], {"N": "9"})

    def test_delete_item_condition(self):
        with self.assertConditionalFailed():
            self.client.delete_item(TableName=self.table, Key=self.key,
                                    ConditionExpression="attribute_not_exists(n)")
        self.assertIsNotNone(self.item())
        self.client.delete_item(TableName=self.table, Key=self.key,
                                ConditionExpression="contains(ss, :a)",
                                ExpressionAttributeValues={":a": {"S": "a"}})
        self.assertIsNone(self.item())

    # On an absent item every attribute is missing: attribute_exists fails on all three.
    def test_conditions_on_an_absent_item(self):
        key = {"pk": {"S": random_name()}}
        with self.assertConditionalFailed():
            self.client.update_item(TableName=self.table, Key=key, UpdateExpression="SET a = :v",
                                    ConditionExpression="attribute_exists(pk)",
                                    ExpressionAttributeValues={":v": {"N": "1"}})
        with self.assertConditionalFailed():
            self.client.delete_item(TableName=self.table, Key=key,
                                    ConditionExpression="attribute_exists(pk)")
        self.client.put_item(TableName=self.table, Item=key,
                             ConditionExpression="attribute_not_exists(pk) AND NOT a = :v",
                             ExpressionAttributeValues={":v": {"N": "1"}})
        self.assertIsNotNone(self.client.get_item(TableName=self.table, Key=key).get("Item"))

    def test_return_values_on_condition_check_failure_all_old(self):
        with self.assertConditionalFailed() as cm:
            self.client.update_item(TableName=self.table, Key=self.key,
                                    UpdateExpression="SET n = :v", ConditionExpression="n > :v",
                                    ExpressionAttributeValues={":v": {"N": "9"}},
                                    ReturnValuesOnConditionCheckFailure="ALL_OLD")
        self.assertEqual(cm.exception.response.get("Item"), {**self.key, **ITEM})
        with self.assertConditionalFailed() as cm:
            self.client.delete_item(TableName=self.table, Key=self.key,
                                    ConditionExpression="attribute_not_exists(n)",
                                    ReturnValuesOnConditionCheckFailure="ALL_OLD")
        self.assertEqual(cm.exception.response.get("Item"), {**self.key, **ITEM})
        with self.assertConditionalFailed() as cm:
            self.put_if("n = :v", {":v": {"N": "1"}},
                        ReturnValuesOnConditionCheckFailure="ALL_OLD")
        self.assertEqual(cm.exception.response.get("Item"), {**self.key, **ITEM})

    def test_return_values_on_condition_check_failure_none_or_absent_item(self):
        with self.assertConditionalFailed() as cm:
            self.put_if("n = :v", {":v": {"N": "1"}}, ReturnValuesOnConditionCheckFailure="NONE")
        self.assertNotIn("Item", cm.exception.response)
        with self.assertConditionalFailed() as cm:
            self.client.delete_item(TableName=self.table, Key={"pk": {"S": random_name()}},
                                    ConditionExpression="attribute_exists(pk)",
                                    ReturnValuesOnConditionCheckFailure="ALL_OLD")
        self.assertNotIn("Item", cm.exception.response)

    def test_resource_api_conditions(self):
        table = self.resource.Table(self.table)
        pk = self.key["pk"]["S"]
        table.update_item(Key={"pk": pk}, UpdateExpression="SET n = :v",
                          ConditionExpression=Attr("n").eq(5) & Attr("s").begins_with("hello")
                          & Attr("absent").not_exists() & Attr("ss").contains("b"),
                          ExpressionAttributeValues={":v": 6})
        self.assertEqual(table.get_item(Key={"pk": pk})["Item"]["n"], 6)
        with self.assertConditionalFailed():
            table.delete_item(Key={"pk": pk}, ConditionExpression=Attr("n").between(7, 9)
                              | Attr("s").is_in(["a", "b"]))
        table.delete_item(Key={"pk": pk}, ConditionExpression=Attr("m.a.b[3].c").eq("deep")
                          & Attr("l").size().eq(3))
        self.assertNotIn("Item", table.get_item(Key={"pk": pk}))


class Errors(ConditionTestCase):

    def test_syntax_error(self):
        with self.assertValidation('Invalid ConditionExpression: Syntax error; token: "<EOF>", '
                                   'near: "foo"'):
            self.put_if("foo")

    def test_double_equals(self):
        with self.assertValidation(regex=r'^Invalid ConditionExpression: Syntax error; token: '
                                         r'"="'):
            self.put_if("n == :v", {":v": {"N": "1"}})

    def test_empty_expression(self):
        with self.assertValidation("Invalid ConditionExpression: The expression can not be "
                                   "empty;"):
            self.put_if("")

    def test_reserved_word_as_a_bare_name(self):
        with self.assertValidation("Invalid ConditionExpression: Attribute name is a reserved "
                                   "keyword; reserved keyword: name"):
            self.put_if("attribute_exists(name)")
        self.assertFails("attribute_exists(#n)", names={"#n": "name"})

    def test_undefined_value(self):
        with self.assertValidation("Invalid ConditionExpression: An expression attribute value "
                                   "used in expression is not defined; attribute value: :w"):
            self.put_if("n = :w", {":v": {"N": "1"}})

    def test_undefined_name(self):
        with self.assertValidation("Invalid ConditionExpression: An expression attribute name "
                                   "used in the document path is not defined; attribute name: "
                                   "#x"):
            self.put_if("attribute_exists(#x)")

    def test_unused_name(self):
        with self.assertValidation("Value provided in ExpressionAttributeNames unused in "
                                   "expressions: keys: {#y}"):
            self.put_if("attribute_exists(#x)", names={"#x": "n", "#y": "s"})

    def test_unused_value(self):
        with self.assertValidation("Value provided in ExpressionAttributeValues unused in "
                                   "expressions: keys: {:b}"):
            self.put_if("n = :a", {":a": {"N": "1"}, ":b": {"N": "2"}})

    def test_values_without_an_expression(self):
        with self.assertValidation("ExpressionAttributeValues can only be specified when using "
                                   "expressions: ConditionExpression is null"):
            self.client.put_item(TableName=self.table, Item=self.key,
                                 ExpressionAttributeValues={":a": {"N": "1"}})

    def test_names_without_an_expression(self):
        with self.assertValidation("ExpressionAttributeNames can only be specified when using "
                                   "expressions"):
            self.client.delete_item(TableName=self.table, Key=self.key,
                                    ExpressionAttributeNames={"#a": "a"})
