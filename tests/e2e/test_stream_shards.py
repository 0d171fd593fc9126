"""DynamoDB Streams shard rollover: every --testing-stream-shard-rollover-ms (AWS: about
4 hours) the open shard closes (EndingSequenceNumber) and a child (ParentShardId) takes the
following writes. Readers that walk the lineage as AWS's developer guide does (DescribeStream
paged by ExclusiveStartShardId, parents before children, each shard read until NextShardIterator
is absent) must see every record exactly once and in order, across rollovers, while writers run,
and after kill -9 (shared/spec/streams-ttl.md §4; docs/streams.md)."""

import threading
import time
import unittest

from botocore.exceptions import ClientError

from harness import ServerTestCase, TidelineServer, random_name

ROLLOVER_MS = 800


class ShardRollover(ServerTestCase):
    SERVER_ARGS = ("--testing-stream-shard-rollover-ms", str(ROLLOVER_MS))

    @classmethod
    def _make_clients(cls):
        super()._make_clients()
        cls.streams = cls.server.streams_client()

    def stream_table(self):
        name = self.create_table(("pk", "S"), StreamSpecification={
            "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        return name, self.client.describe_table(TableName=name)["Table"]["LatestStreamArn"]

    def write_for(self, name, seconds, client=None, prefix="k"):
        """Puts items k00000, k00001, ... for `seconds`; returns their keys in write order."""
        client = client or self.client
        keys = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            keys.append(f"{prefix}{len(keys):05d}")
            client.put_item(TableName=name, Item={"pk": {"S": keys[-1]}})
            time.sleep(0.005)
        return keys

    def list_shards(self, arn, limit=None):
        """DescribeStream paged by ExclusiveStartShardId until LastEvaluatedShardId is absent."""
        shards, start = [], None
        while True:
            kw = {"StreamArn": arn}
            if start:
                kw["ExclusiveStartShardId"] = start
            if limit:
                kw["Limit"] = limit
            desc = self.streams.describe_stream(**kw)["StreamDescription"]
            shards += desc["Shards"]
            start = desc.get("LastEvaluatedShardId")
            if not start:
                return shards

    def read_shard(self, arn, shard_id, kind="TRIM_HORIZON", **kw):
        """(records, closed and read to its end) of one shard from an iterator of `kind`."""
        it = self.streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id,
                                             ShardIteratorType=kind, **kw)["ShardIterator"]
        records = []
        while it:
            resp = self.streams.get_records(ShardIterator=it, Limit=7)
            records += resp["Records"]
            it = resp.get("NextShardIterator")
            if not resp["Records"] and it:
                return records, False  # an open shard, read to what is there now
        return records, True

    def walk(self, arn, limit=None):
        """AWS's low-level reader: list the shards, then read each, parents before children."""
        shards = self.list_shards(arn, limit)
        by_id = {s["ShardId"]: s for s in shards}
        done, order = set(), []

        def visit(shard):
            if shard["ShardId"] in done:
                return
            parent = by_id.get(shard.get("ParentShardId"))
            if parent:
                visit(parent)
            done.add(shard["ShardId"])
            order.append(shard)
        for shard in shards:
            visit(shard)
        records = []
        for shard in order:
            got, finished = self.read_shard(arn, shard["ShardId"])
            # (a shard listed open may close while it is read: time rolls it over)
            if "EndingSequenceNumber" in shard["SequenceNumberRange"]:
                self.assertTrue(finished)
            records += got
        return shards, records

    def keys(self, records):
        return [r["dynamodb"]["Keys"]["pk"]["S"] for r in records]

    def check_lineage(self, shards, open_last=True):
        self.assertGreaterEqual(len(shards), 3, "the writes spanned several rollovers")
        self.assertEqual([s["ShardId"] for s in shards], sorted(s["ShardId"] for s in shards))
        self.assertNotIn("ParentShardId", shards[0])
        for parent, child in zip(shards, shards[1:]):
            self.assertEqual(child["ParentShardId"], parent["ShardId"])
            ending = int(parent["SequenceNumberRange"]["EndingSequenceNumber"])
            self.assertLess(ending, int(child["SequenceNumberRange"]["StartingSequenceNumber"]))
        self.assertEqual("EndingSequenceNumber" in shards[-1]["SequenceNumberRange"],
                         not open_last)

    # The AWS loop over a stream that rolled over several times sees each record once, in
    # order, each within its shard's SequenceNumberRange; DescribeStream pages by Limit.
    def test_lineage_walk_sees_every_record_once(self):
        name, arn = self.stream_table()
        written = self.write_for(name, 2.6)
        shards, records = self.walk(arn, limit=2)
        self.check_lineage(shards)
        self.assertEqual(self.keys(records), written)
        for shard in shards:
            rng = shard["SequenceNumberRange"]
            got, _ = self.read_shard(arn, shard["ShardId"])
            for r in got:
                seq = int(r["dynamodb"]["SequenceNumber"])
                self.assertGreaterEqual(seq, int(rng["StartingSequenceNumber"]))
                if "EndingSequenceNumber" in rng:
                    self.assertLessEqual(seq, int(rng["EndingSequenceNumber"]))
        # Paging, on the shards frozen by a disable: one shard a page; the last page has no
        # LastEvaluatedShardId.
        self.client.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        shards = self.list_shards(arn)
        self.assertEqual(self.list_shards(arn, limit=1), shards)
        last = self.streams.describe_stream(StreamArn=arn, Limit=100)["StreamDescription"]
        self.assertNotIn("LastEvaluatedShardId", last)
        for start in (last["Shards"][-1]["ShardId"], "shardId-00000000000000000001-00000000"):
            self.assertEqual(self.streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=start)[
                "StreamDescription"]["Shards"], [])
        # ShardFilter CHILD_SHARDS: a shard's child; none for the last one.
        children = self.streams.describe_stream(StreamArn=arn, ShardFilter={
            "Type": "CHILD_SHARDS", "ShardId": shards[0]["ShardId"]})["StreamDescription"]["Shards"]
        self.assertEqual(children, [shards[1]])
        self.assertEqual(self.streams.describe_stream(StreamArn=arn, ShardFilter={
            "Type": "CHILD_SHARDS", "ShardId": last["Shards"][-1]["ShardId"]})[
            "StreamDescription"]["Shards"], [])

    # A reader tailing the stream while a writer runs: at the end of a closed shard it finds the
    # child (ShardFilter CHILD_SHARDS) and goes on; it gets every record once, in order.
    def test_tailing_reader_follows_rollovers_while_writing(self):
        name, arn = self.stream_table()
        writer_client = self.server.client()
        written = []
        writer = threading.Thread(
            target=lambda: written.extend(self.write_for(name, 2.6, client=writer_client)))
        shard_id = self.list_shards(arn)[0]["ShardId"]
        it = self.streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id,
                                             ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        writer.start()
        got, shards_read = [], 1
        deadline = time.monotonic() + 30
        while writer.is_alive() or len(got) < len(written):
            self.assertLess(time.monotonic(), deadline, "the reader fell behind")
            resp = self.streams.get_records(ShardIterator=it)
            got += resp["Records"]
            it = resp.get("NextShardIterator")
            if it is None:
                children = self.streams.describe_stream(StreamArn=arn, ShardFilter={
                    "Type": "CHILD_SHARDS", "ShardId": shard_id})["StreamDescription"]["Shards"]
                self.assertEqual(len(children), 1, "a closed shard has its child listed")
                self.assertEqual(children[0]["ParentShardId"], shard_id)
                shard_id = children[0]["ShardId"]
                shards_read += 1
                it = self.streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id,
                    ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            elif not resp["Records"]:
                time.sleep(0.02)
        writer.join()
        self.assertGreaterEqual(shards_read, 3)
        self.assertEqual(self.keys(got), written)

    # Iterator types are per shard: TRIM_HORIZON and AT_SEQUENCE_NUMBER <Starting> read only that
    # shard's records; LATEST of a closed shard reads nothing and ends at once; LATEST of the
    # open shard reads what is written after it.
    def test_iterator_types_per_shard(self):
        name, arn = self.stream_table()
        written = self.write_for(name, 2.0)
        shards = self.list_shards(arn)
        closed = [s for s in shards if "EndingSequenceNumber" in s["SequenceNumberRange"]]
        self.assertGreaterEqual(len(closed), 2)
        per_shard = [self.keys(self.read_shard(arn, s["ShardId"])[0]) for s in closed]
        self.assertEqual(sum(per_shard, []), written[:sum(map(len, per_shard))])
        shard = closed[1]
        at_start, finished = self.read_shard(
            arn, shard["ShardId"], "AT_SEQUENCE_NUMBER",
            SequenceNumber=shard["SequenceNumberRange"]["StartingSequenceNumber"])
        self.assertTrue(finished)
        self.assertEqual(self.keys(at_start), per_shard[1])
        latest = self.streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                                 ShardIteratorType="LATEST")["ShardIterator"]
        resp = self.streams.get_records(ShardIterator=latest)
        self.assertEqual(resp["Records"], [])
        self.assertNotIn("NextShardIterator", resp)
        # The open shard's LATEST (rollovers may happen meanwhile: the reader follows them).
        self.client.put_item(TableName=name, Item={"pk": {"S": "before"}})
        open_shard = self.list_shards(arn)[-1]
        it = self.streams.get_shard_iterator(StreamArn=arn, ShardId=open_shard["ShardId"],
                                             ShardIteratorType="LATEST")["ShardIterator"]
        self.client.put_item(TableName=name, Item={"pk": {"S": "after"}})
        got, shard_id = [], open_shard["ShardId"]
        while not got:
            resp = self.streams.get_records(ShardIterator=it)
            got += resp["Records"]
            it = resp.get("NextShardIterator")
            if it is None:
                shard_id = self.streams.describe_stream(StreamArn=arn, ShardFilter={
                    "Type": "CHILD_SHARDS", "ShardId": shard_id})["StreamDescription"][
                    "Shards"][0]["ShardId"]
                it = self.streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id,
                    ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        self.assertEqual(self.keys(got), ["after"])

    # Shards are a function of the stream and the time: the same ids, ranges and records after
    # kill -9; disabling the stream closes the last one.
    def test_shards_survive_kill9_and_close_on_disable(self):
        name, arn = self.stream_table()
        written = self.write_for(name, 2.0)
        before, records = self.walk(arn)
        self.assertEqual(self.keys(records), written)
        self.restart_server(kill=True)
        self.streams = self.server.streams_client()
        after, records_after = self.walk(arn)
        self.assertEqual(after[:len(before) - 1], before[:-1])
        self.assertEqual(after[len(before) - 1]["ShardId"], before[-1]["ShardId"])
        self.assertEqual(records_after, records)
        self.client.put_item(TableName=name, Item={"pk": {"S": "last"}})
        self.client.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        self.wait_active(name)
        time.sleep(ROLLOVER_MS / 1000 * 1.5)  # no rollover after the disable
        shards, records = self.walk(arn)
        self.check_lineage(shards, open_last=False)
        self.assertEqual(self.keys(records), written + ["last"])
        last_seq = int(records[-1]["dynamodb"]["SequenceNumber"])
        self.assertGreaterEqual(int(shards[-1]["SequenceNumberRange"]["EndingSequenceNumber"]),
                                last_seq)
        self.assertEqual(self.streams.describe_stream(StreamArn=arn)["StreamDescription"][
            "StreamStatus"], "DISABLED")


class Trimming(unittest.TestCase):
    """Shards past the 24-hour retention: a stream enabled 26 hours ago (libfaketime) with an
    hourly rollover, read now. The shards that ended more than 24 hours ago are no longer listed
    (GetShardIterator on one: TrimmedDataAccessException); the oldest listed shard still names
    its parent; new writes land in the open shard."""

    def test_old_shards_are_trimmed(self):
        server = TidelineServer(extra_args=("--testing-stream-shard-rollover-ms", "3600000"),
                                faketime="-26h")
        try:
            server.start()
            client = server.client()
            name = random_name()
            client.create_table(
                TableName=name, BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
            arn = client.describe_table(TableName=name)["Table"]["LatestStreamArn"]
            client.put_item(TableName=name, Item={"pk": {"S": "old"}})
            streams = server.streams_client()
            first = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
            self.assertEqual(len(first), 1)
            old_shard = first[0]["ShardId"]

            server.faketime = None  # now: 26 rollovers later, past the retention
            server.restart()
            client, streams = server.client(), server.streams_client()
            client.put_item(TableName=name, Item={"pk": {"S": "new"}})
            shards, start = [], None
            while True:
                kw = {"ExclusiveStartShardId": start} if start else {}
                desc = streams.describe_stream(StreamArn=arn, **kw)["StreamDescription"]
                shards += desc["Shards"]
                start = desc.get("LastEvaluatedShardId")
                if not start:
                    break
            ids = [s["ShardId"] for s in shards]
            # Shards 0 and 1 ended more than 24 hours ago; 2 (ending 23 h ago) to 26 are kept.
            self.assertNotIn(old_shard, ids)
            self.assertEqual(len(shards), 25)
            self.assertNotIn(shards[0]["ParentShardId"], ids)
            for parent, child in zip(shards, shards[1:]):
                self.assertEqual(child["ParentShardId"], parent["ShardId"])
            with self.assertRaises(ClientError) as caught:
                streams.get_shard_iterator(StreamArn=arn, ShardId=old_shard,
                                           ShardIteratorType="TRIM_HORIZON")
            self.assertEqual(caught.exception.response["Error"]["Code"],
                             "TrimmedDataAccessException")
            keys = []
            for shard in shards:
                it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                                ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
                while it:
                    resp = streams.get_records(ShardIterator=it)
                    keys += [r["dynamodb"]["Keys"]["pk"]["S"] for r in resp["Records"]]
                    it = resp.get("NextShardIterator")
                    if not resp["Records"]:
                        break
            self.assertEqual(keys, ["new"])
        finally:
            server.stop()
            server.cleanup()
