"""Durability: tables and items survive a restart, and every acknowledged write survives kill -9.

Each test stops, kills and restarts the class's server on the same data directory (the port
changes on every start, so clients are made anew).
"""

import threading
import time

from harness import ServerTestCase, TidelineServer

ALL_TYPES = {"s": {"S": "text"}, "n": {"N": "-12.5"}, "b": {"B": b"\x00\x01\xff"},
             "t": {"BOOL": True}, "z": {"NULL": True}, "ss": {"SS": ["a"]}, "ns": {"NS": ["7"]},
             "bs": {"BS": [b"q"]}, "l": {"L": [{"S": "x"}, {"N": "1"}]},
             "m": {"M": {"k": {"L": [{"M": {}}]}}}}


class Restart(ServerTestCase):

    def scan_all(self, table):
        items, start = [], None
        while True:
            kw = {"ExclusiveStartKey": start} if start else {}
            resp = self.client.scan(TableName=table, **kw)
            items += resp["Items"]
            start = resp.get("LastEvaluatedKey")
            if not start:
                return items

    def test_tables_survive_a_restart(self):
        name = self.create_table(("pk", "S"), ("sk", "B"), BillingMode="PROVISIONED",
                                 ProvisionedThroughput={"ReadCapacityUnits": 3,
                                                        "WriteCapacityUnits": 4},
                                 Tags=[{"Key": "k", "Value": "v"}])
        before = self.client.describe_table(TableName=name)["Table"]
        self.restart_server()
        after = self.client.describe_table(TableName=name)["Table"]
        for key in ("TableName", "TableId", "TableArn", "KeySchema", "AttributeDefinitions",
                    "CreationDateTime", "TableStatus"):
            self.assertEqual(after[key], before[key], key)
        self.assertEqual(after["ProvisionedThroughput"]["ReadCapacityUnits"], 3)
        self.assertEqual(after["BillingModeSummary"]["BillingMode"], "PROVISIONED")
        self.assertEqual(self.client.list_tags_of_resource(ResourceArn=after["TableArn"])["Tags"],
                         [{"Key": "k", "Value": "v"}])
        self.assertIn(name, self.client.list_tables()["TableNames"])

    def test_items_survive_a_restart(self):
        name = self.create_table(("pk", "S"), ("sk", "N"))
        items = [{"pk": {"S": f"p{i % 5}"}, "sk": {"N": str(i)}, **ALL_TYPES} for i in range(200)]
        self.put_items(name, items)
        self.client.update_item(TableName=name, Key={"pk": {"S": "p0"}, "sk": {"N": "0"}},
                                UpdateExpression="SET s = :s REMOVE t",
                                ExpressionAttributeValues={":s": {"S": "updated"}})
        self.client.delete_item(TableName=name, Key={"pk": {"S": "p1"}, "sk": {"N": "1"}})
        self.restart_server()
        got = {(i["pk"]["S"], i["sk"]["N"]): i for i in self.scan_all(name)}
        self.assertEqual(len(got), 199)
        self.assertNotIn(("p1", "1"), got)
        self.assertEqual(got[("p0", "0")]["s"], {"S": "updated"})
        self.assertNotIn("t", got[("p0", "0")])
        self.assertEqual(got[("p2", "2")], items[2])
        self.assertEqual(self.client.describe_table(TableName=name)["Table"]["ItemCount"], 199)
        # Writes after the restart work as before.
        self.client.put_item(TableName=name, Item={"pk": {"S": "new"}, "sk": {"N": "1"}})
        self.assertEqual(len(self.scan_all(name)), 200)

    def test_deleted_table_stays_deleted(self):
        name = self.create_table()
        self.client.put_item(TableName=name, Item={"pk": {"S": "a"}})
        self.client.delete_table(TableName=name)
        self.client.get_waiter("table_not_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        self.restart_server()
        self.assertNotIn(name, self.client.list_tables()["TableNames"])
        self.create_table(name=name)
        self.assertEqual(self.scan_all(name), [])

    def test_several_restarts(self):
        name = self.create_table()
        for round_ in range(3):
            self.client.put_item(TableName=name, Item={"pk": {"S": f"r{round_}"}})
            self.restart_server(kill=(round_ % 2 == 1))
        self.assertEqual(sorted(i["pk"]["S"] for i in self.scan_all(name)), ["r0", "r1", "r2"])

    # Every write the server acknowledged is there after kill -9, with no clean shutdown.
    def test_acknowledged_writes_survive_kill_9(self):
        name = self.create_table(("pk", "S"), ("sk", "N"))
        for i in range(300):
            self.client.put_item(TableName=name, Item={"pk": {"S": "single"}, "sk": {"N": str(i)},
                                                        "v": {"S": f"value {i}"}})
        self.put_items(name, [{"pk": {"S": "batch"}, "sk": {"N": str(i)}} for i in range(250)])
        for i in range(0, 300, 3):
            self.client.delete_item(TableName=name, Key={"pk": {"S": "single"},
                                                         "sk": {"N": str(i)}})
        self.client.update_item(TableName=name, Key={"pk": {"S": "single"}, "sk": {"N": "1"}},
                                UpdateExpression="ADD c :one",
                                ExpressionAttributeValues={":one": {"N": "1"}})
        self.restart_server(kill=True)
        got = {(i["pk"]["S"], int(i["sk"]["N"])): i for i in self.scan_all(name)}
        want = {("single", i) for i in range(300) if i % 3} | {("batch", i) for i in range(250)}
        self.assertEqual(set(got), want)
        self.assertEqual(got[("single", 1)]["c"], {"N": "1"})
        self.assertEqual(got[("single", 299)]["v"], {"S": "value 299"})

    def test_table_created_just_before_kill_9(self):
        name = self.create_table()
        self.restart_server(kill=True)
        self.assertEqual(self.client.describe_table(TableName=name)["Table"]["TableStatus"],
                         "ACTIVE")
        self.client.put_item(TableName=name, Item={"pk": {"S": "after"}})

    # Writers keep going while the server is killed: each write that got its 200 is kept.
    def test_kill_9_under_concurrent_writes(self):
        name = self.create_table()
        acked, stop = [], threading.Event()

        def writer(n):
            client = self.server.client()
            i = 0
            while not stop.is_set():
                key = f"w{n}-{i}"
                try:
                    client.put_item(TableName=name, Item={"pk": {"S": key}, "v": {"N": str(i)}})
                except Exception:
                    return  # the server is gone
                acked.append(key)
                i += 1

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        self.server.kill9()
        stop.set()
        for t in threads:
            t.join(30)
        self.assertGreater(len(acked), 20)
        self.start_again()
        present = {i["pk"]["S"] for i in self.scan_all(name)}
        missing = [k for k in acked if k not in present]
        self.assertEqual(missing, [], f"{len(missing)} of {len(acked)} acknowledged writes lost")

    # The data directory belongs to one server at a time.
    def test_second_server_on_the_same_data_dir_refuses_to_start(self):
        other = TidelineServer(data_dir=self.server.data_dir)
        try:
            with self.assertRaises(Exception):
                other.start(timeout=10)
            self.assertNotEqual(other.proc.returncode, 0)
        finally:
            other.cleanup()
        # The first server is unharmed.
        self.assertIn("TableNames", self.client.list_tables())


class SyncMode(Restart):
    # --sync makes every write reach the disk before it is acknowledged; everything that holds
    # without it holds with it.
    SERVER_ARGS = ("--sync",)

    # Only the durability tests are worth repeating under --sync.
    test_tables_survive_a_restart = None
    test_deleted_table_stays_deleted = None
    test_several_restarts = None
    test_second_server_on_the_same_data_dir_refuses_to_start = None

