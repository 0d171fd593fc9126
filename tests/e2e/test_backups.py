"""On-demand backups: CreateBackup, DescribeBackup, ListBackups, DeleteBackup and
RestoreTableFromBackup.

Facts from botocore's model (BackupDetails, SourceTableDetails, SourceTableFeatureDetails,
BackupSummary, RestoreSummary; ListBackups' bounds: lower inclusive, upper exclusive;
LastEvaluatedBackupArn present if and only if more remain) and the shared spec
partiql-backups.md §4 (ARN ids of 14 digits of creation milliseconds, '-', 8 hex; CreateBackup's
first answer CREATING; RestoreDateTime = the backup's creation time; backups outlive their table).
Messages of TableNotFound/BackupNotFound are Tideline's (AWS's are not recorded: spec §4.2).
"""

import datetime
import re
import threading
import time

from botocore.exceptions import ClientError

from export_support import canonical, sleep_past_next_second
from harness import ACCOUNT, REGION, ServerTestCase, random_name

KEY = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
GSI = {"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
       "Projection": {"ProjectionType": "KEYS_ONLY"}}
LSI = {"IndexName": "by-l", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                          {"AttributeName": "l", "KeyType": "RANGE"}],
       "Projection": {"ProjectionType": "ALL"}}


def item(i, version="v1"):
    return {"pk": {"S": f"p{i % 7}"}, "sk": {"N": str(i)}, "v": {"S": version},
            "g": {"S": f"g{i % 3}"}, "l": {"S": f"l{i}"}, "blob": {"B": bytes([i % 256, 0])}}


def ms(dt):
    return round(dt.timestamp() * 1000)


class BackupTestCase(ServerTestCase):

    def make_table(self, indexes=False, **kw):
        name = random_name("src")
        defs = [{"AttributeName": n, "AttributeType": t}
                for n, t in (("pk", "S"), ("sk", "N"), ("g", "S"), ("l", "S"))]
        if indexes:
            gsi = dict(GSI)
            if "ProvisionedThroughput" in kw:
                gsi["ProvisionedThroughput"] = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
            kw.update(GlobalSecondaryIndexes=[gsi], LocalSecondaryIndexes=[LSI])
        else:
            defs = defs[:2]
        if "ProvisionedThroughput" not in kw:
            kw.setdefault("BillingMode", "PAY_PER_REQUEST")
        self.client.create_table(TableName=name, KeySchema=KEY, AttributeDefinitions=defs, **kw)
        self.wait_active(name)
        return name

    def scan(self, table):
        out, kw = [], {}
        while True:
            page = self.client.scan(TableName=table, ConsistentRead=True, **kw)
            out.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                return sorted((canonical(i) for i in out), key=lambda i: (i["pk"]["S"],
                                                                          float(i["sk"]["N"])))
            kw["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def backup(self, table, name="nightly"):
        return self.client.create_backup(TableName=table, BackupName=name)["BackupDetails"]

    def restore(self, arn, **kw):
        target = random_name("restored")
        desc = self.client.restore_table_from_backup(TargetTableName=target, BackupArn=arn,
                                                     **kw)["TableDescription"]
        self.client.get_waiter("table_exists").wait(
            TableName=target, WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})
        return target, desc

    def listed(self, **kw):
        return [s["BackupArn"] for s in self.client.list_backups(**kw)["BackupSummaries"]]


class Lifecycle(BackupTestCase):

    def test_create_describe_list_delete(self):
        table = self.make_table()
        self.put_items(table, [item(i) for i in range(30)])
        before = time.time()
        details = self.backup(table, "my_backup-1.0")
        after = time.time()
        self.assertEqual(details["BackupStatus"], "CREATING")
        arn = details["BackupArn"]
        m = re.fullmatch(rf"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table}/backup/"
                         r"(\d{14})-[0-9a-f]{8}", arn)
        self.assertIsNotNone(m, arn)
        created = ms(details["BackupCreationDateTime"])
        self.assertEqual(int(m.group(1)), created)
        self.assertTrue(before * 1000 - 1 <= created <= after * 1000 + 1)
        described_table = self.client.describe_table(TableName=table)["Table"]
        self.assertEqual(details["BackupSizeBytes"], described_table["TableSizeBytes"])
        self.assertGreater(details["BackupSizeBytes"], 0)
        self.assertEqual((details["BackupName"], details["BackupType"]), ("my_backup-1.0", "USER"))

        desc = self.client.describe_backup(BackupArn=arn)["BackupDescription"]
        self.assertEqual(desc["BackupDetails"], dict(details, BackupStatus="AVAILABLE"))
        source = desc["SourceTableDetails"]
        self.assertEqual(source["TableName"], table)
        self.assertEqual(source["TableId"], described_table["TableId"])
        self.assertEqual(source["TableArn"], described_table["TableArn"])
        self.assertEqual(source["KeySchema"], KEY)
        self.assertEqual(source["ItemCount"], 30)
        self.assertEqual(source["TableSizeBytes"], details["BackupSizeBytes"])
        self.assertEqual(source["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual(source["ProvisionedThroughput"],
                         {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0})
        self.assertEqual(source["TableCreationDateTime"], described_table["CreationDateTime"])
        self.assertEqual(desc["SourceTableFeatureDetails"], {})

        summaries = self.client.list_backups(TableName=table)["BackupSummaries"]
        self.assertEqual(summaries, [{
            "TableName": table, "TableId": source["TableId"], "TableArn": source["TableArn"],
            "BackupArn": arn, "BackupName": "my_backup-1.0",
            "BackupCreationDateTime": details["BackupCreationDateTime"],
            "BackupStatus": "AVAILABLE", "BackupType": "USER",
            "BackupSizeBytes": details["BackupSizeBytes"]}])
        # Backups are on for every table: DescribeContinuousBackups agrees with the listing.
        cb = self.client.describe_continuous_backups(TableName=table)
        self.assertEqual(cb["ContinuousBackupsDescription"]["ContinuousBackupsStatus"], "ENABLED")

        deleted = self.client.delete_backup(BackupArn=arn)["BackupDescription"]
        self.assertEqual(deleted["BackupDetails"]["BackupStatus"], "DELETED")
        self.assertEqual(deleted["SourceTableDetails"], source)
        with self.assertApiError("BackupNotFoundException", f"Backup not found: {arn}"):
            self.client.describe_backup(BackupArn=arn)
        with self.assertApiError("BackupNotFoundException"):
            self.client.delete_backup(BackupArn=arn)
        self.assertEqual(self.listed(TableName=table), [])

    def test_list_filters_and_paging(self):
        a, b = self.make_table(), self.make_table()
        backups = [self.backup(a, "bkp-a0")]
        # boto3 sends timestamps in whole seconds: the later backups are in a later second.
        boundary = sleep_past_next_second()
        for i in (1, 2):
            time.sleep(0.01)  # distinct creation milliseconds
            backups.append(self.backup(a, f"bkp-a{i}"))
        other = self.backup(b, "bkp-b0")
        arns = [d["BackupArn"] for d in backups]
        table_arn = self.client.describe_table(TableName=a)["Table"]["TableArn"]
        self.assertEqual(self.listed(TableName=a), arns)  # oldest first
        self.assertEqual(self.listed(TableName=table_arn), arns)
        self.assertEqual(self.listed(TableName=b), [other["BackupArn"]])
        self.assertEqual(self.listed(TableName=random_name("none")), [])
        self.assertTrue(set(arns + [other["BackupArn"]]) <= set(self.listed()))
        self.assertEqual(self.listed(TableName=a, BackupType="ALL"), arns)
        self.assertEqual(self.listed(TableName=a, BackupType="USER"), arns)
        self.assertEqual(self.listed(TableName=a, BackupType="SYSTEM"), [])
        self.assertEqual(self.listed(TableName=a, BackupType="AWS_BACKUP"), [])
        # Lower bound inclusive, upper bound exclusive.
        second = datetime.datetime.fromtimestamp(boundary, datetime.timezone.utc)
        self.assertEqual(self.listed(TableName=a, TimeRangeLowerBound=second), arns[1:])
        self.assertEqual(self.listed(TableName=a, TimeRangeUpperBound=second), arns[:1])
        # Pages.
        page = self.client.list_backups(TableName=a, Limit=2)
        self.assertEqual([s["BackupArn"] for s in page["BackupSummaries"]], arns[:2])
        self.assertEqual(page["LastEvaluatedBackupArn"], arns[1])
        page = self.client.list_backups(TableName=a, Limit=2,
                                        ExclusiveStartBackupArn=page["LastEvaluatedBackupArn"])
        self.assertEqual([s["BackupArn"] for s in page["BackupSummaries"]], arns[2:])
        self.assertNotIn("LastEvaluatedBackupArn", page)
        page = self.client.list_backups(TableName=a, Limit=3)
        self.assertNotIn("LastEvaluatedBackupArn", page)  # if and only if more remain
        paginated = [s["BackupArn"] for p in self.client.get_paginator("list_backups").paginate(
            TableName=a, PaginationConfig={"PageSize": 1}) for s in p["BackupSummaries"]]
        self.assertEqual(paginated, arns)
        # A page resumes after a backup deleted meanwhile.
        self.client.delete_backup(BackupArn=arns[0])
        self.assertEqual(self.listed(TableName=a, ExclusiveStartBackupArn=arns[0]), arns[1:])

    def test_cli_create_and_list(self):
        table = self.make_table()
        out = self.aws("create-backup", "--table-name", table, "--backup-name", "cli-backup")
        arn = out["BackupDetails"]["BackupArn"]
        listed = self.aws("list-backups", "--table-name", table)
        self.assertEqual([s["BackupArn"] for s in listed["BackupSummaries"]], [arn])
        desc = self.aws("describe-backup", "--backup-arn", arn)
        self.assertEqual(desc["BackupDescription"]["BackupDetails"]["BackupStatus"], "AVAILABLE")


class SizesAndListing(BackupTestCase):

    def test_backup_size_is_the_tables_at_backup_time(self):
        # BackupSizeBytes: the table's size when the backup was taken (DescribeTable's
        # TableSizeBytes then); later writes do not change the backup's figures.
        table = self.make_table(indexes=True)
        self.put_items(table, [item(i) for i in range(40)])
        then = self.client.describe_table(TableName=table)["Table"]
        details = self.backup(table)
        self.put_items(table, [item(i, "a longer version " * 8) for i in range(40, 90)])
        now = self.client.describe_table(TableName=table)["Table"]
        self.assertGreater(now["TableSizeBytes"], then["TableSizeBytes"])
        self.assertEqual(details["BackupSizeBytes"], then["TableSizeBytes"])
        desc = self.client.describe_backup(BackupArn=details["BackupArn"])["BackupDescription"]
        self.assertEqual(desc["BackupDetails"]["BackupSizeBytes"], then["TableSizeBytes"])
        self.assertEqual((desc["SourceTableDetails"]["TableSizeBytes"],
                          desc["SourceTableDetails"]["ItemCount"]), (then["TableSizeBytes"], 40))
        summary, = self.client.list_backups(TableName=table)["BackupSummaries"]
        self.assertEqual(summary["BackupSizeBytes"], then["TableSizeBytes"])

    def test_types_time_bounds_and_pages_together(self):
        table = self.make_table()
        self.client.update_continuous_backups(
            TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        users = []
        for name in ("user-1", "user-2"):
            users.append(self.backup(table, name)["BackupArn"])
            time.sleep(0.01)  # distinct creation milliseconds
        self.client.delete_table(TableName=table)  # PITR on: a SYSTEM backup, newest
        system, = self.listed(TableName=table, BackupType="SYSTEM")
        every = users + [system]
        self.assertEqual(self.listed(TableName=table), users)  # USER by default
        self.assertEqual(self.listed(TableName=table, BackupType="USER"), users)
        self.assertEqual(self.listed(TableName=table, BackupType="ALL"), every)
        # Pages of one over ALL: LastEvaluatedBackupArn on every page but the last.
        seen, start = [], {}
        while True:
            page = self.client.list_backups(TableName=table, BackupType="ALL", Limit=1, **start)
            seen += [s["BackupArn"] for s in page["BackupSummaries"]]
            if "LastEvaluatedBackupArn" not in page:
                break
            self.assertEqual(page["LastEvaluatedBackupArn"], seen[-1])
            start = {"ExclusiveStartBackupArn": page["LastEvaluatedBackupArn"]}
        self.assertEqual(seen, every)
        # The type filter applies before the page is cut: one SYSTEM backup fills no second page.
        page = self.client.list_backups(TableName=table, BackupType="SYSTEM", Limit=1)
        self.assertNotIn("LastEvaluatedBackupArn", page)
        # Bounds to the millisecond (sent raw: boto3 sends whole seconds): lower inclusive, upper
        # exclusive, on the time the backup was requested.
        created = {s["BackupArn"]: s["BackupCreationDateTime"].timestamp() for s in
                   self.client.list_backups(TableName=table, BackupType="ALL")["BackupSummaries"]}

        def raw_listed(**bounds):
            resp = self.raw_op("ListBackups", dict(TableName=table, BackupType="ALL", **bounds))
            self.assertEqual(resp.status, 200, resp)
            return [s["BackupArn"] for s in resp.json()["BackupSummaries"]]
        at_u2 = round(created[users[1]], 3)
        self.assertEqual(raw_listed(TimeRangeLowerBound=at_u2), every[1:])
        self.assertEqual(raw_listed(TimeRangeUpperBound=at_u2), every[:1])
        self.assertEqual(raw_listed(TimeRangeLowerBound=at_u2,
                                    TimeRangeUpperBound=round(created[system], 3)), [users[1]])
        resp = self.raw_op("ListBackups", dict(TableName=table, BackupType="ALL", Limit=1,
                                               TimeRangeLowerBound=at_u2,
                                               ExclusiveStartBackupArn=users[1]))
        self.assertEqual([s["BackupArn"] for s in resp.json()["BackupSummaries"]], [system])
        self.assertNotIn("LastEvaluatedBackupArn", resp.json())


class Restore(BackupTestCase):

    def test_restore_equals_the_table_at_backup_time_while_writes_go_on(self):
        table = self.make_table()
        self.put_items(table, [item(i) for i in range(200)])
        # A writer keeps writing new items while the backup is taken: every write acknowledged
        # before CreateBackup was sent is in the backup, none sent after its answer is.
        acked, stop = [], threading.Event()
        writer = self.server.client()

        def write():
            n = 0
            while not stop.is_set():
                sent = time.monotonic()
                writer.put_item(TableName=table, Item=item(1000 + n, "during"))
                acked.append((1000 + n, sent, time.monotonic()))
                n += 1

        thread = threading.Thread(target=write)
        thread.start()
        time.sleep(0.3)
        asked = time.monotonic()
        details = self.backup(table)
        answered = time.monotonic()
        time.sleep(0.3)
        stop.set()
        thread.join()
        expected_before = self.scan(table)  # rebuilt below from what must and may be in it
        # Then the table changes a lot.
        self.put_items(table, [item(i, "v2") for i in range(100)])
        for i in range(150, 200):
            self.client.delete_item(TableName=table, Key={"pk": item(i)["pk"], "sk": item(i)["sk"]})
        self.put_items(table, [item(i) for i in range(5000, 5050)])

        target, desc = self.restore(details["BackupArn"])
        self.assertEqual(desc["TableStatus"], "CREATING")
        self.assertEqual(desc["RestoreSummary"]["RestoreInProgress"], True)
        restored = self.scan(target)
        must = {n for n, sent, ack in acked if ack < asked}
        must_not = {n for n, sent, ack in acked if sent > answered}
        self.assertTrue(must and must_not)
        in_restored = {int(i["sk"]["N"]) for i in restored}
        self.assertTrue(must <= in_restored)
        self.assertFalse(must_not & in_restored)
        # Apart from the in-flight writes, exactly the table as it was.
        self.assertEqual([i for i in restored if int(i["sk"]["N"]) < 1000],
                         [i for i in expected_before if int(i["sk"]["N"]) < 1000])
        self.assertEqual(len([i for i in restored if int(i["sk"]["N"]) < 1000]), 200)

        described = self.client.describe_table(TableName=target)["Table"]
        summary = described["RestoreSummary"]
        self.assertEqual(summary["SourceBackupArn"], details["BackupArn"])
        self.assertEqual(summary["SourceTableArn"],
                         self.client.describe_table(TableName=table)["Table"]["TableArn"])
        self.assertEqual(summary["RestoreDateTime"], details["BackupCreationDateTime"])
        self.assertEqual(summary["RestoreInProgress"], False)
        self.assertEqual(described["ItemCount"], len(restored))

    def test_restore_with_overrides_and_indexes(self):
        table = self.make_table(indexes=True, BillingMode="PROVISIONED",
                                ProvisionedThroughput={"ReadCapacityUnits": 7,
                                                       "WriteCapacityUnits": 3})
        self.put_items(table, [item(i) for i in range(40)])
        arn = self.backup(table)["BackupArn"]
        desc = self.client.describe_backup(BackupArn=arn)["BackupDescription"]
        features = desc["SourceTableFeatureDetails"]
        self.assertEqual([(g["IndexName"], g["KeySchema"], g["Projection"])
                          for g in features["GlobalSecondaryIndexes"]],
                         [(GSI["IndexName"], GSI["KeySchema"], GSI["Projection"])])
        self.assertEqual(features["LocalSecondaryIndexes"], [LSI])
        self.assertEqual(desc["SourceTableDetails"]["ProvisionedThroughput"],
                         {"ReadCapacityUnits": 7, "WriteCapacityUnits": 3})
        # An index added after the backup is not in it.
        self.client.put_item(TableName=table, Item=item(99, "late"))

        target, _ = self.restore(arn)
        restored = self.client.describe_table(TableName=target)["Table"]
        self.assertEqual(restored["ItemCount"], 40)
        self.assertEqual(restored["ProvisionedThroughput"]["ReadCapacityUnits"], 7)
        self.assertEqual(restored["GlobalSecondaryIndexes"][0]["ItemCount"], 40)
        self.assertEqual(restored["LocalSecondaryIndexes"][0]["ItemCount"], 40)

        target, _ = self.restore(arn, GlobalSecondaryIndexOverride=[],
                                 LocalSecondaryIndexOverride=[dict(LSI, IndexName="renamed")],
                                 BillingModeOverride="PAY_PER_REQUEST")
        restored = self.client.describe_table(TableName=target)["Table"]
        self.assertNotIn("GlobalSecondaryIndexes", restored)
        self.assertEqual([i["IndexName"] for i in restored["LocalSecondaryIndexes"]], ["renamed"])
        self.assertEqual(restored["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual(restored["LocalSecondaryIndexes"][0]["ItemCount"], 40)
        page = self.client.query(TableName=target, IndexName="renamed",
                                 KeyConditionExpression="pk = :p",
                                 ExpressionAttributeValues={":p": {"S": "p1"}})
        self.assertEqual(page["Count"], len([i for i in range(40) if i % 7 == 1]))

        target, _ = self.restore(arn, BillingModeOverride="PROVISIONED",
                                 ProvisionedThroughputOverride={"ReadCapacityUnits": 2,
                                                                "WriteCapacityUnits": 2})
        restored = self.client.describe_table(TableName=target)["Table"]
        self.assertEqual(restored["ProvisionedThroughput"]["WriteCapacityUnits"], 2)

        # An override that matches no index of the backup.
        with self.assertApiError("ValidationException"):
            self.client.restore_table_from_backup(
                TargetTableName=random_name("restored"), BackupArn=arn,
                GlobalSecondaryIndexOverride=[dict(GSI, IndexName="xyz", KeySchema=[
                    {"AttributeName": "l", "KeyType": "HASH"}])])

    # SourceTableFeatureDetails names the stream and the Time to Live the table had at the
    # backup's time (shape: spec partiql-backups.md §4.3); a restore carries neither over
    # (streams-ttl.md §1.7).
    def test_feature_details_name_stream_and_ttl(self):
        table = self.make_table(StreamSpecification={"StreamEnabled": True,
                                                     "StreamViewType": "NEW_AND_OLD_IMAGES"})
        self.client.update_time_to_live(TableName=table, TimeToLiveSpecification={
            "Enabled": True, "AttributeName": "expires"})
        both = self.backup(table, "both")["BackupArn"]
        self.client.update_table(TableName=table, StreamSpecification={"StreamEnabled": False})
        self.wait_active(table)
        ttl_only = self.backup(table, "ttl-only")["BackupArn"]

        features = self.client.describe_backup(BackupArn=both)["BackupDescription"][
            "SourceTableFeatureDetails"]
        self.assertEqual(features, {
            "StreamDescription": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
            "TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}})
        features = self.client.describe_backup(BackupArn=ttl_only)["BackupDescription"][
            "SourceTableFeatureDetails"]
        self.assertEqual(features, {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED",
                                                              "AttributeName": "expires"}})

        target, _ = self.restore(both)
        restored = self.client.describe_table(TableName=target)["Table"]
        self.assertNotIn("StreamSpecification", restored)
        self.assertEqual(self.client.describe_time_to_live(TableName=target)[
            "TimeToLiveDescription"], {"TimeToLiveStatus": "DISABLED"})

    def test_backup_outlives_its_table(self):
        table = self.make_table(indexes=True)
        self.put_items(table, [item(i) for i in range(50)])
        expected = self.scan(table)
        arn = self.backup(table)["BackupArn"]
        plain = self.make_table(indexes=True)
        deleted = self.client.delete_table(TableName=table)["TableDescription"]
        without_backup = self.client.delete_table(TableName=plain)["TableDescription"]
        # DeleteTable answers the same way whether or not the table has backups.
        self.assertEqual(deleted["TableStatus"], "DELETING")
        self.assertEqual(sorted(deleted), sorted(without_backup))
        with self.assertApiError("ResourceNotFoundException"):
            self.client.describe_table(TableName=table)

        self.assertEqual(self.client.describe_backup(BackupArn=arn)["BackupDescription"]
                         ["SourceTableDetails"]["ItemCount"], 50)
        self.assertEqual(self.listed(TableName=table), [arn])
        # A new table of the same name starts empty; the backup still restores the old one.
        self.client.create_table(
            TableName=table, KeySchema=KEY, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "N"}])
        self.wait_active(table)
        self.assertEqual(self.scan(table), [])
        target, _ = self.restore(arn)
        self.assertEqual(self.scan(target), expected)
        self.assertEqual(len(self.client.describe_table(TableName=target)["Table"]
                             ["GlobalSecondaryIndexes"]), 1)
        self.client.delete_backup(BackupArn=arn)
        with self.assertApiError("BackupNotFoundException"):
            self.client.restore_table_from_backup(TargetTableName=random_name("r"), BackupArn=arn)
        self.assertEqual(self.scan(target), expected)  # a restored table is its own


class SystemBackups(BackupTestCase):

    def test_deleting_a_pitr_table_keeps_a_system_backup(self):
        table = self.make_table()
        self.put_items(table, [item(i) for i in range(25)])
        expected = self.scan(table)
        self.client.update_continuous_backups(
            TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        plain = self.make_table()
        before = time.time()
        self.client.delete_table(TableName=table)
        self.client.delete_table(TableName=plain)
        self.assertEqual(self.listed(TableName=table), [])  # USER by default
        self.assertEqual(self.listed(TableName=plain, BackupType="ALL"), [])
        system, = self.client.list_backups(TableName=table, BackupType="SYSTEM")["BackupSummaries"]
        self.assertEqual(self.listed(TableName=table, BackupType="ALL"), [system["BackupArn"]])
        self.assertEqual(system["BackupName"], f"{table}$DeletedTableBackup")
        self.assertEqual(system["BackupType"], "SYSTEM")
        created = ms(system["BackupCreationDateTime"])
        self.assertGreaterEqual(created, before * 1000 - 1)
        self.assertEqual(ms(system["BackupExpiryDateTime"]) - created, 35 * 86400 * 1000)
        details = self.client.describe_backup(BackupArn=system["BackupArn"])[
            "BackupDescription"]["BackupDetails"]
        self.assertEqual(details["BackupExpiryDateTime"], system["BackupExpiryDateTime"])
        target, _ = self.restore(system["BackupArn"])
        self.assertEqual(self.scan(target), expected)


class Errors(BackupTestCase):

    def test_errors(self):
        table = self.make_table()
        arn = self.backup(table)["BackupArn"]
        missing = arn[:-8] + ("0" * 8 if not arn.endswith("0" * 8) else "1" * 8)
        for op in (self.client.describe_backup, self.client.delete_backup):
            with self.assertApiError("BackupNotFoundException", f"Backup not found: {missing}"):
                op(BackupArn=missing)
        with self.assertApiError("BackupNotFoundException"):
            self.client.restore_table_from_backup(TargetTableName="target", BackupArn=missing)
        nosuch = random_name("nosuch")
        with self.assertApiError("TableNotFoundException", f"Table not found: {nosuch}"):
            self.client.create_backup(TableName=nosuch, BackupName="bkp")
        with self.assertApiError("TableAlreadyExistsException", f"Table already exists: {table}"):
            self.client.restore_table_from_backup(TargetTableName=table, BackupArn=arn)
        raw = self.raw_client
        with self.assertValidation(
                "1 validation error detected: Value 'b!x' at 'backupName' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"):
            raw.create_backup(TableName=table, BackupName="b!x")
        with self.assertValidation(
                "1 validation error detected: Value 'ab' at 'backupName' failed to satisfy "
                "constraint: Member must have length greater than or equal to 3"):
            raw.create_backup(TableName=table, BackupName="ab")
        with self.assertValidation(
                "1 validation error detected: Value 'short' at 'backupArn' failed to satisfy "
                "constraint: Member must have length greater than or equal to 37"):
            raw.describe_backup(BackupArn="short")
        with self.assertValidation(
                "1 validation error detected: Value '0' at 'limit' failed to satisfy "
                "constraint: Member must have value greater than or equal to 1"):
            raw.list_backups(Limit=0)
        with self.assertValidation(
                "1 validation error detected: Value 'NONE' at 'backupType' failed to satisfy "
                "constraint: Member must satisfy enum value set: [USER, SYSTEM, AWS_BACKUP, ALL]"):
            raw.list_backups(BackupType="NONE")
        resp = self.raw_op("CreateBackup", {"TableName": table})
        self.assertRawError(resp, "ValidationException",
                            "1 validation error detected: Value null at 'backupName' failed to "
                            "satisfy constraint: Member must not be null")


class Persistence(BackupTestCase):

    def test_backups_survive_kill9(self):
        table = self.make_table()
        self.put_items(table, [item(i) for i in range(60)])
        expected = self.scan(table)
        kept = self.backup(table, "kept")
        gone_table = self.make_table()
        self.put_items(gone_table, [item(i) for i in range(10)])
        orphan = self.backup(gone_table, "orphan")
        self.client.delete_table(TableName=gone_table)
        self.put_items(table, [item(i, "after") for i in range(60)])
        before = {a: self.client.describe_backup(BackupArn=a)["BackupDescription"]
                  for a in (kept["BackupArn"], orphan["BackupArn"])}
        self.restart_server(kill=True)
        for arn, desc in before.items():
            self.assertEqual(self.client.describe_backup(BackupArn=arn)["BackupDescription"],
                             desc)
        self.assertEqual(self.listed(TableName=table), [kept["BackupArn"]])
        target, _ = self.restore(kept["BackupArn"])
        self.assertEqual(self.scan(target), expected)
        target, _ = self.restore(orphan["BackupArn"])
        self.assertEqual(len(self.scan(target)), 10)
        # And after a clean restart too.
        self.restart_server()
        self.assertEqual(len(self.listed(BackupType="ALL")), 2)
