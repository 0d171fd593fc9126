"""RestoreTableToPointInTime: a new table holding the source table's items as of a moment of its
point-in-time recovery window.

Facts from botocore's model (RestoreTableToPointInTime, RestoreSummary) and the DynamoDB docs
(PITR settings are not carried over to the restored table; billing mode and provisioned
throughput may be overridden). The error messages are Tideline's, worded as for its exports.
Index overrides are tested in test_index_restore.py; here the source has no index, so any
override names an index that did not exist.
"""

import datetime
import time

from export_support import (ExportTestCase, canonical, epoch_ms, sleep_past_next_second,
                            time_after_last_write, wire)
from harness import ACCOUNT, REGION, new_uuid_like, random_name

WINDOW_MESSAGE = ("RestoreDateTime must be between EarliestRestorableDateTime and "
                  "LatestRestorableDateTime.")


def typed_item(i):
    """A hash+range item with an attribute of each kind a user keeps: S, N, B, SS, M, L, BOOL,
    NULL."""
    return {"pk": {"S": f"p{i % 3}"}, "sk": {"N": str(i)}, "s": {"S": f"text {i} \u00fcn\u00ef"},
            "n": {"N": f"{i}.5"}, "b": {"B": bytes([0, i, 255])}, "ss": {"SS": ["a", f"s{i}"]},
            "m": {"M": {"inner": {"L": [{"N": "1"}, {"S": "x"}]}, "flag": {"BOOL": False}}},
            "l": {"L": [{"S": "y"}, {"NULL": True}, {"M": {}}]}, "t": {"BOOL": True},
            "z": {"NULL": True}}


def at(second):
    return datetime.datetime.fromtimestamp(second, datetime.timezone.utc)


class RestoreTestCase(ExportTestCase):

    def restore(self, source, target=None, client=None, **kw):
        """RestoreTableToPointInTime of `source` (a name) to `target` (a fresh name unless
        given); returns (target, response)."""
        target = target or random_name("restored")
        resp = (client or self.client).restore_table_to_point_in_time(
            SourceTableName=source, TargetTableName=target, **kw)
        return target, resp

    def wait_restored(self, target):
        """Waits until the target is ACTIVE; returns its description."""
        self.client.get_waiter("table_exists").wait(
            TableName=target, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
        return self.describe_table(target)

    def restore_and_wait(self, source, **kw):
        target, _ = self.restore(source, **kw)
        return target, self.wait_restored(target)

    def assertNoTable(self, name):
        """No table `name` exists (a refused restore leaves nothing behind)."""
        with self.assertApiError("ResourceNotFoundException"):
            self.client.describe_table(TableName=name)


class Validation(RestoreTestCase):

    @classmethod
    def _create_class_tables(cls):
        cls.source = cls.create_pitr_table()
        cls.client.put_item(TableName=cls.source, Item={"pk": {"S": "a"}})

    def test_unknown_source(self):
        missing = random_name("nosuch")
        target = random_name("restored")
        with self.assertApiError("TableNotFoundException", f"Table not found: {missing}"):
            self.restore(missing, target, UseLatestRestorableTime=True)
        self.assertNoTable(target)

    def test_target_already_exists(self):
        # The existing table is left as it was: same id, same items.
        existing = self.create_table()
        self.client.put_item(TableName=existing, Item={"pk": {"S": "mine"}})
        table_id = self.describe_table(existing)["TableId"]
        with self.assertApiError("TableAlreadyExistsException",
                                 f"Table already exists: {existing}"):
            self.restore(self.source, existing, UseLatestRestorableTime=True)
        self.assertEqual(self.describe_table(existing)["TableId"], table_id)
        self.assertEqual(self.scan_wire(existing), [{"pk": {"S": "mine"}}])
        # The source itself is an existing table too.
        with self.assertApiError("TableAlreadyExistsException",
                                 f"Table already exists: {self.source}"):
            self.restore(self.source, self.source, UseLatestRestorableTime=True)

    def test_pitr_not_enabled(self):
        table = self.create_table()
        target = random_name("restored")
        message = f"Point in time recovery is not enabled for table '{table}'"
        with self.assertApiError("PointInTimeRecoveryUnavailableException", message):
            self.restore(table, target, UseLatestRestorableTime=True)
        # Enabled, then disabled again: unavailable again.
        self.enable_pitr(table)
        self.client.update_continuous_backups(
            TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False})
        with self.assertApiError("PointInTimeRecoveryUnavailableException", message):
            self.restore(table, target, UseLatestRestorableTime=True)
        self.assertNoTable(target)

    def test_restore_time_outside_the_window(self):
        # Before EarliestRestorableDateTime (the moment PITR was enabled) or in the future.
        table = self.create_pitr_table()
        earliest = int(self.pitr(table)["EarliestRestorableDateTime"].timestamp())
        target = random_name("restored")
        for when in (earliest - 2, earliest - 3600, 0, int(time.time()) + 3600,
                     int(time.time()) + 60):
            with self.subTest(when=when):
                with self.assertApiError("InvalidRestoreTimeException", WINDOW_MESSAGE):
                    self.restore(table, target, RestoreDateTime=at(when))
        self.assertNoTable(target)

    def test_restore_time_before_earliest_at_millisecond_precision(self):
        # The window starts at EarliestRestorableDateTime to the millisecond: a wire timestamp
        # 1 ms before it is outside.
        table = self.create_pitr_table()
        ms = epoch_ms(self.pitr(table)["EarliestRestorableDateTime"])
        target = random_name("restored")
        resp = self.raw_op("RestoreTableToPointInTime", {
            "SourceTableName": table, "TargetTableName": target, "RestoreDateTime": (ms - 1) / 1000})
        self.assertRawError(resp, "InvalidRestoreTimeException", WINDOW_MESSAGE)
        self.assertNoTable(target)

    def test_exactly_one_restore_time(self):
        # RestoreDateTime and UseLatestRestorableTime=True together, or neither of them.
        target = random_name("restored")
        for kw in ({"RestoreDateTime": at(int(time.time())), "UseLatestRestorableTime": True},
                   {}):
            with self.subTest(members=sorted(kw)):
                with self.assertValidation():
                    self.restore(self.source, target, **kw)
        self.assertNoTable(target)

    def test_exactly_one_source(self):
        arn = self.table_arn(self.source)
        target = random_name("restored")
        with self.assertValidation():
            self.client.restore_table_to_point_in_time(
                SourceTableName=self.source, SourceTableArn=arn, TargetTableName=target,
                UseLatestRestorableTime=True)
        with self.assertValidation():
            self.client.restore_table_to_point_in_time(TargetTableName=target,
                                                       UseLatestRestorableTime=True)
        self.assertNoTable(target)

    def test_overrides_of_indexes_the_source_lacks_are_refused(self):
        target = random_name("restored")
        index = {"IndexName": "idx", "Projection": {"ProjectionType": "ALL"}}
        cases = {
            "GlobalSecondaryIndexOverride": [dict(index, KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"}])],
            "LocalSecondaryIndexOverride": [dict(index, KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "other", "KeyType": "RANGE"}])],
        }
        for member, value in cases.items():
            with self.subTest(member=member):
                with self.assertValidation(contains="does not match a secondary index"):
                    self.restore(self.source, target, UseLatestRestorableTime=True,
                                 **{member: value})
        self.assertNoTable(target)

    def test_missing_target_name(self):
        # boto3 checks required members itself; the harness's raw_client does not.
        with self.assertValidation():
            self.raw_client.restore_table_to_point_in_time(SourceTableName=self.source,
                                                           UseLatestRestorableTime=True)


class Functionality(RestoreTestCase):

    def test_response_and_description(self):
        # The answer is CreateTable's TableDescription of the new table (CREATING) with a
        # RestoreSummary; once the copy is done the table is ACTIVE and the summary says so.
        source = self.create_pitr_table(("pk", "S"), ("sk", "N"))
        items = [typed_item(i) for i in range(7)]
        self.put_items(source, items)
        t = sleep_past_next_second()
        src = self.describe_table(source)
        target, resp = self.restore(source, RestoreDateTime=at(t))
        desc = resp["TableDescription"]
        self.assertEqual(desc["TableName"], target)
        self.assertEqual(desc["TableStatus"], "CREATING")
        self.assertEqual(desc["TableArn"], f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{target}")
        self.assertTrue(new_uuid_like(desc["TableId"]), desc["TableId"])
        self.assertNotEqual(desc["TableId"], src["TableId"])
        self.assertEqual(desc["KeySchema"], src["KeySchema"])
        self.assertEqual(sorted(desc["AttributeDefinitions"], key=lambda d: d["AttributeName"]),
                         sorted(src["AttributeDefinitions"], key=lambda d: d["AttributeName"]))
        self.assertEqual(desc["RestoreSummary"], {"SourceTableArn": src["TableArn"],
                                                  "RestoreDateTime": at(t),
                                                  "RestoreInProgress": True})
        done = self.wait_restored(target)
        self.assertEqual(done["TableStatus"], "ACTIVE")
        self.assertEqual(done["TableId"], desc["TableId"])
        self.assertEqual(done["TableArn"], desc["TableArn"])
        self.assertEqual(done["RestoreSummary"], {"SourceTableArn": src["TableArn"],
                                                  "RestoreDateTime": at(t),
                                                  "RestoreInProgress": False})
        self.assertEqual(done["ItemCount"], 7)
        self.assertSameItems(self.scan_wire(target), [canonical(wire(i)) for i in items])

    def test_restore_at_a_past_time_has_the_newest_version_at_or_before_it(self):
        # Puts, overwrites and deletes before T are in the target as of T; nothing after T is.
        # boto3 sends RestoreDateTime in whole seconds, so T is a second mark between writes.
        source = self.create_pitr_table(("pk", "S"), ("sk", "N"))
        state = {}

        def put(item):
            self.client.put_item(TableName=source, Item=item)
            state[(item["pk"]["S"], item["sk"]["N"])] = canonical(wire(item))

        def update(pk, sk, expr, values):
            new = self.client.update_item(
                TableName=source, Key={"pk": {"S": pk}, "sk": {"N": sk}}, UpdateExpression=expr,
                ExpressionAttributeValues=values, ReturnValues="ALL_NEW")["Attributes"]
            state[(pk, sk)] = canonical(wire(new))

        def delete(pk, sk):
            self.client.delete_item(TableName=source, Key={"pk": {"S": pk}, "sk": {"N": sk}})
            state.pop((pk, sk), None)

        for i in range(9):
            put(typed_item(i))
        put({"pk": {"S": "gone"}, "sk": {"N": "1"}, "v": {"S": "deleted before T"}})
        delete("gone", "1")
        put(dict(typed_item(4), s={"S": "overwritten before T"}))
        update("p2", "5", "SET n = :n REMOVE l", {":n": {"N": "55"}})
        t = sleep_past_next_second()
        state_t = list(state.values())

        update("p0", "0", "SET s = :s", {":s": {"S": "changed after T"}})
        put(dict(typed_item(1), s={"S": "overwritten after T"}))
        delete("p2", "2")
        delete("p2", "5")
        put({"pk": {"S": "gone"}, "sk": {"N": "1"}, "v": {"S": "back after T"}})
        put({"pk": {"S": "new"}, "sk": {"N": "1"}, "v": {"S": "created after T"}})
        state_now = list(state.values())

        target, desc = self.restore_and_wait(source, RestoreDateTime=at(t))
        self.assertEqual(desc["ItemCount"], len(state_t))
        self.assertSameItems(self.scan_wire(target), state_t)
        # A restore at the latest time has everything, and the source never changed.
        target, desc = self.restore_and_wait(source, UseLatestRestorableTime=True)
        self.assertEqual(desc["ItemCount"], len(state_now))
        self.assertSameItems(self.scan_wire(target), state_now)
        self.assertSameItems(self.scan_wire(source), state_now)

    def test_use_latest_restorable_time(self):
        # LatestRestorableDateTime is "now" on Tideline: every write acknowledged before the
        # request is restored, including the very last one.
        source = self.create_pitr_table()
        self.put_items(source, [{"pk": {"S": f"k{i}"}, "v": {"N": str(i)}} for i in range(40)])
        self.client.delete_item(TableName=source, Key={"pk": {"S": "k3"}})
        self.client.put_item(TableName=source, Item={"pk": {"S": "last"}, "v": {"S": "x"}})
        expected = self.scan_wire(source)
        before = time.time()
        target, resp = self.restore(source, UseLatestRestorableTime=True)
        after = time.time()
        restored_at = resp["TableDescription"]["RestoreSummary"]["RestoreDateTime"].timestamp()
        self.assertGreaterEqual(restored_at, before - 0.002)
        self.assertLessEqual(restored_at, after + 0.002)
        desc = self.wait_restored(target)
        self.assertEqual(desc["RestoreSummary"]["RestoreDateTime"].timestamp(), restored_at)
        self.assertEqual(desc["ItemCount"], 40)
        self.assertSameItems(self.scan_wire(target), expected, ("pk",))

    def test_restore_time_at_millisecond_precision(self):
        # RestoreDateTime is a timestamp; on the wire it may carry milliseconds. A time between
        # two writes of one item restores the earlier one; between a delete and a re-put, none.
        source = self.create_pitr_table()
        versions = []
        for i in range(4):
            if i == 2:
                self.client.delete_item(TableName=source, Key={"pk": {"S": "x"}})
                versions.append((time_after_last_write(), []))
                continue
            item = {"pk": {"S": "x"}, "version": {"N": str(i)}}
            self.client.put_item(TableName=source, Item=item)
            versions.append((time_after_last_write(), [canonical(wire(item))]))
        for t, expected in versions:
            with self.subTest(t=t):
                target = random_name("restored")
                resp = self.raw_op("RestoreTableToPointInTime", {
                    "SourceTableName": source, "TargetTableName": target, "RestoreDateTime": t})
                self.assertEqual(resp.status, 200, resp)
                summary = resp.json()["TableDescription"]["RestoreSummary"]
                self.assertEqual(round(summary["RestoreDateTime"] * 1000), round(t * 1000))
                self.wait_restored(target)
                self.assertSameItems(self.scan_wire(target), expected, ("pk",))

    def test_source_by_arn(self):
        source = self.create_pitr_table()
        self.client.put_item(TableName=source, Item={"pk": {"S": "a"}})
        arn = self.table_arn(source)
        target = random_name("restored")
        resp = self.client.restore_table_to_point_in_time(
            SourceTableArn=arn, TargetTableName=target, UseLatestRestorableTime=True)
        self.assertEqual(resp["TableDescription"]["RestoreSummary"]["SourceTableArn"], arn)
        self.wait_restored(target)
        self.assertEqual(self.scan_wire(target), [{"pk": {"S": "a"}}])

    def test_source_unchanged_and_tables_independent(self):
        source = self.create_pitr_table(("pk", "S"), ("sk", "N"))
        self.put_items(source, [typed_item(i) for i in range(6)])
        before = self.describe_table(source)
        items = self.scan_wire(source)
        target, _ = self.restore_and_wait(source, UseLatestRestorableTime=True)
        after = self.describe_table(source)
        for key in ("TableId", "TableArn", "TableStatus", "ItemCount", "CreationDateTime"):
            self.assertEqual(after[key], before[key], key)
        self.assertNotIn("RestoreSummary", after)
        self.assertSameItems(self.scan_wire(source), items)
        self.assertEqual(self.pitr(source)["PointInTimeRecoveryStatus"], "ENABLED")
        # Writes to one table never show in the other.
        self.client.put_item(TableName=target, Item={"pk": {"S": "t"}, "sk": {"N": "1"}})
        self.client.delete_item(TableName=target, Key={"pk": {"S": "p0"}, "sk": {"N": "0"}})
        self.client.put_item(TableName=source, Item={"pk": {"S": "s"}, "sk": {"N": "1"}})
        self.client.delete_item(TableName=source, Key={"pk": {"S": "p1"}, "sk": {"N": "1"}})
        src_keys = {(i["pk"]["S"], i["sk"]["N"]) for i in self.scan_wire(source)}
        dst_keys = {(i["pk"]["S"], i["sk"]["N"]) for i in self.scan_wire(target)}
        self.assertIn(("s", "1"), src_keys)
        self.assertNotIn(("t", "1"), src_keys)
        self.assertIn(("p0", "0"), src_keys)
        self.assertNotIn(("p1", "1"), src_keys)
        self.assertIn(("t", "1"), dst_keys)
        self.assertNotIn(("s", "1"), dst_keys)
        self.assertNotIn(("p0", "0"), dst_keys)
        self.assertIn(("p1", "1"), dst_keys)
        # Deleting the target leaves the source alone.
        self.client.delete_table(TableName=target)
        self.assertEqual(len(self.scan_wire(source)), 6)

    def test_target_has_pitr_disabled(self):
        source = self.create_pitr_table()
        target, _ = self.restore_and_wait(source, UseLatestRestorableTime=True)
        desc = self.client.describe_continuous_backups(TableName=target)[
            "ContinuousBackupsDescription"]
        self.assertEqual(desc["PointInTimeRecoveryDescription"],
                         {"PointInTimeRecoveryStatus": "DISABLED"})
        with self.assertApiError("PointInTimeRecoveryUnavailableException"):
            self.restore(target, UseLatestRestorableTime=True)

    def test_billing_follows_source_unless_overridden(self):
        source = self.create_pitr_table(BillingMode="PROVISIONED", ProvisionedThroughput={
            "ReadCapacityUnits": 7, "WriteCapacityUnits": 3})
        self.client.put_item(TableName=source, Item={"pk": {"S": "a"}})
        _, same = self.restore_and_wait(source, UseLatestRestorableTime=True)
        self.assertEqual(same.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED"),
                         "PROVISIONED")
        pt = same["ProvisionedThroughput"]
        self.assertEqual((pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]), (7, 3))

        target, resp = self.restore(source, UseLatestRestorableTime=True,
                                    BillingModeOverride="PAY_PER_REQUEST")
        self.assertEqual(resp["TableDescription"]["BillingModeSummary"]["BillingMode"],
                         "PAY_PER_REQUEST")
        on_demand = self.wait_restored(target)
        self.assertEqual(on_demand["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        pt = on_demand["ProvisionedThroughput"]
        self.assertEqual((pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]), (0, 0))
        self.assertEqual(self.scan_wire(target), [{"pk": {"S": "a"}}])

        # And the other way: an on-demand source restored as a provisioned table.
        on_demand_source = self.create_pitr_table()
        _, provisioned = self.restore_and_wait(
            on_demand_source, UseLatestRestorableTime=True, BillingModeOverride="PROVISIONED",
            ProvisionedThroughputOverride={"ReadCapacityUnits": 4, "WriteCapacityUnits": 5})
        self.assertEqual(provisioned["BillingModeSummary"]["BillingMode"], "PROVISIONED")
        pt = provisioned["ProvisionedThroughput"]
        self.assertEqual((pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]), (4, 5))

    def test_larger_table(self):
        # The background copy takes every item exactly once.
        source = self.create_pitr_table(("pk", "S"), ("sk", "N"))
        items = [{"pk": {"S": f"p{i % 31}"}, "sk": {"N": str(i)}, "pad": {"S": "z" * 500}}
                 for i in range(2000)]
        self.put_items(source, items)
        target, desc = self.restore_and_wait(source, UseLatestRestorableTime=True)
        self.assertEqual(desc["ItemCount"], 2000)
        self.assertSameItems(self.scan_wire(target), [canonical(wire(i)) for i in items])

    def test_aws_cli(self):
        source = self.create_pitr_table()
        self.client.put_item(TableName=source, Item={"pk": {"S": "cli"}})
        target = random_name("restored")
        out = self.aws("restore-table-to-point-in-time", "--source-table-name", source,
                       "--target-table-name", target, "--use-latest-restorable-time")
        desc = out["TableDescription"]
        self.assertEqual(desc["TableName"], target)
        self.assertEqual(desc["RestoreSummary"]["SourceTableArn"], self.table_arn(source))
        self.assertIs(desc["RestoreSummary"]["RestoreInProgress"], True)
        self.wait_restored(target)
        self.assertEqual(self.scan_wire(target), [{"pk": {"S": "cli"}}])
        proc = self.aws("restore-table-to-point-in-time", "--source-table-name", source,
                        "--target-table-name", target, "--use-latest-restorable-time",
                        check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("TableAlreadyExistsException", proc.stderr)


class Restart(RestoreTestCase):

    def test_restored_table_survives_a_restart(self):
        source = self.create_pitr_table(("pk", "S"), ("sk", "N"))
        items = [typed_item(i) for i in range(5)]
        self.put_items(source, items)
        target, desc = self.restore_and_wait(source, UseLatestRestorableTime=True)
        summary = desc["RestoreSummary"]
        self.restart_server()
        again = self.describe_table(target)
        self.assertEqual(again["TableStatus"], "ACTIVE")
        self.assertEqual(again["TableId"], desc["TableId"])
        self.assertEqual(again["RestoreSummary"], summary)
        self.assertEqual(again["ItemCount"], 5)
        self.assertSameItems(self.scan_wire(target), [canonical(wire(i)) for i in items])
        self.assertEqual(self.pitr(target)["PointInTimeRecoveryStatus"], "DISABLED")

    def test_a_restore_cut_short_never_leaves_a_partial_table(self):
        # A restore cut short by a shutdown (which must still exit cleanly) or a crash failed:
        # after the restart the target is either complete (the copy finished first) or gone,
        # never CREATING or short of items.
        source = self.create_pitr_table(("pk", "S"), ("sk", "N"))
        items = [{"pk": {"S": f"p{i % 97}"}, "sk": {"N": str(i)}, "pad": {"S": "k" * 300}}
                 for i in range(20000)]
        self.put_items(source, items)
        for kill in (False, True):
            with self.subTest(kill=kill):
                target, _ = self.restore(source, UseLatestRestorableTime=True)
                self.restart_server(kill=kill)
                if target in self.client.list_tables()["TableNames"]:
                    desc = self.describe_table(target)
                    self.assertEqual(desc["TableStatus"], "ACTIVE")
                    self.assertFalse(desc["RestoreSummary"]["RestoreInProgress"])
                    self.assertEqual(desc["ItemCount"], len(items))
                    # Every page of the Scan: one counts at most 1 MB of items (~3300 of these).
                    pages = self.client.get_paginator("scan").paginate(TableName=target,
                                                                       Select="COUNT")
                    self.assertEqual(sum(page["Count"] for page in pages), len(items))
                else:
                    self.assertNoTable(target)
        # The source is untouched and can be restored again.
        self.assertEqual(self.describe_table(source)["ItemCount"], len(items))
        again, desc = self.restore_and_wait(source, UseLatestRestorableTime=True)
        self.assertEqual(desc["ItemCount"], len(items))
