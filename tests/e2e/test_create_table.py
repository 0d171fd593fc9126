"""CreateTable: key schemas, attribute definitions, names, billing modes, tags."""

import datetime
import re

from harness import ServerTestCase, new_uuid_like, random_name, REGION, ACCOUNT

HASH_S = dict(KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])


def hash_range(h="a", ht="S", r="b", rt="S"):
    return dict(KeySchema=[{"AttributeName": h, "KeyType": "HASH"},
                           {"AttributeName": r, "KeyType": "RANGE"}],
                AttributeDefinitions=[{"AttributeName": h, "AttributeType": ht},
                                      {"AttributeName": r, "AttributeType": rt}])


class Serialization(ServerTestCase):
    # DynamoDB answers a member of the wrong JSON type with SerializationException before it
    # looks at any value.

    def assertSerialization(self, payload):
        self.assertRawError(self.raw_op("CreateTable", payload), "SerializationException")

    def base(self, **kw):
        p = {"TableName": random_name(), "BillingMode": "PAY_PER_REQUEST", **HASH_S}
        p.update(kw)
        return p

    def test_table_name_is_a_number(self):
        self.assertSerialization(self.base(TableName=123))

    def test_key_schema_is_a_string(self):
        self.assertSerialization(self.base(KeySchema="pk"))

    def test_attribute_definitions_member_is_a_string(self):
        self.assertSerialization(self.base(AttributeDefinitions=["pk"]))

    def test_read_capacity_units_is_a_string(self):
        self.assertSerialization(self.base(
            BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": "5", "WriteCapacityUnits": 5}))

    def test_billing_mode_is_a_list(self):
        self.assertSerialization(self.base(BillingMode=["PAY_PER_REQUEST"]))


class Validation(ServerTestCase):
    # Validation errors come back as ValidationException with AWS's exact wording; botocore's
    # own checks are off (raw_client) so that the server sees the bad request.

    def create(self, name=None, billing="PAY_PER_REQUEST", **kw):
        args = dict(TableName=name or random_name(), **kw)
        if billing is not None:
            args["BillingMode"] = billing
        return self.raw_client.create_table(**args)

    # The name's length is a member constraint like its pattern (recorded from AWS).
    def test_short_table_name(self):
        with self.assertValidation(
                "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy "
                "constraint: Member must have length greater than or equal to 3"):
            self.create("ab", **HASH_S)

    def test_long_table_name(self):
        name = "a" * 256
        with self.assertValidation(
                f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy "
                "constraint: Member must have length less than or equal to 255"):
            self.create(name, **HASH_S)

    # DynamoDB checks TableName's presence first, with a message of its own (recorded from AWS).
    def test_missing_table_name(self):
        with self.assertValidation(
                "The parameter 'TableName' is required but was not present in the request"):
            self.raw_client.create_table(BillingMode="Woop", **HASH_S)

    def test_table_name_with_invalid_characters(self):
        with self.assertValidation(
                "1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"):
            self.create("abc;", **HASH_S)

    # Missing required members are reported as "Value null at '<member>'"; the exact list
    # depends on what else is missing, so only the member is checked here.
    def test_missing_key_schema(self):
        with self.assertValidation(contains="keySchema"):
            self.create(AttributeDefinitions=HASH_S["AttributeDefinitions"])

    def test_missing_attribute_definitions(self):
        with self.assertValidation(regex="[aA]ttributeDefinitions"):
            self.create(KeySchema=HASH_S["KeySchema"])

    def test_empty_key_schema(self):
        with self.assertValidation(contains="Member must have length greater than or equal to 1"):
            self.create(KeySchema=[], AttributeDefinitions=HASH_S["AttributeDefinitions"])

    def test_three_key_schema_elements(self):
        with self.assertValidation(contains="Member must have length less than or equal to 2"):
            self.create(KeySchema=[{"AttributeName": n, "KeyType": t} for n, t in
                                   [("a", "HASH"), ("b", "RANGE"), ("c", "RANGE")]],
                        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"}
                                              for n in "abc"])

    def test_key_type_not_in_enum(self):
        with self.assertValidation(
                "1 validation error detected: Value 'Woop' at 'keySchema.1.member.keyType' "
                "failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]"):
            self.create(KeySchema=[{"AttributeName": "pk", "KeyType": "Woop"}],
                        AttributeDefinitions=HASH_S["AttributeDefinitions"])

    # Keys may only be S, N or B: a set type is refused by the enum check.
    def test_attribute_type_is_a_set(self):
        with self.assertValidation(
                "1 validation error detected: Value 'SS' at "
                "'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: "
                "Member must satisfy enum value set: [B, N, S]"):
            self.create(KeySchema=HASH_S["KeySchema"],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "SS"}])

    def test_attribute_type_is_bool(self):
        with self.assertValidation(contains="Member must satisfy enum value set: [B, N, S]"):
            self.create(KeySchema=HASH_S["KeySchema"],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "BOOL"}])

    def test_key_attribute_without_definition(self):
        with self.assertValidation(
                "One or more parameter values were invalid: Some index key attributes are not "
                "defined in AttributeDefinitions. Keys: [a], AttributeDefinitions: [b]"):
            self.create(KeySchema=[{"AttributeName": "a", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "b", "AttributeType": "S"}])

    # Without secondary indexes, AttributeDefinitions must list exactly the key attributes.
    def test_extra_attribute_definition(self):
        with self.assertValidation(
                "One or more parameter values were invalid: Number of attributes in KeySchema "
                "does not exactly match number of attributes defined in AttributeDefinitions"):
            self.create(KeySchema=[{"AttributeName": "a", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"},
                                              {"AttributeName": "b", "AttributeType": "S"}])

    # The exact wording is not pinned down; AWS names the duplicated attribute.
    def test_duplicate_attribute_definition(self):
        with self.assertValidation(regex="uplicate.*xyz"):
            self.create(KeySchema=[{"AttributeName": "xyz", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "xyz", "AttributeType": "S"},
                                              {"AttributeName": "xyz", "AttributeType": "N"}])

    def test_two_hash_keys(self):
        with self.assertValidation(
                "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"):
            self.create(KeySchema=[{"AttributeName": "a", "KeyType": "HASH"},
                                   {"AttributeName": "b", "KeyType": "HASH"}],
                        AttributeDefinitions=hash_range()["AttributeDefinitions"])

    def test_range_key_first(self):
        with self.assertValidation(
                "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"):
            self.create(KeySchema=[{"AttributeName": "a", "KeyType": "RANGE"},
                                   {"AttributeName": "b", "KeyType": "HASH"}],
                        AttributeDefinitions=hash_range()["AttributeDefinitions"])

    def test_only_a_range_key(self):
        with self.assertValidation(
                "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"):
            self.create(KeySchema=[{"AttributeName": "a", "KeyType": "RANGE"}],
                        AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}])

    # (With only "a" defined, AWS reports the missing definition of the second key instead:
    # "Invalid KeySchema: Some index key attribute have no definition".)
    def test_two_keys_with_the_same_name(self):
        with self.assertValidation(
                "Both the Hash Key and the Range Key element in the KeySchema have the same name"):
            self.create(KeySchema=[{"AttributeName": "a", "KeyType": "HASH"},
                                   {"AttributeName": "a", "KeyType": "HASH"}],
                        AttributeDefinitions=hash_range()["AttributeDefinitions"])

    def test_same_key_twice_with_one_definition(self):
        with self.assertValidation(
                "Invalid KeySchema: Some index key attribute have no definition"):
            self.create(KeySchema=[{"AttributeName": "a", "KeyType": "HASH"},
                                   {"AttributeName": "a", "KeyType": "RANGE"}],
                        AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}])

    # Key attribute names are limited to 255 bytes (the message cites the limit).
    def test_key_attribute_name_too_long(self):
        name = "k" * 256
        with self.assertValidation(regex="25[56]"):
            self.create(KeySchema=[{"AttributeName": name, "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"}])

    def test_billing_mode_not_in_enum(self):
        with self.assertValidation(
                "1 validation error detected: Value 'unknown' at 'billingMode' failed to satisfy "
                "constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"):
            self.create(billing="unknown", **HASH_S)

    def test_provisioned_without_throughput(self):
        with self.assertValidation(
                "One or more parameter values were invalid: ReadCapacityUnits and "
                "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"):
            self.create(billing="PROVISIONED", **HASH_S)

    # BillingMode defaults to PROVISIONED, which then needs ProvisionedThroughput. Records of
    # AWS's answer differ between these two messages, so either is accepted.
    def test_no_billing_mode_and_no_throughput(self):
        with self.assertValidation(
                regex="^(One or more parameter values were invalid: ReadCapacityUnits and "
                      "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
                      "|No provisioned throughput specified for the table)$"):
            self.create(billing=None, **HASH_S)

    def test_pay_per_request_with_throughput(self):
        with self.assertValidation(
                "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"):
            self.create(ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
                        **HASH_S)

    def test_zero_read_capacity(self):
        with self.assertValidation(
                "1 validation error detected: Value '0' at "
                "'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: "
                "Member must have value greater than or equal to 1"):
            self.create(billing="PROVISIONED",
                        ProvisionedThroughput={"ReadCapacityUnits": 0, "WriteCapacityUnits": 5},
                        **HASH_S)

    def test_no_table_is_left_behind_by_a_refused_create(self):
        name = random_name()
        with self.assertValidation():
            self.create(name, KeySchema=[{"AttributeName": "a", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "b", "AttributeType": "S"}])
        self.assertNotIn(name, self.client.list_tables()["TableNames"])

    # Too many KeySchema elements: the message prints the list as DynamoDB's Java objects
    # print themselves (recorded from AWS).
    def test_key_schema_rendering(self):
        with self.assertValidation(
                "1 validation error detected: Value '[KeySchemaElement(attributeName=pk, "
                "keyType=HASH), KeySchemaElement(attributeName=sk, keyType=RANGE), "
                "KeySchemaElement(attributeName=extra, keyType=RANGE)]' at 'keySchema' failed to "
                "satisfy constraint: Member must have length less than or equal to 2"):
            self.create(KeySchema=[{"AttributeName": n, "KeyType": t} for n, t in
                                   [("pk", "HASH"), ("sk", "RANGE"), ("extra", "RANGE")]],
                        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"}
                                              for n in ("pk", "sk", "extra")])

    # Key attribute names are at most 255 characters, in AttributeDefinitions too; that is
    # reported before the key schema and the definitions are matched (Alternator's
    # test_limit_attribute_length_key_bad_incoherent_names, run against AWS, matches "25[56]").
    def test_definition_name_over_255_before_missing_definition(self):
        name = "d" * 256
        with self.assertValidation(
                f"1 validation error detected: Value '{name}' at "
                "'attributeDefinitions.1.member.attributeName' failed to satisfy constraint: "
                "Member must have length less than or equal to 255"):
            self.create(KeySchema=[{"AttributeName": "short", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"}])
        with self.assertValidation(regex="25[56]"):
            self.create(KeySchema=[{"AttributeName": name, "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "short", "AttributeType": "S"}])

    # A table has at most 50 tags, from its creation on (TagResource's limit; Alternator's
    # test_too_long_tags_from_creation against AWS); no table is created.
    def test_more_than_50_tags(self):
        name = random_name()
        with self.assertValidation(
                "One or more parameter values were invalid: The number of tags exceeds the "
                "limit of 50"):
            self.create(name, Tags=[{"Key": str(i), "Value": str(i)} for i in range(100)],
                        **HASH_S)
        with self.assertNotFound(f"Requested resource not found: Table: {name} not found"):
            self.client.describe_table(TableName=name)

    # Tag keys and values take letters, digits and spaces of any script and _ . : / = + - @
    # only (Alternator's test_tag_resource_incorrect, run against AWS). AWS's wording is not
    # recorded: only the type and the offending text are checked.
    def test_tag_with_forbidden_characters(self):
        for key, value in [("ok", "#!%%^$$&"), ("->>;-)])", "ok")]:
            name = random_name()
            with self.assertValidation(contains=value if key == "ok" else key):
                self.create(name, Tags=[{"Key": key, "Value": value}], **HASH_S)
            with self.assertApiError("ResourceNotFoundException"):
                self.client.describe_table(TableName=name)

    # A stream asked for without a view type, or a view type with a disabled stream, is refused
    # with AWS's messages (ACK-lab DDB-TABLE-035/050); StreamEnabled false alone is accepted and
    # shows no StreamSpecification (shared/spec/streams-ttl.md §1.2, §1.4).
    def test_stream_specification_rules(self):
        name = random_name()
        with self.assertValidation(
                "One or more parameter values were invalid: Table is being created with a stream "
                "enabled, UpdateViewType is required"):
            self.create(name, StreamSpecification={"StreamEnabled": True}, **HASH_S)
        with self.assertValidation(
                "One or more parameter values were invalid: Table is being created with a stream "
                "disabled, UpdateViewType should not be specified"):
            self.create(name, StreamSpecification={"StreamEnabled": False,
                                                   "StreamViewType": "KEYS_ONLY"}, **HASH_S)
        self.assertNotIn(name, self.client.list_tables()["TableNames"])
        self.create(name, StreamSpecification={"StreamEnabled": False}, **HASH_S)
        table = self.client.describe_table(TableName=name)["Table"]
        self.assertNotIn("StreamSpecification", table)
        self.assertNotIn("LatestStreamArn", table)

    # StreamSpecification's members are checked against the service model first.
    def test_stream_specification_shape(self):
        with self.assertValidation(contains=[
                "Value null at 'streamSpecification.streamEnabled' failed to satisfy constraint: "
                "Member must not be null",
                "Value 'ALL' at 'streamSpecification.streamViewType' failed to satisfy "
                "constraint: Member must satisfy enum value set: [OLD_IMAGE, KEYS_ONLY, "
                "NEW_AND_OLD_IMAGES, NEW_IMAGE]"]):
            self.create(StreamSpecification={"StreamViewType": "ALL"}, **HASH_S)


class Functionality(ServerTestCase):

    def test_create_hash_table_returns_its_description(self):
        name = random_name()
        before = datetime.datetime.now(datetime.timezone.utc)
        desc = self.client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                        **HASH_S)["TableDescription"]
        self.assertEqual(desc["TableName"], name)
        self.assertEqual(desc["KeySchema"], HASH_S["KeySchema"])
        self.assertEqual(desc["AttributeDefinitions"], HASH_S["AttributeDefinitions"])
        # AWS answers CREATING and turns ACTIVE later; a local server may be ACTIVE at once.
        self.assertIn(desc["TableStatus"], ("CREATING", "ACTIVE"))
        self.assertEqual(desc["TableArn"], f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}")
        self.assertTrue(new_uuid_like(desc["TableId"]), desc["TableId"])
        self.assertEqual(desc["ItemCount"], 0)
        self.assertEqual(desc["TableSizeBytes"], 0)
        self.assertEqual(desc["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        created = desc["CreationDateTime"]
        self.assertLessEqual(abs((created - before).total_seconds()), 60)
        self.wait_active(name)

    def test_every_key_type_combination_works(self):
        samples = {"S": {"S": "x"}, "N": {"N": "7"}, "B": {"B": b"\x00\x01"}}
        for ht in "SNB":
            for rt in [None, "S", "N", "B"]:
                with self.subTest(hash=ht, range=rt):
                    name = self.create_table(("h", ht), ("r", rt) if rt else None)
                    key = {"h": samples[ht]}
                    if rt:
                        key["r"] = samples[rt]
                    self.client.put_item(TableName=name, Item={**key, "v": {"S": "val"}})
                    item = self.client.get_item(TableName=name, Key=key)["Item"]
                    self.assertEqual(item, {**key, "v": {"S": "val"}})

    def test_provisioned_table_keeps_its_throughput(self):
        name = random_name()
        desc = self.client.create_table(
            TableName=name, BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 3},
            **HASH_S)["TableDescription"]
        self.assertEqual(desc["ProvisionedThroughput"]["ReadCapacityUnits"], 7)
        self.assertEqual(desc["ProvisionedThroughput"]["WriteCapacityUnits"], 3)
        self.wait_active(name)
        table = self.client.describe_table(TableName=name)["Table"]
        self.assertEqual(table["ProvisionedThroughput"]["ReadCapacityUnits"], 7)
        self.assertEqual(table["ProvisionedThroughput"]["WriteCapacityUnits"], 3)
        self.assertEqual(table["BillingModeSummary"]["BillingMode"], "PROVISIONED")

    # Leaving BillingMode out means PROVISIONED (with the throughput given).
    def test_billing_mode_defaults_to_provisioned(self):
        name = random_name()
        self.client.create_table(
            TableName=name,
            ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}, **HASH_S)
        self.wait_active(name)
        table = self.client.describe_table(TableName=name)["Table"]
        self.assertEqual(table["ProvisionedThroughput"]["ReadCapacityUnits"], 2)
        self.assertEqual(table.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED"),
                         "PROVISIONED")

    def test_tags_are_stored(self):
        name = random_name()
        tags = [{"Key": "team", "Value": "tide"}, {"Key": "env", "Value": "test"}]
        arn = self.client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                       Tags=tags, **HASH_S)["TableDescription"]["TableArn"]
        self.wait_active(name)
        got = self.client.list_tags_of_resource(ResourceArn=arn)["Tags"]
        self.assertEqual(sorted(got, key=lambda t: t["Key"]), sorted(tags, key=lambda t: t["Key"]))

    def test_existing_table_is_in_use(self):
        name = self.create_table()
        with self.assertApiError("ResourceInUseException", f"Table already exists: {name}"):
            self.client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **HASH_S)

    def test_names_with_every_allowed_character(self):
        for name in ["a-b", "A.b_c-D.9", "..." , "_" * 3, "x" * 255]:
            with self.subTest(name=name[:20]):
                self.create_table(name=name)
                self.assertEqual(self.client.describe_table(TableName=name)["Table"]["TableName"],
                                 name)

    def test_table_names_are_case_sensitive(self):
        base = random_name()
        self.create_table(name=base.lower())
        self.create_table(name=base.upper())
        names = self.client.list_tables()["TableNames"]
        self.assertIn(base.lower(), names)
        self.assertIn(base.upper(), names)

    def test_recreated_table_is_empty_and_new(self):
        name = self.create_table()
        first_id = self.client.describe_table(TableName=name)["Table"]["TableId"]
        self.client.put_item(TableName=name, Item={"pk": {"S": "a"}})
        self.client.delete_table(TableName=name)
        waiter = self.client.get_waiter("table_not_exists")
        waiter.wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        self.create_table(name=name)
        self.assertNotIn("Item", self.client.get_item(TableName=name, Key={"pk": {"S": "a"}}))
        self.assertNotEqual(self.client.describe_table(TableName=name)["Table"]["TableId"],
                            first_id)

    def test_boto3_waiter_and_resource_api(self):
        table = self.resource.create_table(TableName=random_name(), BillingMode="PAY_PER_REQUEST",
                                           **hash_range("pk", "S", "sk", "N"))
        table.wait_until_exists()
        self.assertEqual(table.table_status, "ACTIVE")
        self.assertEqual(table.key_schema, hash_range("pk", "S", "sk", "N")["KeySchema"])
        self.assertTrue(re.fullmatch(r"arn:aws:dynamodb:[^:]+:\d{12}:table/.+", table.table_arn))
