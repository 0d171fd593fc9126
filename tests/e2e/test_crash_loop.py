"""Crashes: kill -9 under concurrent writes, again and again, and the commit clock across a crash.

CrashLoop: writers put unique items and increment counters while the server is killed (SIGKILL)
and restarted; after every restart every acknowledged write must be there, and every counter
must hold at least the increments acknowledged (at most the ones attempted). Size with
CRASH_LOOP_CYCLES (default 10, about 30 s).

ClockAcrossCrash: the commit clock was persisted only at a clean shutdown; after kill -9 and a
wall clock stepped back an hour (an NTP correction at boot), new writes got older timestamps, and
a point-in-time restore returned a value written after the moment asked for. Run under
libfaketime (package faketime; scripts/install-deps.sh installs it).
"""

import glob
import os
import random
import threading
import time
import unittest

from botocore.exceptions import BotoCoreError, ClientError

from harness import ServerTestCase, TidelineServer, random_name

CYCLES = int(os.environ.get("CRASH_LOOP_CYCLES", "10"))
WRITERS = 4


class CrashLoop(ServerTestCase):
    def test_kill_9_under_concurrent_writes_loses_no_acknowledged_write(self):
        table = self.create_table()
        acked = {}          # key -> value of every acknowledged PutItem
        counter_acked = {}  # writer -> acknowledged ADD 1 on its counter
        counter_tried = {}  # writer -> attempted
        lock = threading.Lock()
        stop = threading.Event()
        endpoint_ready = threading.Event()
        endpoint_ready.set()

        def writer(w):
            client = self.server.client()
            port = self.server.port
            i = 0
            counter_acked[w] = counter_tried[w] = 0
            while not stop.is_set():
                endpoint_ready.wait()
                if self.server.port != port:  # restarted on a new port
                    port = self.server.port
                    client = self.server.client()
                i += 1
                key = f"w{w}-{i}"
                try:
                    if i % 4 == 0:
                        with lock:
                            counter_tried[w] += 1
                        client.update_item(TableName=table, Key={"pk": {"S": f"counter-{w}"}},
                                           UpdateExpression="ADD n :one",
                                           ExpressionAttributeValues={":one": {"N": "1"}})
                        with lock:
                            counter_acked[w] += 1
                    else:
                        client.put_item(TableName=table,
                                        Item={"pk": {"S": key}, "v": {"N": str(i)}})
                        with lock:
                            acked[key] = str(i)
                except (ClientError, BotoCoreError, OSError):
                    time.sleep(0.02)  # the server is down: not acknowledged

        threads = [threading.Thread(target=writer, args=(w,), daemon=True)
                   for w in range(WRITERS)]
        for t in threads:
            t.start()
        rng = random.Random(8)
        try:
            for cycle in range(CYCLES):
                time.sleep(rng.uniform(0.5, 2.0))
                endpoint_ready.clear()
                self.server.kill9()
                with lock:
                    want = dict(acked)
                    want_counters = dict(counter_acked)
                    tried = dict(counter_tried)
                self.start_again()
                self.verify(table, want, want_counters, tried, cycle)
                endpoint_ready.set()
        finally:
            stop.set()
            endpoint_ready.set()
            for t in threads:
                t.join(10)
        self.assertGreater(len(acked), CYCLES * 10, "too few writes to mean anything")
        print(f"crash loop: {CYCLES} cycles, {len(acked)} acknowledged puts, "
              f"{sum(counter_acked.values())} acknowledged increments, 0 lost")

    def verify(self, table, want, want_counters, tried, cycle):
        got = {}
        kwargs = {"TableName": table, "ConsistentRead": True}
        while True:
            page = self.client.scan(**kwargs)
            for item in page["Items"]:
                if "v" in item:
                    got[item["pk"]["S"]] = item["v"]["N"]
                elif "n" in item:
                    got[item["pk"]["S"]] = int(item["n"]["N"])
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        lost = [k for k, v in want.items() if got.get(k) != v]
        self.assertEqual(lost, [], f"cycle {cycle}: {len(lost)} of {len(want)} acknowledged "
                                   f"writes lost after kill -9")
        for w, n in want_counters.items():
            value = got.get(f"counter-{w}", 0)
            self.assertGreaterEqual(value, n, f"cycle {cycle}: counter {w} lost increments")
            # Increments attempted after the snapshot may have landed; never more than tried.
            self.assertLessEqual(value, tried[w] + 1, f"cycle {cycle}: counter {w}")


# Debian's libfaketime (package faketime), whatever the architecture.
FAKETIME_LIB = next(iter(sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))),
                    "/usr/lib/faketime/libfaketimeMT.so.1")


class FakeTimeServer(TidelineServer):
    """The server with its wall clock offset by `offset` (e.g. "-1h"): libfaketime preloaded
    into the server itself (the `faketime` command would stand between the harness and the
    server, and a kill -9 would leave the server running). Monotonic clocks stay real."""

    offset = None

    def start(self, timeout=30):
        saved = {k: os.environ.get(k) for k in ("LD_PRELOAD", "FAKETIME",
                                                 "FAKETIME_DONT_FAKE_MONOTONIC")}
        if self.offset:
            os.environ.update({"LD_PRELOAD": FAKETIME_LIB, "FAKETIME": self.offset,
                               "FAKETIME_DONT_FAKE_MONOTONIC": "1"})
        try:
            return super().start(timeout)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


@unittest.skipUnless(os.path.exists(FAKETIME_LIB), "libfaketime is not installed "
                     "(scripts/install-deps.sh installs it)")
class ClockAcrossCrash(unittest.TestCase):
    def setUp(self):
        self.server = FakeTimeServer()
        self.addCleanup(self.server.cleanup)

    def use(self, offset):
        """Starts the server (again) with its wall clock offset by `offset`."""
        if self.server.alive():
            self.server.kill9()
        self.server.offset = offset
        self.server.start()
        self.client = self.server.client()

    def latest_restorable(self, table):
        desc = self.client.describe_continuous_backups(TableName=table)
        pitr = desc["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        return pitr["LatestRestorableDateTime"]

    def test_commit_clock_rises_after_kill_9_and_a_clock_stepped_back(self):
        self.use(None)
        table = random_name("clock")
        self.client.create_table(
            TableName=table, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        self.client.update_continuous_backups(
            TableName=table,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        time.sleep(1.1)
        self.client.put_item(TableName=table, Item={"pk": {"S": "k"}, "v": {"S": "first"}})
        # botocore sends RestoreDateTime in whole seconds: let a second pass.
        time.sleep(1.1)
        first_time = self.latest_restorable(table)  # the first write is visible as of it
        # A crash, then the machine boots with its clock an hour behind.
        self.use("-1h")
        self.client.put_item(TableName=table, Item={"pk": {"S": "k"}, "v": {"S": "second"}})
        # Time as the server reports it never goes back ...
        self.assertGreaterEqual(self.latest_restorable(table), first_time)
        # ... and a restore as of the first write's time does not see the second write.
        target = random_name("restored")
        self.client.restore_table_to_point_in_time(
            SourceTableName=table, TargetTableName=target, RestoreDateTime=first_time)
        deadline = time.monotonic() + 60
        while self.client.describe_table(TableName=target)["Table"]["TableStatus"] != "ACTIVE":
            self.assertLess(time.monotonic(), deadline, "restore did not finish")
            time.sleep(0.2)
        item = self.client.get_item(TableName=target, Key={"pk": {"S": "k"}},
                                    ConsistentRead=True).get("Item")
        self.assertEqual(item["v"]["S"], "first")
        self.assertEqual(self.server.stop(), 0)


if __name__ == "__main__":
    unittest.main()
