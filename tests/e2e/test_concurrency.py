"""Concurrent writers through the wire: racing conditional updates of one item never both
succeed, and transactions over overlapping items never interleave (money moved between
accounts by concurrent TransactWriteItems keeps its sum, as every TransactGetItems sees it).

Facts: the DynamoDB developer guide, "Transaction conflict handling in DynamoDB": a PutItem,
UpdateItem or DeleteItem of an item of an ongoing TransactWriteItems fails with
TransactionConflictException; a TransactWriteItems whose item is part of another ongoing one is
cancelled (TransactionCanceledException, reason TransactionConflict, "Transaction is ongoing for
the item" per the TransactionCanceledException API reference). Which request loses a race is
timing: the tests accept either outcome of every request and check the invariants. That an item
write fails at once on a held item is shown deterministically at the storage level
(tests/unit/storage/write_isolation_test.cc).
"""

import random
import threading

import botocore.exceptions

from harness import ServerTestCase, random_name

CONFLICT_MESSAGE = "Transaction is ongoing for the item"


def error_code(exc):
    return exc.response["Error"]["Code"]


class Concurrency(ServerTestCase):
    # Two HTTP threads, so that requests really run at the same time in the server.
    SERVER_ARGS = ("--threads", "2")
    TABLES = {"table": (("pk", "S"), None)}

    def run_threads(self, target, count):
        errors = []

        def guarded(index):
            try:
                target(index, self.server.client())
            except BaseException as e:  # reported by the main thread
                errors.append(e)

        threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]

    def test_racing_conditional_updates_never_both_succeed(self):
        key = {"pk": {"S": random_name()}}
        self.client.put_item(TableName=self.table, Item={**key, "n": {"N": "0"}})
        successes = [0] * 4

        def worker(index, client):
            for _ in range(60):
                seen = client.get_item(TableName=self.table, Key=key,
                                       ConsistentRead=True)["Item"]["n"]["N"]
                try:
                    client.update_item(
                        TableName=self.table, Key=key, UpdateExpression="SET n = :next",
                        ConditionExpression="n = :seen",
                        ExpressionAttributeValues={":seen": {"N": seen},
                                                   ":next": {"N": str(int(seen) + 1)}})
                    successes[index] += 1
                except botocore.exceptions.ClientError as e:
                    if error_code(e) != "ConditionalCheckFailedException":
                        raise

        self.run_threads(worker, len(successes))
        final = self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True)
        # Each success moved n from the value it saw to the next: a lost update would leave n
        # below the number of successes.
        self.assertEqual(int(final["Item"]["n"]["N"]), sum(successes))
        self.assertGreater(sum(successes), 0)

    def test_concurrent_transfers_keep_the_sum(self):
        accounts = [{"pk": {"S": random_name("acct")}} for _ in range(4)]
        for a in accounts:
            self.client.put_item(TableName=self.table, Item={**a, "b": {"N": "100"}})
        total = 100 * len(accounts)
        outcomes = {"committed": 0, "TransactionConflict": 0, "ConditionalCheckFailed": 0,
                    "item conflicts": 0}
        lock = threading.Lock()
        stop = threading.Event()

        def transfer(index, client):
            rng = random.Random(index)
            for _ in range(40):
                src, dst = rng.sample(accounts, 2)
                amount = str(rng.randint(1, 30))
                try:
                    client.transact_write_items(TransactItems=[
                        {"Update": {"TableName": self.table, "Key": src,
                                    "UpdateExpression": "SET b = b - :x",
                                    "ConditionExpression": "b >= :x",
                                    "ExpressionAttributeValues": {":x": {"N": amount}}}},
                        {"Update": {"TableName": self.table, "Key": dst,
                                    "UpdateExpression": "SET b = b + :x",
                                    "ExpressionAttributeValues": {":x": {"N": amount}}}}])
                    outcome = "committed"
                except botocore.exceptions.ClientError as e:
                    if error_code(e) != "TransactionCanceledException":
                        raise
                    codes = {r["Code"] for r in e.response["CancellationReasons"]} - {"None"}
                    self.assertEqual(len(codes), 1, e.response["CancellationReasons"])
                    outcome = codes.pop()
                    self.assertIn(outcome, ("TransactionConflict", "ConditionalCheckFailed"))
                    for r in e.response["CancellationReasons"]:
                        if r["Code"] == "TransactionConflict":
                            self.assertEqual(r["Message"], CONFLICT_MESSAGE)
                with lock:
                    outcomes[outcome] += 1

        def audit(client):
            # Every snapshot of all the accounts sees whole transfers only.
            while not stop.is_set():
                items = client.transact_get_items(TransactItems=[
                    {"Get": {"TableName": self.table, "Key": a}} for a in accounts])
                balances = [int(r["Item"]["b"]["N"]) for r in items["Responses"]]
                self.assertEqual(sum(balances), total, balances)
                self.assertTrue(all(b >= 0 for b in balances), balances)

        def touch(client):
            # Item writes of the accounts (not of their balances) succeed, or meet an ongoing
            # transfer and fail with TransactionConflictException.
            while not stop.is_set():
                try:
                    client.update_item(TableName=self.table, Key=random.choice(accounts),
                                       UpdateExpression="SET touched = :t",
                                       ExpressionAttributeValues={":t": {"S": random_name()}})
                except botocore.exceptions.ClientError as e:
                    self.assertEqual(error_code(e), "TransactionConflictException")
                    self.assertEqual(e.response["Error"]["Message"], CONFLICT_MESSAGE)
                    self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 400)
                    with lock:
                        outcomes["item conflicts"] += 1

        def role(index, client):
            try:
                if index == 0:
                    audit(client)
                elif index == 1:
                    touch(client)
                else:
                    transfer(index, client)
            finally:
                if index >= 2:
                    with lock:
                        outcomes.setdefault("transfer threads done", 0)
                        outcomes["transfer threads done"] += 1
                        if outcomes["transfer threads done"] == 3:
                            stop.set()

        self.run_threads(role, 5)
        balances = [int(self.client.get_item(TableName=self.table, Key=a, ConsistentRead=True)
                        ["Item"]["b"]["N"]) for a in accounts]
        self.assertEqual(sum(balances), total, (balances, outcomes))
        self.assertGreater(outcomes["committed"], 0, outcomes)
