"""TagResource, UntagResource, ListTagsOfResource; and CreateTable's Tags."""

from harness import ServerTestCase, random_name


class Validation(ServerTestCase):

    # A well-formed ARN naming no table: TagResource and UntagResource answer
    # ResourceNotFoundException (ScyllaDB's test_tag_resource_subtly_incorrect_arn, run against
    # AWS).
    def test_unknown_table(self):
        arn = "arn:aws:dynamodb:us-east-1:000000000000:table/" + random_name()
        with self.assertApiError("ResourceNotFoundException", contains="not found"):
            self.client.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}])
        with self.assertApiError("ResourceNotFoundException", contains="not found"):
            self.client.untag_resource(ResourceArn=arn, TagKeys=["k"])

    # ListTagsOfResource, though, is refused with AccessDeniedException naming the caller, the
    # action and the resource: DynamoDB authorizes the call against a table that does not
    # exist before it looks it up. (AWS names the calling IAM identity; without credentials
    # Tideline names the account's root.)
    def test_list_tags_of_unknown_table(self):
        arn = "arn:aws:dynamodb:us-east-1:000000000000:table/" + random_name()
        with self.assertApiError(
                "AccessDeniedException",
                regex=r"^User: arn:aws:iam::\d+:\S+ is not authorized to perform: "
                      r"dynamodb:ListTagsOfResource on resource: " + arn + "$"):
            self.client.list_tags_of_resource(ResourceArn=arn)

    # Tag keys are 1..128 characters and values at most 256 (the service model's constraints).
    def test_tag_lengths(self):
        name = self.create_table(("pk", "S"))
        arn = self.client.describe_table(TableName=name)["Table"]["TableArn"]
        with self.assertValidation(contains="Member must have length less than or equal to 128"):
            self.raw_client.tag_resource(ResourceArn=arn, Tags=[{"Key": "k" * 129, "Value": "v"}])
        with self.assertValidation(contains="Member must have length less than or equal to 256"):
            self.raw_client.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": "v" * 257}])

    # Lengths count characters, not UTF-8 bytes: a 128-character Cyrillic key (256 bytes) and a
    # 256-character CJK value (768 bytes) are valid (the service model's limits are in
    # characters; Alternator's test_tag_resource_unicode shows AWS takes other scripts).
    def test_tag_lengths_in_characters(self):
        name = self.create_table(("pk", "S"))
        arn = self.client.describe_table(TableName=name)["Table"]["TableArn"]
        key, value = "\u0436" * 128, "\u6f22" * 256
        self.client.tag_resource(ResourceArn=arn, Tags=[{"Key": key, "Value": value}])
        self.assertEqual(self.client.list_tags_of_resource(ResourceArn=arn)["Tags"],
                         [{"Key": key, "Value": value}])
        with self.assertValidation(contains="Member must have length less than or equal to 128"):
            self.raw_client.tag_resource(ResourceArn=arn, Tags=[{"Key": key + "\u0436",
                                                                 "Value": "v"}])

    # Characters outside the tag alphabet are refused (Alternator's test_tag_resource_incorrect,
    # run against AWS). AWS's wording is not recorded: the type and the offending text are
    # checked.
    def test_tag_with_forbidden_characters(self):
        name = self.create_table(("pk", "S"))
        arn = self.client.describe_table(TableName=name)["Table"]["TableArn"]
        for key, value, shown in [("ok", "#!%%^$$&", "#!%%^$$&"), ("->>;-)])", "ok", "->>;-)])"),
                                  ("!!!\\|", "<><", "!!!\\|")]:
            with self.assertValidation(contains=shown):
                self.client.tag_resource(ResourceArn=arn, Tags=[{"Key": key, "Value": value}])
        self.assertEqual(self.client.list_tags_of_resource(ResourceArn=arn)["Tags"], [])

    # A ResourceArn that is not an ARN at all (recorded from AWS for a bare table name).
    def test_resource_arn_that_is_not_an_arn(self):
        name = self.create_table(("pk", "S"))
        with self.assertValidation("One or more parameter values were invalid: ARNs must start "
                                   f"with 'arn:': {name}"):
            self.client.tag_resource(ResourceArn=name, Tags=[{"Key": "k", "Value": "v"}])


class Functionality(ServerTestCase):

    # Tags given at creation are listed; TagResource adds and replaces by key; UntagResource
    # removes; tags survive a restart with the table.
    def test_tag_untag_list(self):
        name = random_name()
        desc = self.client.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            Tags=[{"Key": "team", "Value": "a"}])["TableDescription"]
        arn = desc["TableArn"]

        def tags():
            return {t["Key"]: t["Value"]
                    for t in self.client.list_tags_of_resource(ResourceArn=arn)["Tags"]}

        self.assertEqual(tags(), {"team": "a"})
        self.client.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "b"},
                                                        {"Key": "env", "Value": "test"}])
        self.assertEqual(tags(), {"team": "b", "env": "test"})
        self.client.untag_resource(ResourceArn=arn, TagKeys=["team", "absent"])
        self.assertEqual(tags(), {"env": "test"})
        self.restart_server()
        self.assertEqual(tags(), {"env": "test"})

    # TagResource and UntagResource answer HTTP 200 with an empty body, as DynamoDB does (their
    # output shapes have no members); boto3 and the AWS CLI read that as success.
    def test_tag_and_untag_answer_an_empty_body(self):
        name = self.create_table(("pk", "S"))
        arn = self.client.describe_table(TableName=name)["Table"]["TableArn"]
        for op, payload in (("TagResource", {"ResourceArn": arn,
                                             "Tags": [{"Key": "k", "Value": "v"}]}),
                            ("UntagResource", {"ResourceArn": arn, "TagKeys": ["k"]})):
            with self.subTest(op=op):
                resp = self.raw_op(op, payload)
                self.assertEqual(resp.status, 200)
                self.assertEqual(resp.body, b"")
                self.assertEqual(resp.headers.get("content-length"), "0")
        resp = self.client.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "b"}])
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.aws("tag-resource", "--resource-arn", arn, "--tags", "Key=c,Value=d")
        self.aws("untag-resource", "--resource-arn", arn, "--tag-keys", "a")
        self.assertEqual(self.client.list_tags_of_resource(ResourceArn=arn)["Tags"],
                         [{"Key": "c", "Value": "d"}])

    # TTL is not supported yet: DescribeTimeToLive reports it DISABLED for an existing table.
    def test_describe_time_to_live(self):
        name = self.create_table(("pk", "S"))
        self.assertEqual(self.client.describe_time_to_live(TableName=name)["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "DISABLED"})
