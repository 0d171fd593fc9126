// The AWS SDK for JavaScript v3's DynamoDB Streams client (@aws-sdk/client-dynamodb-streams)
// against Tideline, the way AWS's developer guide reads a stream: ListStreams, DescribeStream,
// then per shard GetShardIterator and GetRecords following NextShardIterator; the records of
// writes made with @aws-sdk/client-dynamodb, and a closed shard read to its end.
import assert from 'node:assert/strict';
import {after, before, describe} from 'node:test';

import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTableCommand,
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

// Every record of every shard of the stream, oldest first (a shard is read until a call returns
// no records, or until NextShardIterator is absent: the shard is closed and read to its end).
async function readStream(streams, streamArn) {
  const {StreamDescription} = await streams.send(new DescribeStreamCommand({StreamArn: streamArn}));
  const records = [];
  let closedAndDone = true;
  for (const shard of StreamDescription.Shards) {
    let {ShardIterator: iterator} = await streams.send(new GetShardIteratorCommand({
      StreamArn: streamArn,
      ShardId: shard.ShardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }));
    while (iterator) {
      const res = await streams.send(new GetRecordsCommand({ShardIterator: iterator, Limit: 2}));
      records.push(...res.Records);
      iterator = res.NextShardIterator;
      if (res.Records.length === 0) break;
    }
    closedAndDone &&= iterator === undefined;
  }
  return {description: StreamDescription, records, closedAndDone};
}

describe('AWS SDK v3 DynamoDB Streams client', {timeout: SUITE_TIMEOUT_MS}, () => {
  const server = new TidelineServer();
  let client;
  let streams;
  let table;

  before(async () => {
    await server.start();
    client = new DynamoDBClient(server.clientConfig);
    streams = new DynamoDBStreamsClient(server.clientConfig);
    table = uniqueName('Events');
    await client.send(new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{AttributeName: 'id', KeyType: 'HASH'}],
      AttributeDefinitions: [{AttributeName: 'id', AttributeType: 'S'}],
      StreamSpecification: {StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES'},
    }));
    await waitUntilTableExists({client, maxWaitTime: 30, minDelay: 1}, {TableName: table});
  }, {timeout: HOOK_TIMEOUT_MS});

  after(async () => {
    client?.destroy();
    streams?.destroy();
    await server.stop();
  }, {timeout: HOOK_TIMEOUT_MS});

  test('INSERT, MODIFY and REMOVE with both images, then a closed shard', async () => {
    const {Streams} = await streams.send(new ListStreamsCommand({TableName: table}));
    assert.equal(Streams.length, 1);
    const streamArn = Streams[0].StreamArn;
    assert.match(streamArn, new RegExp(`:table/${table}/stream/\\d{4}-\\d\\d-\\d\\dT`));

    await client.send(new PutItemCommand({TableName: table, Item: {id: {S: 'a'}, n: {N: '1'}}}));
    await client.send(new PutItemCommand({TableName: table, Item: {id: {S: 'a'}, n: {N: '1'}}}));
    await client.send(new UpdateItemCommand({
      TableName: table,
      Key: {id: {S: 'a'}},
      UpdateExpression: 'SET n = n + :one',
      ExpressionAttributeValues: {':one': {N: '1'}},
    }));
    await client.send(new DeleteItemCommand({TableName: table, Key: {id: {S: 'a'}}}));

    const open = await readStream(streams, streamArn);
    assert.equal(open.description.StreamStatus, 'ENABLED');
    assert.equal(open.closedAndDone, false);
    assert.deepEqual(open.records.map((r) => r.eventName), ['INSERT', 'MODIFY', 'REMOVE']);
    const [insert, modify, remove] = open.records.map((r) => r.dynamodb);
    assert.deepEqual(insert.NewImage, {id: {S: 'a'}, n: {N: '1'}});
    assert.equal(insert.OldImage, undefined);
    assert.deepEqual(modify.OldImage, {id: {S: 'a'}, n: {N: '1'}});
    assert.deepEqual(modify.NewImage, {id: {S: 'a'}, n: {N: '2'}});
    assert.deepEqual(remove.OldImage, {id: {S: 'a'}, n: {N: '2'}});
    assert.deepEqual(remove.Keys, {id: {S: 'a'}});
    assert.ok(insert.ApproximateCreationDateTime instanceof Date);
    const sequence = open.records.map((r) => BigInt(r.dynamodb.SequenceNumber));
    assert.ok(sequence[0] < sequence[1] && sequence[1] < sequence[2]);

    await client.send(new UpdateTableCommand({
      TableName: table,
      StreamSpecification: {StreamEnabled: false},
    }));
    const closed = await readStream(streams, streamArn);
    assert.equal(closed.description.StreamStatus, 'DISABLED');
    assert.ok(closed.description.Shards[0].SequenceNumberRange.EndingSequenceNumber);
    assert.equal(closed.closedAndDone, true);
    assert.deepEqual(closed.records.map((r) => r.eventID), open.records.map((r) => r.eventID));
  });

  test('errors reach the SDK as its modeled exceptions', async () => {
    const arn = `arn:aws:dynamodb:us-east-1:000000000000:table/${uniqueName('None')}/stream/` +
        '2024-11-18T14:36:44.149';
    await assert.rejects(streams.send(new DescribeStreamCommand({StreamArn: arn})),
        (e) => e.name === 'ResourceNotFoundException' && e.$metadata.httpStatusCode === 400);
    await assert.rejects(streams.send(new GetRecordsCommand({ShardIterator: 'x'.repeat(30)})),
        (e) => e.name === 'ValidationException');
  });
});
