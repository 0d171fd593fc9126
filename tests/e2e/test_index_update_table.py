"""UpdateTable GlobalSecondaryIndexUpdates (Create / Update / Delete): the rules and messages of
the shared spec's indexes.md §5, the index lifecycle (CREATING with Backfilling, then ACTIVE;
DELETING, then gone) and what billing mode switches do to GSIs."""

import time

from harness import ServerTestCase, random_name

OMPV = "One or more parameter values were invalid: "


def key(*elements):
    out = []
    for i, e in enumerate(elements):
        name, kind = e if isinstance(e, tuple) else (e, "HASH" if i == 0 else "RANGE")
        out.append({"AttributeName": name, "KeyType": kind})
    return out


def defs(*names, t="S"):
    return [{"AttributeName": n, "AttributeType": t} for n in names]


def create_action(name, *keys, projection=None, throughput=None):
    action = {"IndexName": name, "KeySchema": key(*keys),
              "Projection": projection or {"ProjectionType": "ALL"}}
    if throughput:
        action["ProvisionedThroughput"] = {"ReadCapacityUnits": throughput[0],
                                           "WriteCapacityUnits": throughput[1]}
    return {"Create": action}


class IndexTableCase(ServerTestCase):

    def indexed_table(self, billing="PAY_PER_REQUEST", gsis=("g",), lsi=True):
        """A table (pk, sk) with one GSI per attribute in `gsis` (index "<attr>-index") and an
        LSI "lsi" on l."""
        name = random_name()
        kw = {"BillingMode": billing}
        throughput = None
        if billing == "PROVISIONED":
            throughput = {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}
            kw["ProvisionedThroughput"] = dict(throughput)
        indexes = []
        for attr in gsis:
            index = {"IndexName": f"{attr}-index", "KeySchema": key(attr),
                     "Projection": {"ProjectionType": "ALL"}}
            if throughput:
                index["ProvisionedThroughput"] = dict(throughput)
            indexes.append(index)
        if indexes:
            kw["GlobalSecondaryIndexes"] = indexes
        if lsi:
            kw["LocalSecondaryIndexes"] = [{"IndexName": "lsi", "KeySchema": key("pk", "l"),
                                            "Projection": {"ProjectionType": "KEYS_ONLY"}}]
        self.client.create_table(
            TableName=name, KeySchema=key("pk", "sk"),
            AttributeDefinitions=defs("pk", "sk", *gsis, *(["l"] if lsi else [])), **kw)
        return name

    def update(self, table, *entries, raw=False, **kw):
        client = self.raw_client if raw else self.client
        return client.update_table(TableName=table, GlobalSecondaryIndexUpdates=list(entries),
                                   **kw)["TableDescription"]

    def gsis(self, table):
        desc = self.client.describe_table(TableName=table)["Table"]
        return {i["IndexName"]: i for i in desc.get("GlobalSecondaryIndexes", [])}

    def wait_index(self, table, index, status="ACTIVE", timeout=30):
        """Waits until the index has `status` (None: until it is gone); returns every status
        seen on the way, with its Backfilling member."""
        seen = []
        deadline = time.monotonic() + timeout
        while True:
            gsi = self.gsis(table).get(index)
            state = (gsi["IndexStatus"], gsi.get("Backfilling")) if gsi else None
            if not seen or seen[-1] != state:
                seen.append(state)
            if (gsi is None and status is None) or (gsi and gsi["IndexStatus"] == status):
                return seen
            if time.monotonic() > deadline:
                raise AssertionError(f"index {index} of {table}: {seen}")
            time.sleep(0.05)


class Validation(IndexTableCase):

    def test_empty_list_alone(self):
        table = self.indexed_table()
        with self.assertValidation(
                "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                "SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, "
                "ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, "
                "OnDemandThroughput, WarmThroughput or TableClass is required"):
            self.update(table)

    # With another change the empty list fails the request, and the change is not applied.
    def test_empty_list_with_another_change(self):
        table = self.indexed_table()
        with self.assertValidation(OMPV + "List of GlobalSecondaryIndexUpdates is empty"):
            self.update(table, DeletionProtectionEnabled=True)
        self.assertFalse(self.client.describe_table(TableName=table)["Table"]
                         ["DeletionProtectionEnabled"])

    def test_entry_without_action(self):
        table = self.indexed_table()
        with self.assertValidation(
                OMPV + "One of GlobalSecondaryIndexUpdate.Update, "
                "GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not "
                "be null"):
            self.update(table, {}, raw=True)

    def test_entry_with_two_actions(self):
        table = self.indexed_table()
        entry = dict(create_action("new", "pk"), Delete={"IndexName": "g-index"})
        with self.assertValidation(
                OMPV + "Only one global secondary index action is allowed per "
                "GlobalSecondaryIndexUpdate object"):
            self.update(table, entry, AttributeDefinitions=defs("pk"))

    def test_index_named_twice(self):
        table = self.indexed_table()
        update = {"Update": {"IndexName": "g-index", "OnDemandThroughput": {
            "MaxReadRequestUnits": 10}}}
        with self.assertValidation(
                OMPV + "Only one global secondary index update per index is allowed "
                "simultaneously. Index: g-index"):
            self.update(table, update, update)

    def test_two_creates(self):
        table = self.indexed_table()
        with self.assertApiError(
                "LimitExceededException",
                "Subscriber limit exceeded: Only 1 online index can be created or deleted "
                "simultaneously per table"):
            self.update(table, create_action("one", "a"), create_action("two", "b"),
                        AttributeDefinitions=defs("a", "b"))
        self.assertEqual(set(self.gsis(table)), {"g-index"})

    def test_create_and_delete(self):
        table = self.indexed_table()
        with self.assertApiError("LimitExceededException", contains="Only 1 online index"):
            self.update(table, create_action("one", "a"), {"Delete": {"IndexName": "g-index"}},
                        AttributeDefinitions=defs("a"))

    def test_create_with_table_throughput(self):
        table = self.indexed_table("PROVISIONED")
        with self.assertValidation(
                OMPV + "You cannot create or delete index while updating table IOPS"):
            self.update(table, create_action("one", "a", throughput=(1, 1)),
                        AttributeDefinitions=defs("a"),
                        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})

    def test_create_with_deletion_protection(self):
        table = self.indexed_table()
        with self.assertValidation(
                OMPV + "DeletionProtection modification must be the only operation in the "
                "request"):
            self.update(table, create_action("one", "a"), AttributeDefinitions=defs("a"),
                        DeletionProtectionEnabled=True)

    def test_create_with_warm_throughput(self):
        table = self.indexed_table()
        with self.assertValidation(
                OMPV + "Create global secondary index cannot be specified when updating "
                "WarmThroughput"):
            self.update(table, create_action("one", "a"), AttributeDefinitions=defs("a"),
                        WarmThroughput={"ReadUnitsPerSecond": 13000})

    def test_create_existing_name(self):
        table = self.indexed_table()
        for name in ("g-index", "lsi"):  # a GSI's or an LSI's
            with self.subTest(name=name), self.assertValidation(
                    "Attempting to create an index which already exists"):
                self.update(table, create_action(name, "a"), AttributeDefinitions=defs("a"))

    def test_unknown_index(self):
        table = self.indexed_table()
        for entry in ({"Delete": {"IndexName": "nope"}},
                      {"Update": {"IndexName": "nope", "OnDemandThroughput": {
                          "MaxReadRequestUnits": 5}}}):
            with self.subTest(entry=entry), self.assertApiError(
                    "ResourceNotFoundException",
                    f"Requested resource not found: Index nope for table {table}"):
                self.update(table, entry)

    # A valid entry next to an unknown index is not applied either.
    def test_unknown_index_fails_the_whole_request(self):
        table = self.indexed_table(gsis=("g", "h"))
        with self.assertApiError("ResourceNotFoundException"):
            self.update(table, {"Update": {"IndexName": "g-index", "OnDemandThroughput": {
                "MaxReadRequestUnits": 5}}}, {"Update": {"IndexName": "nope"}})
        self.assertNotIn("OnDemandThroughput", self.gsis(table)["g-index"])

    def test_local_index(self):
        table = self.indexed_table()
        with self.assertValidation(
                "Cannot delete an index that is not a GlobalSecondaryIndex: lsi"):
            self.update(table, {"Delete": {"IndexName": "lsi"}})
        with self.assertValidation(
                "Cannot update an index that is not a GlobalSecondaryIndex: lsi"):
            self.update(table, {"Update": {"IndexName": "lsi", "OnDemandThroughput": {
                "MaxReadRequestUnits": 5}}})

    def test_create_without_attribute_definitions(self):
        table = self.indexed_table()
        with self.assertValidation(OMPV + "AttributeDefinitions is not specified for index: new"):
            self.update(table, create_action("new", "a"))
        # Even for an attribute the table defines already.
        with self.assertValidation(OMPV + "AttributeDefinitions is not specified for index: new"):
            self.update(table, create_action("new", "g"), AttributeDefinitions=defs("a"))

    def test_create_redefining_a_type(self):
        table = self.indexed_table()
        with self.assertValidation(
                OMPV + "Attributes cannot be redefined. Please check that your attribute has the "
                "same type as previously defined. Existing schema: Schema:[SchemaElement: "
                "key{g:S:HASH}] New schema: Schema:[SchemaElement: key{g:N:HASH}]"):
            self.update(table, create_action("new", "g"), AttributeDefinitions=defs("g", t="N"))

    def test_create_throughput_by_billing_mode(self):
        provisioned = self.indexed_table("PROVISIONED")
        with self.assertValidation(
                OMPV + "Both ReadCapacityUnits and WriteCapacityUnits must be specified for "
                "index: new"):
            self.update(provisioned, create_action("new", "a"), AttributeDefinitions=defs("a"))
        on_demand = self.indexed_table()
        with self.assertValidation(
                OMPV + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for "
                "index: new when BillingMode is PAY_PER_REQUEST"):
            self.update(on_demand, create_action("new", "a", throughput=(1, 1)),
                        AttributeDefinitions=defs("a"))

    def test_create_key_schema_rules(self):
        table = self.indexed_table()
        with self.assertValidation(
                OMPV + "The KeySchema exceeds the maximum allowed number of HASH key attributes"):
            self.update(table, create_action("new", *[(n, "HASH") for n in "abcde"]),
                        AttributeDefinitions=defs(*"abcde"))
        with self.assertValidation(
                OMPV + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified"):
            self.update(table, create_action("new", "a", projection={"ProjectionType": "INCLUDE"}),
                        AttributeDefinitions=defs("a"))

    def test_create_member_constraints(self):
        table = self.indexed_table()
        with self.assertValidation(
                "1 validation error detected: Value 'ab' at "
                "'globalSecondaryIndexUpdates.1.member.create.indexName' failed to satisfy "
                "constraint: Member must have length greater than or equal to 3"):
            self.update(table, create_action("ab", "a"), AttributeDefinitions=defs("a"),
                        raw=True)

    def test_twenty_first_gsi(self):
        table = self.indexed_table(gsis=[f"g{i}" for i in range(20)], lsi=False)
        with self.assertApiError(
                "LimitExceededException",
                "Subscriber limit exceeded: Number of global secondary indexes exceeds per-table "
                "limit of 20"):
            self.update(table, create_action("one-more", "a"), AttributeDefinitions=defs("a"))

    def test_update_throughput_on_pay_per_request(self):
        table = self.indexed_table()
        with self.assertValidation(
                OMPV + "The only Updates for index: g-index when TableThroughputMode is "
                "PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput"):
            self.update(table, {"Update": {"IndexName": "g-index", "ProvisionedThroughput": {
                "ReadCapacityUnits": 3, "WriteCapacityUnits": 3}}})

    def test_update_with_same_throughput(self):
        table = self.indexed_table("PROVISIONED")
        with self.assertValidation(contains=(
                "The provisioned throughput for the index g-index will not change. The requested "
                "value equals the current value. Current ReadCapacityUnits provisioned for index "
                "g-index: 2. Requested ReadCapacityUnits: 2.")):
            self.update(table, {"Update": {"IndexName": "g-index", "ProvisionedThroughput": {
                "ReadCapacityUnits": 2, "WriteCapacityUnits": 2}}})


class Throughput(IndexTableCase):

    def test_update_provisioned_throughput(self):
        table = self.indexed_table("PROVISIONED")
        self.update(table, {"Update": {"IndexName": "g-index", "ProvisionedThroughput": {
            "ReadCapacityUnits": 9, "WriteCapacityUnits": 2}}})
        pt = self.gsis(table)["g-index"]["ProvisionedThroughput"]
        self.assertEqual((pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]), (9, 2))
        self.assertIn("LastIncreaseDateTime", pt)
        self.wait_table_and_indexes_active(table)
        self.update(table, {"Update": {"IndexName": "g-index", "ProvisionedThroughput": {
            "ReadCapacityUnits": 1, "WriteCapacityUnits": 2}}})
        pt = self.gsis(table)["g-index"]["ProvisionedThroughput"]
        self.assertEqual(pt["NumberOfDecreasesToday"], 1)
        self.assertIn("LastDecreaseDateTime", pt)

    def test_on_demand_throughput_set_and_cleared(self):
        table = self.indexed_table()
        self.update(table, {"Update": {"IndexName": "g-index", "OnDemandThroughput": {
            "MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 50}}})
        self.assertEqual(self.gsis(table)["g-index"]["OnDemandThroughput"],
                         {"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 50})
        self.wait_table_and_indexes_active(table)
        self.update(table, {"Update": {"IndexName": "g-index", "OnDemandThroughput": {
            "MaxReadRequestUnits": -1, "MaxWriteRequestUnits": -1}}})
        self.assertNotIn("OnDemandThroughput", self.gsis(table)["g-index"])
        with self.assertValidation(
                OMPV + "Requested MaxReadRequestUnits for OnDemandThroughput for index : g-index "
                "is outside of valid range"):
            self.update(table, {"Update": {"IndexName": "g-index", "OnDemandThroughput": {
                "MaxReadRequestUnits": 0}}})

    # PAY_PER_REQUEST -> PROVISIONED needs throughput for every GSI in the same call.
    def test_switch_to_provisioned(self):
        table = self.indexed_table(gsis=("g", "h"))
        pt = {"ReadCapacityUnits": 4, "WriteCapacityUnits": 6}
        with self.assertValidation(OMPV + "ProvisionedThroughput must be specified for index: "
                                   "h-index"):
            self.client.update_table(
                TableName=table, BillingMode="PROVISIONED", ProvisionedThroughput=pt,
                GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "g-index",
                                                         "ProvisionedThroughput": pt}}])
        with self.assertValidation(OMPV + "ProvisionedThroughput must be specified for index: "
                                   "g-index"):
            self.client.update_table(TableName=table, BillingMode="PROVISIONED",
                                     ProvisionedThroughput=pt)
        self.client.update_table(
            TableName=table, BillingMode="PROVISIONED", ProvisionedThroughput=pt,
            GlobalSecondaryIndexUpdates=[
                {"Update": {"IndexName": n, "ProvisionedThroughput": pt}}
                for n in ("g-index", "h-index")])
        for gsi in self.gsis(table).values():
            self.assertEqual(gsi["ProvisionedThroughput"]["ReadCapacityUnits"], 4)
            self.assertEqual(gsi["ProvisionedThroughput"]["WriteCapacityUnits"], 6)

    def test_switch_to_pay_per_request(self):
        table = self.indexed_table("PROVISIONED")
        self.client.update_table(TableName=table, BillingMode="PAY_PER_REQUEST")
        pt = self.gsis(table)["g-index"]["ProvisionedThroughput"]
        self.assertEqual((pt["ReadCapacityUnits"], pt["WriteCapacityUnits"]), (0, 0))

    # A Create may come with a billing switch (DDB-TABLE-174).
    def test_create_with_switch_to_pay_per_request(self):
        table = self.indexed_table("PROVISIONED")
        self.update(table, create_action("new", "a"), AttributeDefinitions=defs("a"),
                    BillingMode="PAY_PER_REQUEST")
        self.wait_index(table, "new")


class Lifecycle(IndexTableCase):

    def test_create_backfills_existing_items(self):
        table = self.indexed_table()
        items = [{"pk": {"S": f"p{i}"}, "sk": {"S": "s"}, "a": {"N": str(i)}} for i in range(300)]
        items += [{"pk": {"S": f"q{i}"}, "sk": {"S": "s"}} for i in range(50)]  # sparse
        self.put_items(table, items)
        desc = self.update(table, create_action("by-a", "a"), AttributeDefinitions=defs("a", t="N"))
        self.assertEqual(desc["TableStatus"], "UPDATING")
        new = next(i for i in desc["GlobalSecondaryIndexes"] if i["IndexName"] == "by-a")
        self.assertIn(new["IndexStatus"], ("CREATING", "ACTIVE"))
        if new["IndexStatus"] == "CREATING":
            self.assertIs(new.get("Backfilling"), True)
        else:
            self.assertNotIn("Backfilling", new)
        seen = self.wait_index(table, "by-a")
        for status, backfilling in seen:
            self.assertIn((status, backfilling), [("CREATING", True), ("ACTIVE", None)], seen)
        table_desc = self.client.describe_table(TableName=table)["Table"]
        self.assertEqual(table_desc["TableStatus"], "ACTIVE")
        self.assertIn({"AttributeName": "a", "AttributeType": "N"},
                      table_desc["AttributeDefinitions"])
        self.assertEqual(self.gsis(table)["by-a"]["ItemCount"], 300)

    def test_delete_then_gone_and_recreate(self):
        table = self.indexed_table(gsis=("g", "h"))
        desc = self.update(table, {"Delete": {"IndexName": "h-index"}})
        self.assertEqual(desc["TableStatus"], "UPDATING")
        statuses = {i["IndexName"]: i["IndexStatus"] for i in desc["GlobalSecondaryIndexes"]}
        self.assertIn(statuses.get("h-index", "gone"), ("DELETING", "gone"))
        self.wait_index(table, "h-index", status=None)
        # The definition no key uses any more is pruned.
        names = [d["AttributeName"] for d in
                 self.client.describe_table(TableName=table)["Table"]["AttributeDefinitions"]]
        self.assertNotIn("h", names)
        self.update(table, create_action("h-index", "x"), AttributeDefinitions=defs("x"))
        self.wait_index(table, "h-index")
        self.assertEqual(self.gsis(table)["h-index"]["KeySchema"], key("x"))

    def test_delete_the_last_gsi(self):
        table = self.indexed_table(lsi=False)
        self.update(table, {"Delete": {"IndexName": "g-index"}})
        self.wait_index(table, "g-index", status=None)
        self.assertNotIn("GlobalSecondaryIndexes",
                         self.client.describe_table(TableName=table)["Table"])

    # A Terraform-like flow: add a GSI to a table, wait, then delete the table.
    def test_create_then_delete_table(self):
        table = self.indexed_table(gsis=(), lsi=False)
        self.update(table, create_action("new", "a"), AttributeDefinitions=defs("a"))
        self.wait_index(table, "new")
        self.client.delete_table(TableName=table)

    def test_survives_restart(self):
        table = self.indexed_table()
        self.put_items(table, [{"pk": {"S": f"p{i}"}, "sk": {"S": "s"}, "a": {"S": "x"}}
                               for i in range(100)])
        self.update(table, create_action("by-a", "a"), AttributeDefinitions=defs("a"))
        self.restart_server(kill=True)
        self.wait_index(table, "by-a")
        self.assertEqual(self.gsis(table)["by-a"]["ItemCount"], 100)


class UpdatingState(IndexTableCase):
    """A GSI throughput Update shows the index UPDATING for a moment, then ACTIVE, while the table
    stays ACTIVE (spec §5.2/§5.5: "each index UPDATING about 2 s; table stays ACTIVE"); a
    WarmThroughput increase leaves IndexStatus ACTIVE."""

    def statuses(self, table):
        desc = self.client.describe_table(TableName=table)["Table"]
        return desc["TableStatus"], {i["IndexName"]: i["IndexStatus"]
                                     for i in desc["GlobalSecondaryIndexes"]}

    def test_provisioned_update_is_updating_then_active(self):
        table = self.indexed_table("PROVISIONED", gsis=("g", "h"))
        desc = self.update(table, {"Update": {"IndexName": "g-index", "ProvisionedThroughput": {
            "ReadCapacityUnits": 9, "WriteCapacityUnits": 2}}})
        self.assertEqual(desc["TableStatus"], "ACTIVE")
        statuses = {i["IndexName"]: i["IndexStatus"] for i in desc["GlobalSecondaryIndexes"]}
        self.assertEqual(statuses, {"g-index": "UPDATING", "h-index": "ACTIVE"})
        self.assertEqual(self.statuses(table), ("ACTIVE", statuses))
        # DeleteTable waits for the index, as on AWS (spec §5.5).
        with self.assertApiError(
                "ResourceInUseException",
                "Attempt to change a resource which is still in use: Cannot delete table while "
                "indexes are being created, updated, or deleted."):
            self.client.delete_table(TableName=table)
        # Reads and writes go on meanwhile.
        self.client.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": "b"},
                                                    "g": {"S": "x"}})
        self.assertEqual(self.client.query(
            TableName=table, IndexName="g-index", KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": {"S": "x"}})["Count"], 1)
        self.wait_table_and_indexes_active(table, timeout=10)
        self.client.delete_table(TableName=table)

    def test_on_demand_update_is_updating_and_warm_update_is_not(self):
        table = self.indexed_table(gsis=("g",))
        desc = self.update(table, {"Update": {"IndexName": "g-index", "WarmThroughput": {
            "ReadUnitsPerSecond": 20000}}})
        self.assertEqual(desc["GlobalSecondaryIndexes"][0]["IndexStatus"], "ACTIVE")
        desc = self.update(table, {"Update": {"IndexName": "g-index", "OnDemandThroughput": {
            "MaxReadRequestUnits": 100}}})
        self.assertEqual(desc["GlobalSecondaryIndexes"][0]["IndexStatus"], "UPDATING")
        self.wait_table_and_indexes_active(table, timeout=10)

    def test_second_throughput_update_while_updating_is_refused(self):
        """AWS refuses a second throughput change of an index still UPDATING from the first
        (spec §5.5) and accepts it once the index is ACTIVE again."""
        table = self.indexed_table(gsis=("g",))
        on_demand = lambda units: {"Update": {"IndexName": "g-index", "OnDemandThroughput": {
            "MaxReadRequestUnits": units}}}
        self.update(table, on_demand(100))
        with self.assertApiError(
                "ResourceInUseException",
                "Attempt to change a resource which is still in use: Index is being updated. "
                f"Table: {table} Index: g-index"):
            self.update(table, on_demand(200))
        self.wait_table_and_indexes_active(table)
        desc = self.update(table, on_demand(200))
        self.assertEqual(desc["GlobalSecondaryIndexes"][0]["OnDemandThroughput"]
                         ["MaxReadRequestUnits"], 200)
