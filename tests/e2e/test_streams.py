"""DynamoDB Streams: StreamSpecification on CreateTable/UpdateTable, what DescribeTable shows, and
the Streams API (ListStreams, DescribeStream, GetShardIterator, GetRecords) served on the same
port, read with boto3's dynamodbstreams client (shared/spec/streams-ttl.md)."""

import base64
import datetime
import os
import re
import struct
import tempfile
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from harness import CREDS, REGION, ServerTestCase, random_name

LABEL = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$")
SHARD_ID = re.compile(r"^shardId-\d{20}-[0-9a-f]{8}$")
VIEWS = ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]


def stream_spec(view):
    return {"StreamEnabled": True, "StreamViewType": view}


class StreamsTestCase(ServerTestCase):

    @classmethod
    def _make_clients(cls):
        super()._make_clients()
        cls.streams = cls.server.streams_client()
        cls.raw_streams = cls.server.streams_client(validate=False)

    def create_stream_table(self, view="NEW_AND_OLD_IMAGES", range_key=True, **kw):
        return self.create_table(("pk", "S"), ("sk", "S") if range_key else None,
                                 StreamSpecification=stream_spec(view), **kw)

    def stream_arn(self, name):
        return self.client.describe_table(TableName=name)["Table"]["LatestStreamArn"]

    def shard(self, arn):
        shards = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        self.assertEqual(len(shards), 1)
        return shards[0]

    def iterator(self, arn, kind="TRIM_HORIZON", **kw):
        return self.streams.get_shard_iterator(StreamArn=arn, ShardId=self.shard(arn)["ShardId"],
                                               ShardIteratorType=kind, **kw)["ShardIterator"]

    def read_all(self, arn, kind="TRIM_HORIZON", limit=None, **kw):
        """Every record from the iterator on, following NextShardIterator until a call returns
        no record (an open shard) or no NextShardIterator (a closed one)."""
        it = self.iterator(arn, kind, **kw)
        records = []
        while it:
            resp = self.streams.get_records(ShardIterator=it, **({"Limit": limit} if limit else {}))
            records += resp["Records"]
            it = resp.get("NextShardIterator")
            if not resp["Records"]:
                break
        return records

    def put(self, name, pk, sk="s", **attrs):
        item = {"pk": {"S": pk}, "sk": {"S": sk}}
        item.update(attrs)
        self.client.put_item(TableName=name, Item=item)


class TableSettings(StreamsTestCase):

    def test_create_with_stream(self):
        name = self.create_stream_table("NEW_IMAGE")
        table = self.client.describe_table(TableName=name)["Table"]
        self.assertEqual(table["StreamSpecification"], stream_spec("NEW_IMAGE"))
        self.assertRegex(table["LatestStreamLabel"], LABEL)
        self.assertEqual(table["LatestStreamArn"],
                         table["TableArn"] + "/stream/" + table["LatestStreamLabel"])
        listed = self.streams.list_streams(TableName=name)
        self.assertEqual(listed["Streams"], [{"StreamArn": table["LatestStreamArn"],
                                              "TableName": name,
                                              "StreamLabel": table["LatestStreamLabel"]}])
        self.assertNotIn("LastEvaluatedStreamArn", listed)
        desc = self.streams.describe_stream(StreamArn=table["LatestStreamArn"])[
            "StreamDescription"]
        self.assertEqual(desc["StreamStatus"], "ENABLED")
        self.assertEqual(desc["StreamViewType"], "NEW_IMAGE")
        self.assertEqual(desc["TableName"], name)
        self.assertEqual(desc["StreamLabel"], table["LatestStreamLabel"])
        self.assertEqual(desc["KeySchema"], [{"AttributeName": "pk", "KeyType": "HASH"},
                                             {"AttributeName": "sk", "KeyType": "RANGE"}])
        self.assertIsInstance(desc["CreationRequestDateTime"], datetime.datetime)
        self.assertNotIn("LastEvaluatedShardId", desc)
        (shard,) = desc["Shards"]
        self.assertRegex(shard["ShardId"], SHARD_ID)
        self.assertNotIn("ParentShardId", shard)
        self.assertEqual(list(shard["SequenceNumberRange"]), ["StartingSequenceNumber"])
        self.assertRegex(shard["SequenceNumberRange"]["StartingSequenceNumber"], r"^\d{21,40}$")

    def test_update_table_rules(self):
        name = self.create_table()
        with self.assertValidation("One or more parameter values were invalid: If stream is being "
                                   "enabled then UpdateViewType is required"):
            self.client.update_table(TableName=name, StreamSpecification={"StreamEnabled": True})
        with self.assertValidation("One or more parameter values were invalid: If stream is being "
                                   "disabled, then UpdateViewType must not be specified"):
            self.client.update_table(TableName=name, StreamSpecification={
                "StreamEnabled": False, "StreamViewType": "KEYS_ONLY"})
        with self.assertValidation("One or more parameter values were invalid: You cannot modify "
                                   "stream status while updating table IOPS"):
            self.client.update_table(TableName=name, StreamSpecification=stream_spec("KEYS_ONLY"),
                                     BillingMode="PROVISIONED",
                                     ProvisionedThroughput={"ReadCapacityUnits": 1,
                                                            "WriteCapacityUnits": 1})
        with self.assertValidation("One or more parameter values were invalid: You cannot create "
                                   "or delete index while changing stream status"):
            self.client.update_table(
                TableName=name, StreamSpecification=stream_spec("KEYS_ONLY"),
                AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
                GlobalSecondaryIndexUpdates=[{"Create": {
                    "IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"}}}])
        with self.assertValidation(f"Table has no stream to disable: TableName: {name}"):
            self.client.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        self.assertNotIn("LatestStreamArn", self.client.describe_table(TableName=name)["Table"])
        resp = self.client.update_table(TableName=name,
                                        StreamSpecification=stream_spec("KEYS_ONLY"))
        # The answer already carries the new stream (ACK-lab DDB-TABLE-050).
        self.assertEqual(resp["TableDescription"]["StreamSpecification"],
                         stream_spec("KEYS_ONLY"))
        self.assertEqual(resp["TableDescription"]["LatestStreamArn"], self.stream_arn(name))
        for view in ("KEYS_ONLY", "NEW_IMAGE"):
            with self.assertValidation(f"Table already has an enabled stream: TableName: {name}"):
                self.client.update_table(TableName=name, StreamSpecification=stream_spec(view))
        # On-demand billing may come with a stream change.
        self.client.update_table(TableName=name, StreamSpecification={"StreamEnabled": False},
                                 BillingMode="PAY_PER_REQUEST")
        self.assertNotIn("StreamSpecification", self.client.describe_table(TableName=name)["Table"])

    # Disable keeps the latest stream (DISABLED, readable, listed); a re-enable makes a new one
    # and the old stays readable through its own ARN (shared/spec/streams-ttl.md §1.4-1.6).
    def test_disable_and_reenable(self):
        name = self.create_stream_table("KEYS_ONLY")
        first = self.stream_arn(name)
        self.put(name, "a")
        self.client.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        table = self.client.describe_table(TableName=name)["Table"]
        self.assertNotIn("StreamSpecification", table)
        self.assertEqual(table["LatestStreamArn"], first)
        self.put(name, "b")  # no stream: no record anywhere
        desc = self.streams.describe_stream(StreamArn=first)["StreamDescription"]
        self.assertEqual(desc["StreamStatus"], "DISABLED")
        self.assertEqual(desc["StreamViewType"], "KEYS_ONLY")
        rng = desc["Shards"][0]["SequenceNumberRange"]
        self.assertLessEqual(int(rng["StartingSequenceNumber"]), int(rng["EndingSequenceNumber"]))
        self.client.update_table(TableName=name, StreamSpecification=stream_spec("NEW_IMAGE"))
        second = self.stream_arn(name)
        self.assertNotEqual(second, first)
        self.put(name, "c")
        self.client.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        self.client.update_table(TableName=name, StreamSpecification=stream_spec("OLD_IMAGE"))
        third = self.stream_arn(name)
        self.assertEqual(len({first, second, third}), 3)
        listed = self.streams.list_streams(TableName=name)["Streams"]
        self.assertEqual(sorted(s["StreamArn"] for s in listed), sorted([first, second, third]))
        statuses = {s["StreamArn"]: self.streams.describe_stream(StreamArn=s["StreamArn"])[
            "StreamDescription"]["StreamStatus"] for s in listed}
        self.assertEqual(statuses, {first: "DISABLED", second: "DISABLED", third: "ENABLED"})
        # Each stream has its own records.
        self.assertEqual([r["dynamodb"]["Keys"]["pk"]["S"] for r in self.read_all(first)], ["a"])
        self.assertEqual([r["dynamodb"]["Keys"]["pk"]["S"] for r in self.read_all(second)], ["c"])
        self.assertEqual(self.read_all(third), [])

    # A deleted table's stream is DISABLED and still readable and listed.
    def test_delete_table(self):
        name = self.create_stream_table("NEW_IMAGE")
        arn = self.stream_arn(name)
        self.put(name, "a")
        self.client.delete_table(TableName=name)
        self.assertEqual(self.streams.describe_stream(StreamArn=arn)["StreamDescription"][
            "StreamStatus"], "DISABLED")
        self.assertEqual([s["StreamArn"] for s in
                          self.streams.list_streams(TableName=name)["Streams"]], [arn])
        self.assertEqual([r["eventName"] for r in self.read_all(arn)], ["INSERT"])

    def test_list_streams_paging(self):
        names = sorted(self.create_stream_table("KEYS_ONLY") for _ in range(3))
        arns = [self.stream_arn(n) for n in names]
        everything = self.streams.list_streams()["Streams"]
        self.assertEqual([s["StreamArn"] for s in everything if s["TableName"] in names], arns)
        seen, start = [], None
        while True:
            kw = {"ExclusiveStartStreamArn": start} if start else {}
            page = self.streams.list_streams(Limit=1, **kw)
            seen += [s["StreamArn"] for s in page["Streams"]]
            start = page.get("LastEvaluatedStreamArn")
            if not start:
                break
            self.assertEqual(start, page["Streams"][-1]["StreamArn"])
        self.assertEqual(seen, [s["StreamArn"] for s in everything])
        self.assertEqual(self.streams.list_streams(TableName=random_name())["Streams"], [])

    def test_api_errors(self):
        name = self.create_stream_table()
        arn = self.stream_arn(name)
        shard_id = self.shard(arn)["ShardId"]
        missing = arn.replace(name, random_name())
        with self.assertApiError("ResourceNotFoundException",
                                 f"Requested resource not found: Stream: {missing} not found"):
            self.streams.describe_stream(StreamArn=missing)
        with self.assertValidation():
            self.raw_streams.describe_stream(StreamArn="x" * 40)
        for limit in (0, 101):
            with self.assertValidation(contains="limit"):
                self.raw_streams.list_streams(Limit=limit)
            with self.assertValidation(contains="limit"):
                self.raw_streams.describe_stream(StreamArn=arn, Limit=limit)
        with self.assertValidation():
            self.raw_streams.list_streams(ExclusiveStartStreamArn="kossaapaaasdafsdaasdasdasdasd"
                                                                  "asdasdasdasdasdasd")
        with self.assertValidation():
            self.raw_streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id,
                                                ShardIteratorType="AT_SEQUENCE_NUMBER")
        with self.assertValidation():
            self.raw_streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id,
                                                ShardIteratorType="TRIM_HORIZON",
                                                SequenceNumber="1" * 21)
        with self.assertValidation():
            self.raw_streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id,
                                                ShardIteratorType="OLDEST")
        with self.assertValidation():
            self.raw_streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id,
                                                ShardIteratorType="AT_SEQUENCE_NUMBER",
                                                SequenceNumber="x" * 21)
        with self.assertApiError("ResourceNotFoundException"):
            self.streams.get_shard_iterator(StreamArn=arn,
                                            ShardId="shardId-00000000000000000000-00000000",
                                            ShardIteratorType="TRIM_HORIZON")
        it = self.iterator(arn)
        self.streams.get_records(ShardIterator=it, Limit=1000)
        for limit in (0, 1001):
            with self.assertValidation(contains="limit"):
                self.raw_streams.get_records(ShardIterator=it, Limit=limit)
        with self.assertValidation():
            self.streams.get_records(ShardIterator="sdfsdfsdfsdfsdfsdfsdf")
        # ShardFilter: a shard has no children; its members are checked.
        desc = self.streams.describe_stream(StreamArn=arn, ShardFilter={
            "Type": "CHILD_SHARDS", "ShardId": shard_id})["StreamDescription"]
        self.assertEqual(desc["Shards"], [])
        with self.assertValidation(contains="ShardFilter.ShardId".lower()[:5]):
            self.raw_streams.describe_stream(StreamArn=arn, ShardFilter={
                "Type": "CHILD_SHARDS", "ShardId": "qwerty"})
        with self.assertValidation():
            self.raw_streams.describe_stream(StreamArn=arn, ShardFilter={"Type": "foo",
                                                                         "ShardId": shard_id})
        # Paging shards: nothing after the last (or an unknown) shard.
        for start in (shard_id, "shardId-99999999999999999999-ffffffff"):
            self.assertEqual(self.streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=start)[
                "StreamDescription"]["Shards"], [])

    # An iterator is valid for 15 minutes. (The test backdates one: its payload is Tideline's
    # own format, stream_ids.h.)
    def test_expired_iterator(self):
        name = self.create_stream_table()
        arn = self.stream_arn(name)
        it = self.iterator(arn)
        prefix, payload = it.split("|1|")
        raw = bytearray(base64.b64decode(payload))
        issued = struct.unpack(">Q", raw[17:25])[0]
        raw[17:25] = struct.pack(">Q", issued - 16 * 60 * 1000)
        old = prefix + "|1|" + base64.b64encode(bytes(raw)).decode()
        with self.assertApiError("ExpiredIteratorException"):
            self.streams.get_records(ShardIterator=old)
        raw[17:25] = struct.pack(">Q", issued - 14 * 60 * 1000)
        self.streams.get_records(ShardIterator=prefix + "|1|" + base64.b64encode(bytes(raw)).decode())


def image(pk, sk="s", **attrs):
    item = {"pk": {"S": pk}, "sk": {"S": sk}}
    item.update(attrs)
    return item


class Records(StreamsTestCase):

    # Each view type with each event kind; writes that change nothing make no record
    # (shared/spec/streams-ttl.md §3.2, §3.4).
    def test_view_types_and_events(self):
        for view in VIEWS:
            with self.subTest(view=view):
                name = self.create_stream_table(view)
                before = datetime.datetime.now(datetime.timezone.utc)
                self.put(name, "a", v={"N": "1"})                       # INSERT
                self.put(name, "a", v={"N": "1"})                       # identical: none
                self.put(name, "a", v={"N": "2"})                       # MODIFY
                self.client.update_item(TableName=name, Key={"pk": {"S": "a"}, "sk": {"S": "s"}},
                                        UpdateExpression="SET v = :v",
                                        ExpressionAttributeValues={":v": {"N": "2"}})  # none
                self.client.update_item(TableName=name, Key={"pk": {"S": "a"}, "sk": {"S": "s"}},
                                        UpdateExpression="REMOVE absent_attr")        # none
                self.client.update_item(TableName=name, Key={"pk": {"S": "a"}, "sk": {"S": "s"}},
                                        UpdateExpression="REMOVE v")                  # MODIFY
                self.client.delete_item(TableName=name,
                                        Key={"pk": {"S": "zz"}, "sk": {"S": "s"}})    # none
                self.client.delete_item(TableName=name,
                                        Key={"pk": {"S": "a"}, "sk": {"S": "s"}})     # REMOVE
                records = self.read_all(self.stream_arn(name))
                self.assertEqual([r["eventName"] for r in records],
                                 ["INSERT", "MODIFY", "MODIFY", "REMOVE"])
                old = view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES")
                new = view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
                expected = [
                    (image("a", v={"N": "1"}), None),
                    (image("a", v={"N": "2"}), image("a", v={"N": "1"})),
                    (image("a"), image("a", v={"N": "2"})),
                    (None, image("a")),
                ]
                sequence = []
                for record, (new_image, old_image) in zip(records, expected):
                    body = record["dynamodb"]
                    self.assertEqual(body["Keys"], image("a"))
                    self.assertEqual(body.get("NewImage"), new_image if new else None)
                    self.assertEqual(body.get("OldImage"), old_image if old else None)
                    self.assertEqual(body["StreamViewType"], view)
                    size = 6 + sum(8 + len(i["v"]["N"]) // 2 + 1 if "v" in i else 6
                                   for i in ((new_image if new else None),
                                             (old_image if old else None)) if i)
                    self.assertEqual(body["SizeBytes"], size, record)
                    self.assertRegex(record["eventID"], r"^[0-9a-f]{32}$")
                    self.assertEqual(record["eventVersion"], "1.1")
                    self.assertEqual(record["eventSource"], "aws:dynamodb")
                    self.assertEqual(record["awsRegion"], "us-east-1")
                    self.assertNotIn("userIdentity", record)
                    created = body["ApproximateCreationDateTime"]
                    self.assertLessEqual(abs((created - before).total_seconds()), 30)
                    self.assertRegex(body["SequenceNumber"], r"^\d{21,40}$")
                    sequence.append(int(body["SequenceNumber"]))
                self.assertEqual(sequence, sorted(set(sequence)))
                self.assertEqual(len({r["eventID"] for r in records}), len(records))

    # SizeBytes: the keys' and the images' sizes as DynamoDB counts them (a value's bytes plus
    # the name's; the real samples of shared/spec/streams-ttl.md §3.3).
    def test_size_bytes_of_aws_sample(self):
        name = random_name()
        self.client.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "ID", "KeyType": "HASH"},
                       {"AttributeName": "Title", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "ID", "AttributeType": "S"},
                                  {"AttributeName": "Title", "AttributeType": "S"}],
            StreamSpecification=stream_spec("NEW_AND_OLD_IMAGES"))
        self.wait_active(name)
        self.client.put_item(TableName=name, Item={"ID": {"S": "2"}, "Title": {"S": "aaa"}})
        (record,) = self.read_all(self.stream_arn(name))
        self.assertEqual(record["dynamodb"]["SizeBytes"], 22)  # pastebin Anu9nCzN, real AWS

    def test_batch_and_transactions(self):
        name = self.create_stream_table("NEW_AND_OLD_IMAGES")
        self.put(name, "existing", v={"S": "x"})
        self.client.batch_write_item(RequestItems={name: [
            {"PutRequest": {"Item": image("b1")}},
            {"PutRequest": {"Item": image("existing", v={"S": "x"})}},  # identical: none
            {"DeleteRequest": {"Key": image("nothing")}},               # absent: none
        ]})
        self.client.transact_write_items(TransactItems=[
            {"Put": {"TableName": name, "Item": image("t1")}},
            {"Update": {"TableName": name, "Key": image("existing"),
                        "UpdateExpression": "SET v = :v",
                        "ExpressionAttributeValues": {":v": {"S": "y"}}}},
            {"Delete": {"TableName": name, "Key": image("b1")}},
            {"ConditionCheck": {"TableName": name, "Key": image("t0"),
                                "ConditionExpression": "attribute_not_exists(pk)"}},
        ])
        # A cancelled transaction writes nothing, so no record.
        with self.assertApiError("TransactionCanceledException"):
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": name, "Item": image("t2")}},
                {"ConditionCheck": {"TableName": name, "Key": image("existing"),
                                    "ConditionExpression": "attribute_not_exists(pk)"}},
            ])
        records = self.read_all(self.stream_arn(name))
        self.assertEqual([(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records],
                         [("INSERT", "existing"), ("INSERT", "b1"), ("INSERT", "t1"),
                          ("MODIFY", "existing"), ("REMOVE", "b1")])
        modify = records[3]["dynamodb"]
        self.assertEqual(modify["OldImage"]["v"], {"S": "x"})
        self.assertEqual(modify["NewImage"]["v"], {"S": "y"})
        # The transaction's records share its commit: one ApproximateCreationDateTime.
        self.assertEqual(len({r["dynamodb"]["ApproximateCreationDateTime"]
                              for r in records[2:]}), 1)

    def test_iterator_types_and_paging(self):
        name = self.create_stream_table("KEYS_ONLY")
        arn = self.stream_arn(name)
        for i in range(7):
            self.put(name, f"k{i}")
        records = self.read_all(arn)
        keys = [r["dynamodb"]["Keys"]["pk"]["S"] for r in records]
        self.assertEqual(keys, [f"k{i}" for i in range(7)])
        seqs = [r["dynamodb"]["SequenceNumber"] for r in records]
        # Paging with Limit: the same records, in pages of at most 2.
        it = self.iterator(arn)
        paged = []
        while True:
            resp = self.streams.get_records(ShardIterator=it, Limit=2)
            self.assertLessEqual(len(resp["Records"]), 2)
            # An open shard always gives a next iterator, even past the end.
            it = resp["NextShardIterator"]
            if not resp["Records"]:
                break
            paged += [r["dynamodb"]["SequenceNumber"] for r in resp["Records"]]
        self.assertEqual(paged, seqs)
        # The iterator past the end sees what comes next.
        self.put(name, "k7")
        self.assertEqual([r["dynamodb"]["Keys"]["pk"]["S"] for r in
                          self.streams.get_records(ShardIterator=it)["Records"]], ["k7"])
        self.assertEqual([r["dynamodb"]["Keys"]["pk"]["S"] for r in
                          self.read_all(arn, "AT_SEQUENCE_NUMBER", SequenceNumber=seqs[2])],
                         [f"k{i}" for i in range(2, 8)])
        self.assertEqual([r["dynamodb"]["Keys"]["pk"]["S"] for r in
                          self.read_all(arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=seqs[2])],
                         [f"k{i}" for i in range(3, 8)])
        start = self.shard(arn)["SequenceNumberRange"]["StartingSequenceNumber"]
        self.assertEqual(len(self.read_all(arn, "AT_SEQUENCE_NUMBER", SequenceNumber=start)), 8)
        # LATEST: only what is written after the iterator was taken.
        latest = self.iterator(arn, "LATEST")
        self.assertEqual(self.streams.get_records(ShardIterator=latest)["Records"], [])
        self.put(name, "k8")
        self.assertEqual([r["dynamodb"]["Keys"]["pk"]["S"] for r in
                          self.streams.get_records(ShardIterator=latest)["Records"]], ["k8"])

    # Reading a closed shard to its end: no NextShardIterator; iterators taken before the
    # disable keep working.
    def test_closed_shard(self):
        name = self.create_stream_table("KEYS_ONLY")
        arn = self.stream_arn(name)
        before = self.iterator(arn)
        self.put(name, "a")
        self.put(name, "b")
        self.client.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        self.put(name, "c")
        resp = self.streams.get_records(ShardIterator=before, Limit=1)
        self.assertEqual(len(resp["Records"]), 1)
        resp = self.streams.get_records(ShardIterator=resp["NextShardIterator"])
        self.assertEqual([r["dynamodb"]["Keys"]["pk"]["S"] for r in resp["Records"]], ["b"])
        self.assertNotIn("NextShardIterator", resp)
        shard = self.shard(arn)
        self.assertIn("EndingSequenceNumber", shard["SequenceNumberRange"])
        self.assertGreaterEqual(int(shard["SequenceNumberRange"]["EndingSequenceNumber"]),
                                int(resp["Records"][0]["dynamodb"]["SequenceNumber"]))
        latest = self.iterator(arn, "LATEST")
        resp = self.streams.get_records(ShardIterator=latest)
        self.assertEqual(resp["Records"], [])
        self.assertNotIn("NextShardIterator", resp)

    # Streams on a table with indexes: records describe the table's items, indexes stay right.
    def test_table_with_indexes(self):
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
                                     "Projection": {"ProjectionType": "KEYS_ONLY"}}],
            StreamSpecification=stream_spec("NEW_IMAGE"))
        self.wait_active(name)
        self.put(name, "a", g={"S": "G"})
        self.put(name, "a", g={"S": "H"})
        self.client.delete_item(TableName=name, Key=image("a"))
        records = self.read_all(self.stream_arn(name))
        self.assertEqual([(r["eventName"], r["dynamodb"].get("NewImage", {}).get("g"))
                          for r in records],
                         [("INSERT", {"S": "G"}), ("MODIFY", {"S": "H"}), ("REMOVE", None)])
        for r in records:
            self.assertEqual(r["dynamodb"]["Keys"], image("a"))
        self.assertEqual(self.client.scan(TableName=name, IndexName="by_g")["Items"], [])

    # Records are written with the items they describe: after kill -9, every acknowledged
    # write has its record, once.
    def test_restart(self):
        name = self.create_stream_table("NEW_IMAGE")
        arn = self.stream_arn(name)
        for i in range(20):
            self.put(name, f"k{i}")
        before = self.read_all(arn)
        self.restart_server(kill=True)
        self.streams = self.server.streams_client()
        after = self.read_all(arn)
        self.assertEqual(after, before)
        self.assertEqual(len(after), 20)
        self.put(name, "k20")
        self.assertEqual(len(self.read_all(arn)), 21)
        self.assertEqual(self.client.describe_table(TableName=name)["Table"]["LatestStreamArn"],
                         arn)


class TimeToLive(StreamsTestCase):
    SERVER_ARGS = ("--ttl-interval", "0.2")

    # A TTL deletion is a REMOVE whose userIdentity names the service (member names as the
    # Streams API spells them), with the whole old item.
    def test_ttl_deletion_in_stream(self):
        name = self.create_stream_table("NEW_AND_OLD_IMAGES")
        now = int(time.time())
        expired = image("old", exp={"N": str(now - 10)}, data={"S": "d"})
        self.client.put_item(TableName=name, Item=expired)
        self.put(name, "fresh", exp={"N": str(now + 3600)})
        self.client.delete_item(TableName=name, Key=image("fresh"))
        self.client.update_time_to_live(TableName=name, TimeToLiveSpecification={
            "AttributeName": "exp", "Enabled": True})
        deadline = time.monotonic() + 15
        while self.client.get_item(TableName=name, Key=image("old")).get("Item"):
            self.assertLess(time.monotonic(), deadline, "the expired item was not deleted")
            time.sleep(0.1)
        records = self.read_all(self.stream_arn(name))
        self.assertEqual([r["eventName"] for r in records], ["INSERT", "INSERT", "REMOVE",
                                                             "REMOVE"])
        user_remove, ttl_remove = records[2], records[3]
        self.assertNotIn("userIdentity", user_remove)
        self.assertEqual(ttl_remove["userIdentity"],
                         {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"})
        self.assertEqual(ttl_remove["dynamodb"]["OldImage"], expired)
        self.assertNotIn("NewImage", ttl_remove["dynamodb"])


_CREDENTIALS_DIR = tempfile.mkdtemp(prefix="tideline-streams-credentials-")
CREDENTIALS_FILE = os.path.join(_CREDENTIALS_DIR, "credentials")
with open(CREDENTIALS_FILE, "w") as f:
    f.write(f"""[default]
aws_access_key_id = {CREDS["AWS_ACCESS_KEY_ID"]}
aws_secret_access_key = {CREDS["AWS_SECRET_ACCESS_KEY"]}
""")


class Authenticated(StreamsTestCase):
    """The SDKs sign Streams requests for the service "dynamodb" (botocore's signingName), so
    --credentials checks them as it checks DynamoDB's."""
    SERVER_ARGS = ("--credentials", CREDENTIALS_FILE)

    def test_signed_streams_requests(self):
        name = self.create_stream_table("KEYS_ONLY")
        self.put(name, "a")
        self.assertEqual(len(self.read_all(self.stream_arn(name))), 1)
        wrong = boto3.client("dynamodbstreams", endpoint_url=self.server.endpoint,
                             region_name=REGION, aws_access_key_id=CREDS["AWS_ACCESS_KEY_ID"],
                             aws_secret_access_key="wrong",
                             config=Config(retries={"total_max_attempts": 1}))
        with self.assertRaises(ClientError) as cm:
            wrong.list_streams(TableName=name)
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidSignatureException")
