"""TransactWriteItems: Put, Update, Delete and ConditionCheck across tables, all or nothing;
TransactionCanceledException with CancellationReasons in request order (and the item with
ReturnValuesOnConditionCheckFailure=ALL_OLD); request-level validation; ClientRequestToken
idempotency.

Facts: the TransactWriteItems API reference (at most 100 actions; "You can't target the same
item with multiple operations within the same transaction"; ClientRequestToken: a repeated
call with the same token "returns successfully" without a second write, a different request
with the same token gets IdempotentParameterMismatchException), the TransactionCanceledException
and CancellationReason shapes of botocore's service model, and ScyllaDB's AWS-verified
test/alternator/test_transact.py.
"""

import contextlib
import uuid

from harness import ServerTestCase, random_name

CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons "
FAILED = {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}
NONE = {"Code": "None"}


class TransactTestCase(ServerTestCase):
    TABLES = {"table": (("pk", "S"), None), "range_table": (("pk", "S"), ("sk", "N"))}

    def key(self):
        return {"pk": {"S": random_name()}}

    def get(self, key, table=None):
        return self.client.get_item(TableName=table or self.table, Key=key,
                                    ConsistentRead=True).get("Item")

    def put(self, item, table=None):
        self.client.put_item(TableName=table or self.table, Item=item)
        return item

    @contextlib.contextmanager
    def assertCancelled(self, reasons):
        """Expects TransactionCanceledException whose reasons match `reasons` (codes, messages
        and items, in order)."""
        codes = ", ".join(r["Code"] for r in reasons)
        with self.assertApiError("TransactionCanceledException", CANCELLED + f"[{codes}]") as cm:
            yield cm
        self.assertEqual(cm.exception.response.get("CancellationReasons"), reasons)


class Writes(TransactTestCase):

    def test_all_four_actions_across_tables(self):
        k_put, k_upd, k_del, k_chk = self.key(), self.key(), self.key(), self.key()
        self.put({**k_upd, "n": {"N": "1"}})
        self.put({**k_del, "x": {"S": "x"}})
        self.put({**k_chk, "ok": {"BOOL": True}})
        rk = {"pk": {"S": "r"}, "sk": {"N": "1"}}
        self.client.transact_write_items(TransactItems=[
            {"Put": {"TableName": self.table, "Item": {**k_put, "a": {"S": "new"}},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Update": {"TableName": self.table, "Key": k_upd,
                        "UpdateExpression": "SET n = n + :one, #t = :t",
                        "ExpressionAttributeNames": {"#t": "tag"},
                        "ExpressionAttributeValues": {":one": {"N": "1"}, ":t": {"S": "t"}}}},
            {"Delete": {"TableName": self.table, "Key": k_del}},
            {"ConditionCheck": {"TableName": self.table, "Key": k_chk,
                                "ConditionExpression": "ok = :true",
                                "ExpressionAttributeValues": {":true": {"BOOL": True}}}},
            {"Put": {"TableName": self.range_table, "Item": {**rk, "v": {"N": "7"}}}},
        ])
        self.assertEqual(self.get(k_put), {**k_put, "a": {"S": "new"}})
        self.assertEqual(self.get(k_upd), {**k_upd, "n": {"N": "2"}, "tag": {"S": "t"}})
        self.assertIsNone(self.get(k_del))
        self.assertEqual(self.get(k_chk), {**k_chk, "ok": {"BOOL": True}})
        self.assertEqual(self.get(rk, self.range_table), {**rk, "v": {"N": "7"}})

    # Update on an absent item creates it, as UpdateItem does.
    def test_update_creates_and_put_replaces(self):
        k1, k2 = self.key(), self.key()
        self.put({**k2, "old": {"S": "x"}})
        self.client.transact_write_items(TransactItems=[
            {"Update": {"TableName": self.table, "Key": k1, "UpdateExpression": "ADD c :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            {"Put": {"TableName": self.table, "Item": {**k2, "new": {"S": "y"}}}}])
        self.assertEqual(self.get(k1), {**k1, "c": {"N": "1"}})
        self.assertEqual(self.get(k2), {**k2, "new": {"S": "y"}})

    def test_resource_client_serializes_python_values(self):
        client = self.resource.meta.client
        pk = random_name()
        client.transact_write_items(TransactItems=[
            {"Put": {"TableName": self.table, "Item": {"pk": pk, "n": 41, "s": {"a", "b"}}}}])
        client.transact_write_items(TransactItems=[
            {"Update": {"TableName": self.table, "Key": {"pk": pk},
                        "UpdateExpression": "SET n = n + :one",
                        "ConditionExpression": "contains(s, :a)",
                        "ExpressionAttributeValues": {":one": 1, ":a": "a"}}}])
        self.assertEqual(self.resource.Table(self.table).get_item(Key={"pk": pk})["Item"],
                         {"pk": pk, "n": 42, "s": {"a", "b"}})


    # Each item is charged twice what its write alone costs: 1 unit per KB of the larger of
    # the item before and after it (DynamoDB sizes), so an update that shrinks a 2,049-byte item
    # costs 6; ConsumedCapacity has one entry per table, with "Table" under INDEXES.
    def test_consumed_capacity(self):
        k1, k2 = self.key(), self.key()
        name = k1["pk"]["S"]
        self.put({**k1, "b": {"S": "x" * (2049 - 2 - len(name) - 1)}})
        resp = self.client.transact_write_items(TransactItems=[
            {"Update": {"TableName": self.table, "Key": k1, "UpdateExpression": "SET b = :v",
                        "ExpressionAttributeValues": {":v": {"S": "small"}}}},
            {"Put": {"TableName": self.table, "Item": k2}},
            {"Put": {"TableName": self.range_table,
                     "Item": {"pk": {"S": "cap"}, "sk": {"N": "1"}}}}],
            ReturnConsumedCapacity="INDEXES")
        self.assertEqual(sorted(resp["ConsumedCapacity"], key=lambda c: c["TableName"]),
                         sorted([{"TableName": self.table, "CapacityUnits": 8.0,
                                  "Table": {"CapacityUnits": 8.0}},
                                 {"TableName": self.range_table, "CapacityUnits": 2.0,
                                  "Table": {"CapacityUnits": 2.0}}],
                                key=lambda c: c["TableName"]))


class Cancellation(TransactTestCase):

    def test_one_failed_condition_cancels_everything(self):
        k1, k2, k3 = self.key(), self.key(), self.key()
        self.put({**k2, "n": {"N": "1"}})
        self.put({**k3, "n": {"N": "1"}})
        with self.assertCancelled([NONE, FAILED, NONE]):
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self.table, "Item": {**k1, "a": {"S": "x"}}}},
                {"Update": {"TableName": self.table, "Key": k2, "UpdateExpression": "SET n = :v",
                            "ConditionExpression": "n = :v",
                            "ExpressionAttributeValues": {":v": {"N": "2"}}}},
                {"Delete": {"TableName": self.table, "Key": k3}}])
        self.assertIsNone(self.get(k1))
        self.assertEqual(self.get(k2), {**k2, "n": {"N": "1"}})
        self.assertEqual(self.get(k3), {**k3, "n": {"N": "1"}})

    def test_every_failed_condition_is_reported_in_order(self):
        k1, k2, k3 = self.key(), self.key(), self.key()
        self.put({**k1, "n": {"N": "1"}})
        with self.assertCancelled([FAILED, NONE, FAILED]):
            self.client.transact_write_items(TransactItems=[
                {"ConditionCheck": {"TableName": self.table, "Key": k1,
                                    "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Put": {"TableName": self.table, "Item": k2}},
                {"Delete": {"TableName": self.table, "Key": k3,
                            "ConditionExpression": "attribute_exists(pk)"}}])
        self.assertIsNone(self.get(k2))

    def test_return_values_on_condition_check_failure(self):
        k1, k2 = self.key(), self.key()
        old = self.put({**k1, "n": {"N": "1"}, "l": {"L": [{"S": "x"}]}})
        with self.assertCancelled([dict(FAILED, Item=old), NONE, FAILED]):
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self.table, "Item": k1,
                         "ConditionExpression": "attribute_not_exists(pk)",
                         "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
                {"Put": {"TableName": self.range_table,
                         "Item": {"pk": {"S": "z"}, "sk": {"N": "0"}}}},
                # An absent item has nothing to return.
                {"ConditionCheck": {"TableName": self.table, "Key": k2,
                                    "ConditionExpression": "attribute_exists(pk)",
                                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}])

    def test_update_error_found_at_run_time_cancels(self):
        k1, k2 = self.key(), self.key()
        self.put({**k2, "s": {"S": "text"}})
        with self.assertCancelled([NONE, {"Code": "ValidationError", "Message": "An operand in the "
                                          "update expression has an incorrect data type"}]):
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self.table, "Item": k1}},
                {"Update": {"TableName": self.table, "Key": k2, "UpdateExpression": "SET s = s + :o",
                            "ExpressionAttributeValues": {":o": {"N": "1"}}}}])
        self.assertIsNone(self.get(k1))


    def error_message(self, call, **kw):
        """The ValidationException message of one non-transactional call."""
        with self.assertApiError("ValidationException") as cm:
            call(**kw)
        return cm.exception.response["Error"]["Message"]

    # An item that does not fit its table (a key attribute of the wrong type, an empty key
    # value) cancels the transaction before anything is written: TransactionCanceledException
    # with a ValidationError reason, carrying the message PutItem or DeleteItem would give, for
    # the first such item, and None for every other one, even another invalid one or one whose
    # condition would fail (ScyllaDB's test_transact_write_cancellation_reasons_validationerror,
    # run against AWS).
    def test_invalid_item_cancels(self):
        k1 = self.key()
        wrong_type = {"pk": {"N": "7"}}
        empty = {"pk": {"S": ""}}
        type_message = self.error_message(self.client.put_item, TableName=self.table,
                                          Item=wrong_type)
        empty_message = self.error_message(self.client.delete_item, TableName=self.table,
                                           Key=empty)
        with self.assertCancelled([NONE, {"Code": "ValidationError", "Message": type_message}]):
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self.table, "Item": k1}},
                {"Put": {"TableName": self.table, "Item": wrong_type}}])
        with self.assertCancelled([{"Code": "ValidationError", "Message": empty_message},
                                   NONE, NONE]):
            self.client.transact_write_items(TransactItems=[
                {"Delete": {"TableName": self.table, "Key": empty}},
                {"Put": {"TableName": self.table, "Item": wrong_type}},
                {"Put": {"TableName": self.table, "Item": k1,
                         "ConditionExpression": "attribute_exists(pk)"}}])
        self.assertIsNone(self.get(k1))


class Validation(TransactTestCase):

    def test_two_actions_on_one_item(self):
        k = self.key()
        with self.assertValidation("Transaction request cannot include multiple operations on one "
                                   "item"):
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self.table, "Item": k}},
                {"ConditionCheck": {"TableName": self.table, "Key": k,
                                    "ConditionExpression": "attribute_not_exists(pk)"}}])
        self.assertIsNone(self.get(k))

    def test_at_most_100_actions(self):
        items = [{"Put": {"TableName": self.table, "Item": {"pk": {"S": f"many{i}"}}}}
                 for i in range(101)]
        with self.assertValidation(contains=["at 'transactItems' failed to satisfy constraint: "
                                             "Member must have length less than or equal to 100"]):
            self.raw_client.transact_write_items(TransactItems=items)
        self.assertIsNone(self.get({"pk": {"S": "many0"}}))
        self.client.transact_write_items(TransactItems=items[:100])
        self.assertIsNotNone(self.get({"pk": {"S": "many99"}}))

    def test_empty_list(self):
        with self.assertValidation("1 validation error detected: Value '[]' at 'transactItems' "
                                   "failed to satisfy constraint: Member must have length greater "
                                   "than or equal to 1"):
            self.raw_client.transact_write_items(TransactItems=[])

    def test_condition_check_needs_a_condition(self):
        with self.assertValidation(regex="[cC]onditionExpression"):
            self.raw_client.transact_write_items(TransactItems=[
                {"ConditionCheck": {"TableName": self.table, "Key": self.key()}}])

    def test_missing_table(self):
        k = self.key()
        with self.assertApiError("ResourceNotFoundException"):
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self.table, "Item": k}},
                {"Put": {"TableName": random_name(), "Item": self.key()}}])
        self.assertIsNone(self.get(k))

    def test_expression_errors_are_validation_errors(self):
        k = self.key()
        with self.assertValidation("Invalid UpdateExpression: Syntax error; token: \"1\", near: "
                                   "\"VALUE 1\""):
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self.table, "Item": k}},
                {"Update": {"TableName": self.table, "Key": self.key(),
                            "UpdateExpression": "SET path = VALUE 1"}}])
        with self.assertValidation("One or more parameter values were invalid: Cannot update "
                                   "attribute pk. This attribute is part of the key"):
            self.client.transact_write_items(TransactItems=[
                {"Update": {"TableName": self.table, "Key": self.key(),
                            "UpdateExpression": "SET pk = :v",
                            "ExpressionAttributeValues": {":v": {"S": "x"}}}}])
        with self.assertValidation("Value provided in ExpressionAttributeValues unused in "
                                   "expressions: keys: {:unused}"):
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self.table, "Item": k,
                         "ConditionExpression": "attribute_not_exists(pk)",
                         "ExpressionAttributeValues": {":unused": {"N": "1"}}}}])
        self.assertIsNone(self.get(k))


class Idempotency(TransactTestCase):

    def increment(self, key):
        return [{"Update": {"TableName": self.table, "Key": key,
                            "UpdateExpression": "ADD n :one",
                            "ExpressionAttributeValues": {":one": {"N": "1"}}}}]

    def test_without_a_token_every_call_writes(self):
        k = self.key()
        self.client.transact_write_items(TransactItems=self.increment(k))
        self.client.transact_write_items(TransactItems=self.increment(k))
        self.assertEqual(self.get(k)["n"], {"N": "2"})

    def test_same_token_same_request_writes_once(self):
        k = self.key()
        token = str(uuid.uuid4())
        self.client.transact_write_items(TransactItems=self.increment(k), ClientRequestToken=token)
        self.client.transact_write_items(TransactItems=self.increment(k), ClientRequestToken=token)
        self.assertEqual(self.get(k)["n"], {"N": "1"})
        # A new token is a new transaction.
        self.client.transact_write_items(TransactItems=self.increment(k),
                                         ClientRequestToken=str(uuid.uuid4()))
        self.assertEqual(self.get(k)["n"], {"N": "2"})

    def test_same_token_different_request(self):
        k1, k2 = self.key(), self.key()
        token = str(uuid.uuid4())
        self.client.transact_write_items(TransactItems=self.increment(k1), ClientRequestToken=token)
        with self.assertApiError("IdempotentParameterMismatchException"):
            self.client.transact_write_items(TransactItems=self.increment(k2),
                                             ClientRequestToken=token)
        self.assertIsNone(self.get(k2))
        self.assertEqual(self.get(k1)["n"], {"N": "1"})

    def test_token_length(self):
        k = self.key()
        self.client.transact_write_items(TransactItems=self.increment(k),
                                         ClientRequestToken="t" * 30 + random_name()[-6:])
        with self.assertValidation(contains="clientRequestToken"):
            self.raw_client.transact_write_items(TransactItems=self.increment(k),
                                                 ClientRequestToken="t" * 37)
        self.assertEqual(self.get(k)["n"], {"N": "1"})
