"""Time to Live: UpdateTimeToLive / DescribeTimeToLive (shared/spec/streams-ttl.md §5) and the
expiry sweeper, which deletes expired items every --ttl-interval seconds."""

import time

from harness import ServerTestCase, random_name


def ttl_spec(attribute, enabled=True):
    return {"AttributeName": attribute, "Enabled": enabled}


class Settings(ServerTestCase):
    """The default one-hour cooldown between two changes (AWS documents one hour)."""

    def describe(self, name):
        return self.client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]

    def test_never_configured_is_disabled_without_attribute(self):
        name = self.create_table()
        self.assertEqual(self.describe(name), {"TimeToLiveStatus": "DISABLED"})

    def test_enable_echoes_and_describes(self):
        name = self.create_table()
        resp = self.client.update_time_to_live(TableName=name,
                                               TimeToLiveSpecification=ttl_spec("expires"))
        self.assertEqual(resp["TimeToLiveSpecification"], ttl_spec("expires"))
        self.assertEqual(self.describe(name),
                         {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"})
        # By ARN as well.
        arn = self.client.describe_table(TableName=name)["Table"]["TableArn"]
        self.assertEqual(self.describe(arn)["AttributeName"], "expires")
        # TTL is not part of the table's description, and does not change its status.
        table = self.client.describe_table(TableName=name)["Table"]
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertNotIn("TimeToLiveDescription", table)

    # The content checks come before the cooldown's: a same-attribute re-enable inside the
    # cooldown is "already enabled" (ACK-lab DDB-TABLE-143/147).
    def test_content_errors_then_cooldown(self):
        name = self.create_table()
        self.client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl_spec("a"))
        with self.assertValidation("TimeToLive is already enabled"):
            self.client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl_spec("a"))
        different = "TimeToLive is active on a different AttributeName: current AttributeName is a"
        with self.assertValidation(different):
            self.client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl_spec("b"))
        with self.assertValidation(different):
            self.client.update_time_to_live(TableName=name,
                                            TimeToLiveSpecification=ttl_spec("b", False))
        with self.assertValidation(
                "Time to live has been modified multiple times within a fixed interval"):
            self.client.update_time_to_live(TableName=name,
                                            TimeToLiveSpecification=ttl_spec("a", False))
        self.assertEqual(self.describe(name)["TimeToLiveStatus"], "ENABLED")

    def test_disable_when_disabled(self):
        name = self.create_table()
        with self.assertValidation("TimeToLive is already disabled"):
            self.client.update_time_to_live(TableName=name,
                                            TimeToLiveSpecification=ttl_spec("a", False))

    def test_shape_errors(self):
        name = self.create_table()
        cases = [
            ({}, "Value null at 'timeToLiveSpecification' failed to satisfy constraint: "
                 "Member must not be null"),
            ({"TimeToLiveSpecification": {"Enabled": True}},
             "Value null at 'timeToLiveSpecification.attributeName' failed to satisfy "
             "constraint: Member must not be null"),
            ({"TimeToLiveSpecification": {"AttributeName": "a"}},
             "Value null at 'timeToLiveSpecification.enabled' failed to satisfy constraint: "
             "Member must not be null"),
            ({"TimeToLiveSpecification": ttl_spec("")},
             "Member must have length greater than or equal to 1"),
            ({"TimeToLiveSpecification": ttl_spec("x" * 256)},
             "Member must have length less than or equal to 255"),
        ]
        for extra, message in cases:
            with self.subTest(extra=extra):
                with self.assertValidation(contains=message):
                    self.raw_client.update_time_to_live(TableName=name, **extra)
        # 255 characters are fine.
        self.client.update_time_to_live(TableName=name,
                                        TimeToLiveSpecification=ttl_spec("x" * 255))
        with self.assertApiError("SerializationException"):
            self.raw_client.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"AttributeName": "a", "Enabled": "yes"})

    def test_unknown_table(self):
        name = random_name()
        message = f"Requested resource not found: Table: {name} not found"
        with self.assertNotFound(message):
            self.client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl_spec("a"))
        with self.assertNotFound(message):
            self.client.describe_time_to_live(TableName=name)


class ShortCooldown(ServerTestCase):
    SERVER_ARGS = ("--ttl-cooldown", "0")

    # A disabled setting forgets its attribute; TTL may then be enabled on another one.
    def test_disable_then_enable_another_attribute(self):
        name = self.create_table()
        self.client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl_spec("a"))
        resp = self.client.update_time_to_live(TableName=name,
                                               TimeToLiveSpecification=ttl_spec("a", False))
        self.assertEqual(resp["TimeToLiveSpecification"], ttl_spec("a", False))
        self.assertEqual(self.client.describe_time_to_live(TableName=name)[
            "TimeToLiveDescription"], {"TimeToLiveStatus": "DISABLED"})
        self.client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl_spec("b"))
        self.assertEqual(self.client.describe_time_to_live(TableName=name)[
            "TimeToLiveDescription"], {"TimeToLiveStatus": "ENABLED", "AttributeName": "b"})

    # AWS was never seen in ENABLING or DISABLING: polled every second after each change, the
    # first DescribeTimeToLive already shows the settled status (ACK-lab DDB-TABLE-144/145;
    # ScyllaDB's AWS-run test_ttl_enable asserts ENABLED at once). Tideline answers the same from
    # the first call on, whatever the timing: every describe right after a change is settled.
    def test_no_transient_status(self):
        name = self.create_table()
        for enabled, expected in ((True, {"TimeToLiveStatus": "ENABLED", "AttributeName": "t"}),
                                  (False, {"TimeToLiveStatus": "DISABLED"})) * 2:
            self.client.update_time_to_live(TableName=name,
                                            TimeToLiveSpecification=ttl_spec("t", enabled))
            seen = [self.client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
                    for _ in range(5)]
            self.assertEqual(seen, [expected] * 5)


class Expiry(ServerTestCase):
    SERVER_ARGS = ("--ttl-interval", "0.2", "--ttl-cooldown", "0")

    def keys(self, name):
        items = self.client.scan(TableName=name, ConsistentRead=True)["Items"]
        return sorted(item["pk"]["S"] for item in items)

    def wait_for_keys(self, name, expected, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            keys = self.keys(name)
            if keys == sorted(expected) or time.monotonic() > deadline:
                return keys
            time.sleep(0.1)

    def test_which_items_expire(self):
        name = self.create_table()
        now = int(time.time())
        # A time 1000 s ago in exponent notation, e.g. 1.796000000e9 (a fixed 1.7e9, November
        # 2023, would pass the 5-year bound in November 2028 and stop expiring).
        digits = str(now - 1000)
        exponent = f"{digits[0]}.{digits[1:]}e{len(digits) - 1}"
        items = {
            "past": {"N": str(now - 100)},
            "fraction": {"N": f"{now - 10}.25"},
            "exponent": {"N": exponent},       # in the past, within 5 years
            "future": {"N": str(now + 3600)},
            "five_years_ago": {"N": str(now - 5 * 366 * 86400)},
            "in_1975": {"N": "162777600"},
            "millis": {"N": str(now * 1000)},  # a millisecond timestamp is far in the future
            "string": {"S": str(now - 100)},
            "nested": {"M": {"exp": {"N": str(now - 100)}}},
            "absent": None,
        }
        for key, value in items.items():
            item = {"pk": {"S": key}, "data": {"S": "x"}}
            if value is not None:
                item["exp"] = value
            self.client.put_item(TableName=name, Item=item)
        # Items written before TTL was enabled expire too.
        self.client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl_spec("exp"))
        kept = ["future", "five_years_ago", "in_1975", "millis", "string", "nested", "absent"]
        self.assertEqual(self.wait_for_keys(name, kept), sorted(kept))
        # Nothing more goes on later sweeps.
        time.sleep(1)
        self.assertEqual(self.keys(name), sorted(kept))
        self.assertEqual(self.client.describe_table(TableName=name)["Table"]["ItemCount"],
                         len(kept))

    # An item whose expiry is pushed into the future before it is deleted stays; one whose
    # expiry passes later goes then.
    def test_updates_are_honoured(self):
        name = self.create_table()
        self.client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl_spec("exp"))
        now = int(time.time())
        self.client.put_item(TableName=name, Item={"pk": {"S": "soon"},
                                                   "exp": {"N": str(now + 5)}})
        self.client.put_item(TableName=name, Item={"pk": {"S": "later"},
                                                   "exp": {"N": str(now + 5)}})
        self.client.update_item(TableName=name, Key={"pk": {"S": "later"}},
                                UpdateExpression="SET exp = :e",
                                ExpressionAttributeValues={":e": {"N": str(now + 3600)}})
        self.assertEqual(self.wait_for_keys(name, ["later"]), ["later"])

    def test_disabled_ttl_deletes_nothing(self):
        name = self.create_table()
        now = int(time.time())
        self.client.put_item(TableName=name, Item={"pk": {"S": "a"}, "exp": {"N": str(now - 5)}})
        time.sleep(1)
        self.assertEqual(self.keys(name), ["a"])
        # Enabled then disabled: an item that expires after the disable stays.
        self.client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl_spec("exp"))
        self.assertEqual(self.wait_for_keys(name, []), [])
        self.client.update_time_to_live(TableName=name,
                                        TimeToLiveSpecification=ttl_spec("exp", False))
        self.client.put_item(TableName=name, Item={"pk": {"S": "b"}, "exp": {"N": str(now - 5)}})
        time.sleep(1)
        self.assertEqual(self.keys(name), ["b"])

    # Expired items leave the table's indexes as a DeleteItem would remove them.
    def test_indexes(self):
        name = random_name()
        self.client.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"},
                                  {"AttributeName": "g", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[{"IndexName": "by_g",
                                     "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "ALL"}}],
            LocalSecondaryIndexes=[{"IndexName": "by_g_local",
                                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                  {"AttributeName": "g", "KeyType": "RANGE"}],
                                    "Projection": {"ProjectionType": "KEYS_ONLY"}}])
        self.wait_active(name)
        now = int(time.time())
        for i, exp in enumerate([now - 50, now + 3600, now - 60]):
            self.client.put_item(TableName=name, Item={
                "pk": {"S": "p"}, "sk": {"S": str(i)}, "g": {"S": "G"}, "exp": {"N": str(exp)}})
        self.client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl_spec("exp"))

        def index_keys(index):
            items = self.client.query(
                TableName=name, IndexName=index,
                KeyConditionExpression="#k = :v",
                ExpressionAttributeNames={"#k": "g" if index == "by_g" else "pk"},
                ExpressionAttributeValues={":v": {"S": "G" if index == "by_g" else "p"}})["Items"]
            return sorted(item["sk"]["S"] for item in items)

        deadline = time.monotonic() + 15
        while index_keys("by_g") != ["1"] and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(index_keys("by_g"), ["1"])
        self.assertEqual(index_keys("by_g_local"), ["1"])
        table = self.client.describe_table(TableName=name)["Table"]
        self.assertEqual(table["ItemCount"], 1)
        self.assertEqual(table["GlobalSecondaryIndexes"][0]["ItemCount"], 1)

    # The setting is in the catalog: after a restart (a kill -9 too) the sweeper goes on.
    def test_survives_restart(self):
        name = self.create_table()
        self.client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl_spec("exp"))
        self.restart_server(kill=True)
        self.assertEqual(self.client.describe_time_to_live(TableName=name)[
            "TimeToLiveDescription"], {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"})
        now = int(time.time())
        self.client.put_item(TableName=name, Item={"pk": {"S": "a"}, "exp": {"N": str(now - 5)}})
        self.client.put_item(TableName=name, Item={"pk": {"S": "b"}})
        self.assertEqual(self.wait_for_keys(name, ["b"]), ["b"])

    # A TTL deletion is a write in the table's history: a point-in-time restore to before it
    # has the item.
    def test_deletion_in_history(self):
        name = self.create_table()
        self.client.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        now = int(time.time())
        self.client.put_item(TableName=name, Item={"pk": {"S": "a"}, "exp": {"N": str(now + 2)}})
        time.sleep(1)
        before = time.time()
        self.client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl_spec("exp"))
        self.assertEqual(self.wait_for_keys(name, []), [])
        target = random_name()
        self.client.restore_table_to_point_in_time(SourceTableName=name,
                                                   TargetTableName=target,
                                                   RestoreDateTime=before)
        self.wait_active(target)
        self.assertEqual(self.keys(target), ["a"])
        # Restores carry no TTL setting (AWS: TTL settings must be set up again).
        self.assertEqual(self.client.describe_time_to_live(TableName=target)[
            "TimeToLiveDescription"], {"TimeToLiveStatus": "DISABLED"})
