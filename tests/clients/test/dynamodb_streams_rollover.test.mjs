// Shard rollover with the AWS SDK for JavaScript v3's DynamoDB Streams client: the server rolls
// its shards over every 800 ms (a testing flag; AWS: about 4 hours), and a reader that walks the
// lineage as AWS's developer guide does (DescribeStream paged by ExclusiveStartShardId, parents
// before children, each shard read until NextShardIterator is absent) sees every record of
// @aws-sdk/client-dynamodb's writes exactly once, in order.
import assert from 'node:assert/strict';
import {after, before, describe} from 'node:test';

import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';

import {HOOK_TIMEOUT_MS, SUITE_TIMEOUT_MS, test, TidelineServer, uniqueName} from '../harness.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Every shard of the stream, two a page.
async function listShards(streams, streamArn) {
  const shards = [];
  let start;
  do {
    const {StreamDescription} = await streams.send(new DescribeStreamCommand({
      StreamArn: streamArn,
      Limit: 2,
      ...(start ? {ExclusiveStartShardId: start} : {}),
    }));
    shards.push(...StreamDescription.Shards);
    start = StreamDescription.LastEvaluatedShardId;
  } while (start);
  return shards;
}

// Parents before children (a shard whose parent is not listed is a root).
function lineageOrder(shards) {
  const byId = new Map(shards.map((s) => [s.ShardId, s]));
  const done = new Set();
  const order = [];
  const visit = (shard) => {
    if (done.has(shard.ShardId)) return;
    const parent = byId.get(shard.ParentShardId);
    if (parent) visit(parent);
    done.add(shard.ShardId);
    order.push(shard);
  };
  shards.forEach(visit);
  return order;
}

async function readShard(streams, streamArn, shard) {
  let {ShardIterator: iterator} = await streams.send(new GetShardIteratorCommand({
    StreamArn: streamArn,
    ShardId: shard.ShardId,
    ShardIteratorType: 'TRIM_HORIZON',
  }));
  const records = [];
  while (iterator) {
    const res = await streams.send(new GetRecordsCommand({ShardIterator: iterator, Limit: 5}));
    records.push(...res.Records);
    iterator = res.NextShardIterator;
    if (res.Records.length === 0 && iterator) break;  // an open shard, read to what is there
  }
  return records;
}

describe('AWS SDK v3 DynamoDB Streams client across shard rollovers', {timeout: SUITE_TIMEOUT_MS},
    () => {
      const server = new TidelineServer(['--testing-stream-shard-rollover-ms', '800']);
      let client;
      let streams;
      let table;

      before(async () => {
        await server.start();
        client = new DynamoDBClient(server.clientConfig);
        streams = new DynamoDBStreamsClient(server.clientConfig);
        table = uniqueName('Rolling');
        await client.send(new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [{AttributeName: 'id', KeyType: 'HASH'}],
          AttributeDefinitions: [{AttributeName: 'id', AttributeType: 'S'}],
          StreamSpecification: {StreamEnabled: true, StreamViewType: 'NEW_IMAGE'},
        }));
        await waitUntilTableExists({client, maxWaitTime: 30, minDelay: 1}, {TableName: table});
      }, {timeout: HOOK_TIMEOUT_MS});

      after(async () => {
        client?.destroy();
        streams?.destroy();
        await server.stop();
      }, {timeout: HOOK_TIMEOUT_MS});

      test('the lineage walk sees every record once, in order', async () => {
        const {Streams} = await streams.send(new ListStreamsCommand({TableName: table}));
        const streamArn = Streams[0].StreamArn;
        const written = [];
        const until = Date.now() + 2600;
        while (Date.now() < until) {
          const id = `k${String(written.length).padStart(5, '0')}`;
          await client.send(new PutItemCommand({TableName: table, Item: {id: {S: id}}}));
          written.push(id);
          await sleep(5);
        }

        const shards = await listShards(streams, streamArn);
        assert.ok(shards.length >= 3, `${shards.length} shards: the writes spanned rollovers`);
        assert.equal(shards[0].ParentShardId, undefined);
        for (let i = 1; i < shards.length; i++) {
          assert.equal(shards[i].ParentShardId, shards[i - 1].ShardId);
          assert.ok(shards[i - 1].SequenceNumberRange.EndingSequenceNumber);
        }
        const records = [];
        for (const shard of lineageOrder(shards)) {
          records.push(...await readShard(streams, streamArn, shard));
        }
        assert.deepEqual(records.map((r) => r.dynamodb.Keys.id.S), written);
        const sequence = records.map((r) => BigInt(r.dynamodb.SequenceNumber));
        for (let i = 1; i < sequence.length; i++) assert.ok(sequence[i - 1] < sequence[i]);
      });
    });
