"""RestoreTableToPointInTime of a table with secondary indexes: the source's indexes by default,
GlobalSecondaryIndexOverride / LocalSecondaryIndexOverride to keep a subset (matched by key
schema and projection, renaming allowed, "[]" for none), and their errors (the shared spec's
indexes.md §6)."""

from export_support import ExportTestCase
from harness import random_name


def key(*names):
    return [{"AttributeName": n, "KeyType": "HASH" if i == 0 else "RANGE"}
            for i, n in enumerate(names)]


GSI = {"IndexName": "by-g", "KeySchema": key("g"),
       "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x", "y"]}}
LSI = {"IndexName": "by-l", "KeySchema": key("pk", "l"),
       "Projection": {"ProjectionType": "KEYS_ONLY"}}


class RestoreIndexes(ExportTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = random_name("src")
        cls.client.create_table(
            TableName=cls.source, KeySchema=key("pk", "sk"), BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"}
                                  for n in ("pk", "sk", "g", "l")],
            GlobalSecondaryIndexes=[GSI], LocalSecondaryIndexes=[LSI])
        cls.enable_pitr(cls.source)
        cls.put_items(cls.source, [
            {"pk": {"S": f"p{i}"}, "sk": {"S": "s"}, "g": {"S": f"g{i % 4}"},
             "l": {"S": f"l{i}"}, "x": {"N": str(i)}} for i in range(40)])

    def restore(self, **kw):
        target = random_name("restored")
        self.client.restore_table_to_point_in_time(
            SourceTableName=self.source, TargetTableName=target, UseLatestRestorableTime=True,
            **kw)
        self.client.get_waiter("table_exists").wait(
            TableName=target, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
        return self.describe_table(target)

    def test_default_keeps_the_source_indexes(self):
        table = self.restore()
        gsi, = table["GlobalSecondaryIndexes"]
        lsi, = table["LocalSecondaryIndexes"]
        self.assertEqual((gsi["IndexName"], gsi["KeySchema"], gsi["Projection"]),
                         (GSI["IndexName"], GSI["KeySchema"], GSI["Projection"]))
        self.assertEqual((lsi["IndexName"], lsi["KeySchema"], lsi["Projection"]),
                         (LSI["IndexName"], LSI["KeySchema"], LSI["Projection"]))
        self.assertEqual(gsi["IndexStatus"], "ACTIVE")
        self.assertEqual(gsi["ItemCount"], 40)
        self.assertEqual(lsi["ItemCount"], 40)

    # "[]" keeps none; the definitions of the dropped keys go with them.
    def test_empty_overrides_drop_all(self):
        table = self.restore(GlobalSecondaryIndexOverride=[], LocalSecondaryIndexOverride=[])
        self.assertNotIn("GlobalSecondaryIndexes", table)
        self.assertNotIn("LocalSecondaryIndexes", table)
        self.assertEqual(sorted(d["AttributeName"] for d in table["AttributeDefinitions"]),
                         ["pk", "sk"])

    # A matching override may rename the index (NonKeyAttributes in any order).
    def test_override_renames(self):
        renamed = dict(GSI, IndexName="renamed", Projection={
            "ProjectionType": "INCLUDE", "NonKeyAttributes": ["y", "x"]})
        table = self.restore(GlobalSecondaryIndexOverride=[renamed])
        self.assertEqual([i["IndexName"] for i in table["GlobalSecondaryIndexes"]], ["renamed"])
        self.assertEqual(len(table["LocalSecondaryIndexes"]), 1)

    def test_override_that_matches_nothing(self):
        target = random_name("restored")
        for override in (dict(GSI, KeySchema=key("l")),
                         dict(GSI, Projection={"ProjectionType": "ALL"})):
            with self.subTest(override=override), self.assertValidation(
                    "Invalid Request: Index by-g does not match a secondary index that existed "
                    "in the source table and cannot be created during the restore operation"):
                self.client.restore_table_to_point_in_time(
                    SourceTableName=self.source, TargetTableName=target,
                    UseLatestRestorableTime=True, GlobalSecondaryIndexOverride=[override])
        with self.assertApiError("ResourceNotFoundException"):
            self.client.describe_table(TableName=target)

    def test_throughput_rules(self):
        target = random_name("restored")
        with self.assertValidation("Invalid Request: Must specify provisioned throughput for "
                                   "index by-g"):
            self.client.restore_table_to_point_in_time(
                SourceTableName=self.source, TargetTableName=target, UseLatestRestorableTime=True,
                BillingModeOverride="PROVISIONED",
                ProvisionedThroughputOverride={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                GlobalSecondaryIndexOverride=[GSI])
        with self.assertValidation(
                "Invalid Request: Cannot override ProvisionedThroughput if BillingMode is "
                "overridden to PAY_PER_REQUEST for index by-g"):
            self.client.restore_table_to_point_in_time(
                SourceTableName=self.source, TargetTableName=target, UseLatestRestorableTime=True,
                BillingModeOverride="PAY_PER_REQUEST",
                GlobalSecondaryIndexOverride=[dict(GSI, ProvisionedThroughput={
                    "ReadCapacityUnits": 1, "WriteCapacityUnits": 1})])

    def test_provisioned_override_takes_its_throughput(self):
        table = self.restore(
            BillingModeOverride="PROVISIONED",
            ProvisionedThroughputOverride={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2},
            GlobalSecondaryIndexOverride=[dict(GSI, ProvisionedThroughput={
                "ReadCapacityUnits": 3, "WriteCapacityUnits": 4})])
        pt = table["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]
        self.assertEqual((pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]), (3, 4))

    def test_override_member_constraints(self):
        with self.assertValidation(contains="'localSecondaryIndexOverride.1.member.indexName'"):
            self.raw_client.restore_table_to_point_in_time(
                SourceTableName=self.source, TargetTableName=random_name("restored"),
                UseLatestRestorableTime=True, LocalSecondaryIndexOverride=[dict(LSI,
                                                                                IndexName="x")])
