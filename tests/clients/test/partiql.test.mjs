// PartiQL through the AWS SDK for JavaScript v3: the document client's ExecuteStatementCommand,
// BatchExecuteStatementCommand and ExecuteTransactionCommand of @aws-sdk/lib-dynamodb (plain JS
// values in Parameters and Items), with the developer guide's PartiQL examples.
import assert from 'node:assert/strict';
import {after, before, describe} from 'node:test';

import {
  CreateTableCommand,
  DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  BatchExecuteStatementCommand,
  DynamoDBDocumentClient,
  ExecuteStatementCommand,
  ExecuteTransactionCommand,
} from '@aws-sdk/lib-dynamodb';

import {HOOK_TIMEOUT_MS, SUITE_TIMEOUT_MS, test, TidelineServer, uniqueName} from '../harness.mjs';

describe('AWS SDK v3 PartiQL (lib-dynamodb)', {timeout: SUITE_TIMEOUT_MS}, () => {
  const server = new TidelineServer();
  const table = uniqueName('music');
  let client;
  let doc;

  before(async () => {
    await server.start();
    client = new DynamoDBClient(server.clientConfig);
    doc = DynamoDBDocumentClient.from(client);
    await client.send(new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        {AttributeName: 'Artist', AttributeType: 'S'},
        {AttributeName: 'SongTitle', AttributeType: 'S'},
      ],
      KeySchema: [
        {AttributeName: 'Artist', KeyType: 'HASH'},
        {AttributeName: 'SongTitle', KeyType: 'RANGE'},
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    await waitUntilTableExists({client, maxWaitTime: 30}, {TableName: table});
  }, {timeout: HOOK_TIMEOUT_MS});

  after(async () => {
    client?.destroy();
    await server.stop();
  }, {timeout: HOOK_TIMEOUT_MS});

  test('INSERT, SELECT with parameters, UPDATE ... RETURNING, DELETE', async () => {
    await doc.send(new ExecuteStatementCommand({
      Statement: `INSERT INTO "${table}" VALUE {'Artist': ?, 'SongTitle': ?, 'Awards': ?}`,
      Parameters: ['Acme Band', 'PartiQL Rocks', {Grammys: [2020, 2018]}],
    }));
    const selected = await doc.send(new ExecuteStatementCommand({
      Statement: `SELECT * FROM "${table}" WHERE Artist = ? AND SongTitle = ?`,
      Parameters: ['Acme Band', 'PartiQL Rocks'],
    }));
    assert.deepEqual(selected.Items, [
      {Artist: 'Acme Band', SongTitle: 'PartiQL Rocks', Awards: {Grammys: [2020, 2018]}},
    ]);
    const updated = await doc.send(new ExecuteStatementCommand({
      Statement: `UPDATE "${table}" SET AwardsWon = 1 SET Awards.Grammys = ` +
          `list_append(Awards.Grammys, [2016]) WHERE Artist = 'Acme Band' AND ` +
          `SongTitle = 'PartiQL Rocks' RETURNING MODIFIED NEW *`,
    }));
    assert.deepEqual(updated.Items, [{AwardsWon: 1, Awards: {Grammys: [2020, 2018, 2016]}}]);
    await assert.rejects(
        doc.send(new ExecuteStatementCommand({
          Statement: `INSERT INTO "${table}" VALUE {'Artist': 'Acme Band', ` +
              `'SongTitle': 'PartiQL Rocks'}`,
        })),
        (err) => err.name === 'DuplicateItemException' &&
            err.message === 'Duplicate primary key exists in table');
    const deleted = await doc.send(new ExecuteStatementCommand({
      Statement: `DELETE FROM "${table}" WHERE Artist = 'Acme Band' AND ` +
          `SongTitle = 'PartiQL Rocks' RETURNING ALL OLD *`,
    }));
    assert.equal(deleted.Items[0].AwardsWon, 1);
  });

  test('paging a partition with Limit and NextToken', async () => {
    await doc.send(new BatchExecuteStatementCommand({
      Statements: Array.from({length: 5}, (_, i) => ({
        Statement: `INSERT INTO "${table}" VALUE {'Artist': 'Pager', 'SongTitle': ?, 'n': ?}`,
        Parameters: [`song${i}`, i],
      })),
    }));
    const titles = [];
    let NextToken;
    do {
      const page = await doc.send(new ExecuteStatementCommand({
        Statement: `SELECT SongTitle FROM "${table}" WHERE Artist = 'Pager' ORDER BY SongTitle DESC`,
        Limit: 2,
        NextToken,
      }));
      titles.push(...page.Items.map((item) => item.SongTitle));
      NextToken = page.NextToken;
    } while (NextToken);
    assert.deepEqual(titles, ['song4', 'song3', 'song2', 'song1', 'song0']);
  });

  test('batch reads and a transaction', async () => {
    const batch = await doc.send(new BatchExecuteStatementCommand({
      Statements: [
        {Statement: `SELECT n FROM "${table}" WHERE Artist = 'Pager' AND SongTitle = ?`,
          Parameters: ['song3']},
        {Statement: `SELECT * FROM "${table}" WHERE Artist = 'Pager'`},
      ],
    }));
    assert.deepEqual(batch.Responses[0], {TableName: table, Item: {n: 3}});
    assert.equal(batch.Responses[1].Error.Code, 'ValidationError');
    await doc.send(new ExecuteTransactionCommand({
      TransactStatements: [
        {Statement: `UPDATE "${table}" SET n = n + 10 WHERE Artist = 'Pager' AND SongTitle = 'song0'`},
        {Statement: `DELETE FROM "${table}" WHERE Artist = 'Pager' AND SongTitle = 'song1'`},
      ],
    }));
    const read = await doc.send(new ExecuteTransactionCommand({
      TransactStatements: [
        {Statement: `SELECT n FROM "${table}" WHERE Artist = 'Pager' AND SongTitle = 'song0'`},
        {Statement: `SELECT n FROM "${table}" WHERE Artist = 'Pager' AND SongTitle = 'song1'`},
      ],
    }));
    assert.deepEqual(read.Responses, [{Item: {n: 10}}, {}]);
  });
});
