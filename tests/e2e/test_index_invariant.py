"""The index invariant through the real server: after a random workload (PutItem, UpdateItem
moving index keys, DeleteItem, TransactWriteItems, BatchWriteItem) on a table with GSIs and LSIs,
and after kill -9 at random points, including in the middle of an UpdateTable backfill, every
index equals the index recomputed from the table.

The check reads each index through the API (Scan with IndexName, and Query with IndexName per
partition value) and compares it with the entries recomputed on the client from a Scan of the
table, by DynamoDB's rules: an item is in an index when it has every key attribute of the index
(sparse otherwise); the entry holds the projected attributes (ALL: the item; KEYS_ONLY: table and
index keys; INCLUDE: those plus the listed attributes it has). The table itself must hold every
acknowledged write (the workload is sequential, so every write before a kill was acknowledged).

Size with INDEX_INVARIANT_CYCLES (default 4 kill cycles of 120 operations each).
"""

import os
import random
import time

from harness import ServerTestCase, random_name

CYCLES = int(os.environ.get("INDEX_INVARIANT_CYCLES", "4"))
OPS_PER_CYCLE = 120
KEYS = 150  # few keys: writes overwrite, move and delete existing items

# name -> (hash attrs, range attrs, projection, non-key attributes); GSIs then LSIs.
GSIS = {
    "g_all": (("gk", "S"), ("gr", "N"), "ALL", ()),
    "g_keys": (("gn", "N"), None, "KEYS_ONLY", ()),
    "g_inc": (("ga", "S"), ("gc", "S"), "INCLUDE", ("x", "nothing")),
}
LSIS = {
    "l_all": (("pk", "S"), ("lr", "S"), "ALL", ()),
    "l_keys": (("pk", "S"), ("ln", "N"), "KEYS_ONLY", ()),
}
# Created by UpdateTable during the test, over the items present then.
NEW_GSI = ("g_new", (("nk", "S"), ("gr", "N"), "INCLUDE", ("x",)))
TABLE_KEYS = ("pk", "sk")


def key_schema(hash_attr, range_attr):
    schema = [{"AttributeName": hash_attr[0], "KeyType": "HASH"}]
    if range_attr:
        schema.append({"AttributeName": range_attr[0], "KeyType": "RANGE"})
    return schema


def projection(kind, non_key):
    p = {"ProjectionType": kind}
    if kind == "INCLUDE":
        p["NonKeyAttributes"] = list(non_key)
    return p


def index_definition(name, spec):
    hash_attr, range_attr, kind, non_key = spec
    return {"IndexName": name, "KeySchema": key_schema(hash_attr, range_attr),
            "Projection": projection(kind, non_key)}


def expected_entries(items, spec):
    """The index recomputed from the table: {table key: projected item}."""
    hash_attr, range_attr, kind, non_key = spec
    key_attrs = [hash_attr] + ([range_attr] if range_attr else [])
    out = {}
    for item in items:
        if not all(name in item and typ in item[name] for name, typ in key_attrs):
            continue  # sparse: not in the index
        if kind == "ALL":
            entry = dict(item)
        else:
            names = set(TABLE_KEYS) | {name for name, _ in key_attrs}
            if kind == "INCLUDE":
                names |= set(non_key)
            entry = {k: v for k, v in item.items() if k in names}
        out[(item["pk"]["S"], item["sk"]["S"])] = entry
    return out


class IndexInvariant(ServerTestCase):

    def setUp(self):
        self.rng = random.Random(int(os.environ.get("INDEX_INVARIANT_SEED", "10")))
        self.model = {}  # (pk, sk) -> item: every acknowledged write applied
        self.specs = dict(GSIS)
        self.specs.update(LSIS)
        self.table = random_name("inv")
        definitions = {"pk": "S", "sk": "S"}
        for hash_attr, range_attr, _, _ in self.specs.values():
            for name, typ in [hash_attr] + ([range_attr] if range_attr else []):
                definitions[name] = typ
        self.client.create_table(
            TableName=self.table, BillingMode="PAY_PER_REQUEST",
            KeySchema=key_schema(("pk", "S"), ("sk", "S")),
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": t}
                                  for n, t in definitions.items()],
            GlobalSecondaryIndexes=[index_definition(n, s) for n, s in GSIS.items()],
            LocalSecondaryIndexes=[index_definition(n, s) for n, s in LSIS.items()])
        self.wait_active(self.table)

    # --- the workload --------------------------------------------------------------------

    def random_key(self):
        return {"pk": {"S": f"p{self.rng.randrange(8)}"},
                "sk": {"S": f"s{self.rng.randrange(KEYS)}"}}

    def random_item(self, key=None):
        rng = self.rng
        item = dict(key or self.random_key())

        def maybe(name, value):
            if rng.random() < 0.75:
                item[name] = value

        maybe("gk", {"S": f"g{rng.randrange(4)}"})
        maybe("gr", {"N": str(rng.randrange(-3, 4))})
        maybe("gn", {"N": str(rng.randrange(3))})
        maybe("ga", {"S": f"a{rng.randrange(3)}"})
        maybe("gc", {"S": f"c{rng.randrange(3)}"})
        maybe("lr", {"S": f"l{rng.randrange(5)}"})
        maybe("ln", {"N": str(rng.randrange(5))})
        maybe("nk", {"S": f"n{rng.randrange(3)}"})
        maybe("x", {"S": "x" * rng.randrange(1, 40)})
        maybe("other", {"N": str(rng.randrange(1000))})
        return item

    @staticmethod
    def model_key(key):
        return (key["pk"]["S"], key["sk"]["S"])

    def random_update(self, key):
        """An UpdateItem that moves index keys (SET) and drops attributes (REMOVE)."""
        rng = self.rng
        sets, removes, values = [], [], {}
        for name in rng.sample(["gk", "gr", "gn", "ga", "gc", "lr", "ln", "nk", "x"], 3):
            if rng.random() < 0.3:
                removes.append(name)
                continue
            if name in ("gr", "gn", "ln"):
                values[f":{name}"] = {"N": str(rng.randrange(4))}
            else:
                values[f":{name}"] = {"S": f"{name}{rng.randrange(4)}"}
            sets.append(f"{name} = :{name}")
        expression = ""
        if sets:
            expression += "SET " + ", ".join(sets)
        if removes:
            expression += " REMOVE " + ", ".join(removes)
        update = {"Key": key, "UpdateExpression": expression.strip()}
        if values:
            update["ExpressionAttributeValues"] = values
        return update, sets, removes, values

    def apply_update(self, key, sets, removes, values):
        if self.model_key(key) not in self.model and not sets:
            return  # REMOVE alone on a missing item creates none (as the server does)
        item = dict(self.model.get(self.model_key(key), key))
        for s in sets:
            name = s.split(" = ")[0]
            item[name] = values[f":{name}"]
        for name in removes:
            item.pop(name, None)
        self.model[self.model_key(key)] = item

    def distinct_keys(self, n):
        keys = {}
        while len(keys) < n:
            k = self.random_key()
            keys[self.model_key(k)] = k
        return list(keys.values())

    def one_operation(self):
        rng = self.rng
        kind = rng.choices(["put", "update", "delete", "transact", "batch"],
                           weights=[4, 4, 2, 1, 1])[0]
        if kind == "put":
            item = self.random_item()
            self.client.put_item(TableName=self.table, Item=item)
            self.model[self.model_key(item)] = item
        elif kind == "update":
            key = self.random_key()
            update, sets, removes, values = self.random_update(key)
            self.client.update_item(TableName=self.table, **update)
            self.apply_update(key, sets, removes, values)
        elif kind == "delete":
            key = self.random_key()
            self.client.delete_item(TableName=self.table, Key=key)
            self.model.pop(self.model_key(key), None)
        elif kind == "transact":
            actions, effects = [], []
            for key in self.distinct_keys(rng.randrange(2, 5)):
                choice = rng.randrange(3)
                if choice == 0:
                    item = self.random_item(key)
                    actions.append({"Put": {"TableName": self.table, "Item": item}})
                    effects.append(("put", item))
                elif choice == 1:
                    update, sets, removes, values = self.random_update(key)
                    update["TableName"] = self.table
                    actions.append({"Update": update})
                    effects.append(("update", (key, sets, removes, values)))
                else:
                    actions.append({"Delete": {"TableName": self.table, "Key": key}})
                    effects.append(("delete", key))
            self.client.transact_write_items(TransactItems=actions)
            for what, arg in effects:
                if what == "put":
                    self.model[self.model_key(arg)] = arg
                elif what == "update":
                    self.apply_update(*arg)
                else:
                    self.model.pop(self.model_key(arg), None)
        else:
            requests, effects = [], []
            for key in self.distinct_keys(rng.randrange(2, 25)):
                if rng.random() < 0.7:
                    item = self.random_item(key)
                    requests.append({"PutRequest": {"Item": item}})
                    effects.append((key, item))
                else:
                    requests.append({"DeleteRequest": {"Key": key}})
                    effects.append((key, None))
            pending = {self.table: requests}
            while pending:
                pending = self.client.batch_write_item(RequestItems=pending)["UnprocessedItems"]
            for key, item in effects:
                if item is None:
                    self.model.pop(self.model_key(key), None)
                else:
                    self.model[self.model_key(key)] = item

    # --- the check -----------------------------------------------------------------------

    def scan_all(self, **kw):
        items, kwargs = [], dict(TableName=self.table, **kw)
        while True:
            page = self.client.scan(**kwargs)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def check(self, when):
        table_items = self.scan_all(ConsistentRead=True)
        got_table = {self.model_key(i): i for i in table_items}
        self.assertEqual(len(got_table), len(table_items), f"{when}: duplicate table items")
        wrong = sorted(k for k in set(got_table) | set(self.model)
                       if got_table.get(k) != self.model.get(k))
        self.assertEqual(wrong[:3], [], f"{when}: the table is not the acknowledged writes: "
                                        f"{[(got_table.get(k), self.model.get(k)) for k in wrong[:2]]}")
        for name, spec in self.specs.items():
            want = expected_entries(table_items, spec)
            scanned = self.scan_all(IndexName=name)
            got = {self.model_key(i): i for i in scanned}
            self.assertEqual(len(got), len(scanned), f"{when}: {name} has an item twice")
            missing = sorted(set(want) - set(got))
            extra = sorted(set(got) - set(want))
            self.assertEqual((missing[:5], extra[:5]), ([], []),
                             f"{when}: index {name}: {len(missing)} missing, {len(extra)} extra")
            stale = [k for k in want if want[k] != got[k]]
            self.assertEqual(stale[:3], [], f"{when}: index {name}: {len(stale)} stale entries, "
                                            f"e.g. {[(want[k], got[k]) for k in stale[:1]]}")
            # Query per partition value: the same entries, in index key order.
            hash_name, hash_type = spec[0]
            range_attr = spec[1]
            for value in sorted({i[hash_name][hash_type] for i in want.values()}):
                part = self.query_all(name, hash_name, hash_type, value)
                self.assertEqual(
                    sorted(self.model_key(i) for i in part),
                    sorted(k for k, i in want.items() if i[hash_name][hash_type] == value),
                    f"{when}: Query {name} {hash_name}={value}")
                if range_attr:
                    r_name, r_type = range_attr
                    order = [(float(i[r_name][r_type]) if r_type == "N" else i[r_name][r_type])
                             for i in part]
                    self.assertEqual(order, sorted(order), f"{when}: Query {name} order")

    def query_all(self, index, hash_name, hash_type, value):
        items, kwargs = [], dict(TableName=self.table, IndexName=index,
                                 KeyConditionExpression="#h = :h",
                                 ExpressionAttributeNames={"#h": hash_name},
                                 ExpressionAttributeValues={":h": {hash_type: value}})
        while True:
            page = self.client.query(**kwargs)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def index_status(self, name):
        table = self.client.describe_table(TableName=self.table)["Table"]
        for index in table.get("GlobalSecondaryIndexes", []):
            if index["IndexName"] == name:
                return index["IndexStatus"]
        return None

    def wait_index_active(self, name, timeout=120):
        deadline = time.monotonic() + timeout
        while self.index_status(name) != "ACTIVE":
            self.assertLess(time.monotonic(), deadline, f"index {name} never became ACTIVE")
            time.sleep(0.05)

    def finished_since_the_last_start(self, name, within=2.0):
        """Whether the running server's own log says it turned index `name` ACTIVE after a
        backfill: the catalog's line, written once, just after the change (so it may trail the
        ACTIVE status by a moment)."""
        line = f"index {name} CREATING (backfilling) -> ACTIVE"
        deadline = time.monotonic() + within
        while True:
            log = self.server.log_text()
            if line in log[log.rindex("[harness] start #"):]:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)

    # --- the tests -----------------------------------------------------------------------

    def test_random_workload_with_kill_9_keeps_every_index_exact(self):
        for cycle in range(CYCLES):
            for _ in range(OPS_PER_CYCLE):
                self.one_operation()
            self.check(f"cycle {cycle}, before kill -9")
            self.restart_server(kill=True)
            self.check(f"cycle {cycle}, after kill -9")
        self.restart_server(kill=False)
        self.check("after a clean restart")

    def test_kill_9_in_the_middle_of_a_backfill_resumes_it_exact(self):
        # Enough items that the backfill is still running a moment after UpdateTable answers.
        items = [self.random_item({"pk": {"S": f"p{i % 8}"}, "sk": {"S": f"bulk{i:06d}"}})
                 for i in range(10000)]
        self.put_items(self.table, items)
        for item in items:
            self.model[self.model_key(item)] = item
        for _ in range(OPS_PER_CYCLE):
            self.one_operation()
        base_name, spec = NEW_GSI
        resumed = False
        for attempt in range(3):
            name = f"{base_name}{attempt}"
            self.client.update_table(
                TableName=self.table,
                AttributeDefinitions=[{"AttributeName": "nk", "AttributeType": "S"},
                                      {"AttributeName": "gr", "AttributeType": "N"}],
                GlobalSecondaryIndexUpdates=[{"Create": index_definition(name, spec)}])
            for _ in range(3 - attempt):  # writes while it backfills, moving its keys
                self.one_operation()
            self.restart_server(kill=True)
            for _ in range(OPS_PER_CYCLE):  # while the resumed backfill runs
                self.one_operation()
            self.wait_index_active(name)
            # The kill cut the backfill short if the restarted server is the one that finished
            # it. Its log says so; a DescribeTable right after the restart may come too late to
            # see CREATING, since a resumed backfill of these items can end within milliseconds.
            resumed = self.finished_since_the_last_start(name)
            self.specs[name] = spec
            self.check(f"after a backfill cut short by kill -9 (attempt {attempt})")
            if resumed:
                break  # else the backfill had finished before the kill: again, sooner
        self.assertTrue(resumed, "every kill came after the backfill had finished")
        # Kill -9 again at random moments of further work, the new index included.
        for cycle in range(2):
            for _ in range(self.rng.randrange(20, OPS_PER_CYCLE)):
                self.one_operation()
            self.restart_server(kill=True)
            self.check(f"after kill -9 number {cycle + 2}")
