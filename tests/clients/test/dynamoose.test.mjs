// dynamoose (a Mongoose-like modelling tool) through its documented index usage: a schema whose
// attributes carry `index` settings (global with a range key, global KEYS_ONLY, local), the
// table that dynamoose itself creates from the schema, and Model.query(...).using(index).
import assert from 'node:assert/strict';
import {after, before, describe} from 'node:test';

import {DescribeTableCommand, DynamoDBClient} from '@aws-sdk/client-dynamodb';
import dynamoose from 'dynamoose';

import {
  HOOK_TIMEOUT_MS,
  SUITE_TIMEOUT_MS,
  test,
  TidelineServer,
  uniqueName,
  waitForTableAndIndexes,
} from '../harness.mjs';

// dynamoose creates the table on first use of the model and waits for it to be ACTIVE.
const tableSettings = {
  throughput: 'ON_DEMAND',
  create: true,
  waitForActive: {enabled: true, check: {timeout: 20000, frequency: 100}},
};

const CATS = [
  {id: 'c1', name: 'Tom', ownerId: 'o1', age: 7, breed: 'siamese'},
  {id: 'c2', name: 'Felix', ownerId: 'o1', age: 2},
  {id: 'c3', name: 'Garfield', ownerId: 'o1', age: 12, breed: 'tabby'},
  {id: 'c4', name: 'Sylvester', ownerId: 'o2', age: 5, breed: 'tuxedo'},
  {id: 'c5', name: 'Nala', ownerId: 'o1', age: 4},
  {id: 'c6', name: 'Salem', ownerId: 'o1', age: 10, breed: 'bombay'},
];

describe('dynamoose with secondary indexes', {timeout: SUITE_TIMEOUT_MS}, () => {
  const server = new TidelineServer();
  let client;
  let Cat;
  let Message;
  let catTable;
  let messageTable;

  before(async () => {
    await server.start();
    client = new DynamoDBClient(server.clientConfig);
    dynamoose.aws.ddb.set(new dynamoose.aws.ddb.DynamoDB(server.clientConfig));

    catTable = uniqueName('Cat');
    Cat = dynamoose.model(catTable, new dynamoose.Schema({
      id: String,
      name: String,
      // A GSI keyed on the owner, sorted by age, projecting every attribute.
      ownerId: {type: String, index: {name: 'ownerIndex', type: 'global', rangeKey: 'age'}},
      age: Number,
      // A sparse KEYS_ONLY GSI (`project: false`): only cats with a breed are in it.
      breed: {type: String, index: {name: 'breedIndex', type: 'global', project: false}},
    }), tableSettings);
    for (const cat of CATS) await Cat.create(cat);

    messageTable = uniqueName('Message');
    Message = dynamoose.model(messageTable, new dynamoose.Schema({
      chatId: {type: String, hashKey: true},
      sentAt: {type: Number, rangeKey: true},
      // An LSI: the same partition (chatId), sorted by author instead of time.
      author: {type: String, index: {name: 'authorIndex', type: 'local'}},
      text: String,
    }), tableSettings);
    await Message.batchPut([
      {chatId: 'general', sentAt: 3, author: 'carol', text: 'third'},
      {chatId: 'general', sentAt: 1, author: 'bob', text: 'first'},
      {chatId: 'general', sentAt: 2, author: 'alice', text: 'second'},
      {chatId: 'general', sentAt: 4, text: 'anonymous'},
      {chatId: 'random', sentAt: 1, author: 'alice', text: 'elsewhere'},
    ]);
  }, {timeout: HOOK_TIMEOUT_MS});

  after(async () => {
    client?.destroy();
    await server.stop();
  }, {timeout: HOOK_TIMEOUT_MS});

  test('the table dynamoose creates has the schema\'s indexes', async () => {
    const desc = await waitForTableAndIndexes(client, catTable);
    const gsis = Object.fromEntries(desc.GlobalSecondaryIndexes.map((i) => [i.IndexName, i]));
    assert.deepEqual(gsis.ownerIndex.KeySchema, [
      {AttributeName: 'ownerId', KeyType: 'HASH'}, {AttributeName: 'age', KeyType: 'RANGE'},
    ]);
    assert.equal(gsis.ownerIndex.Projection.ProjectionType, 'ALL');
    assert.deepEqual(gsis.breedIndex.KeySchema, [{AttributeName: 'breed', KeyType: 'HASH'}]);
    assert.equal(gsis.breedIndex.Projection.ProjectionType, 'KEYS_ONLY');
    const {Table: messages} = await client.send(new DescribeTableCommand({TableName: messageTable}));
    assert.deepEqual(messages.LocalSecondaryIndexes.map((i) => [i.IndexName, i.KeySchema]), [[
      'authorIndex',
      [{AttributeName: 'chatId', KeyType: 'HASH'}, {AttributeName: 'author', KeyType: 'RANGE'}],
    ]]);
  });

  test('query(...).using(index) returns the owner\'s cats in age order', async () => {
    const expected = CATS.filter((c) => c.ownerId === 'o1').sort((a, b) => a.age - b.age);
    const cats = await Cat.query('ownerId').eq('o1').using('ownerIndex').exec();
    assert.deepEqual(cats.map((c) => c.toJSON()), expected);
    assert.equal(cats.count, expected.length);

    const older = await Cat.query('ownerId').eq('o1').where('age').ge(5).sort('descending')
                      .using('ownerIndex').exec();
    assert.deepEqual(older.map((c) => c.name), ['Garfield', 'Salem', 'Tom']);
  });

  test('without using(), dynamoose picks the index whose hash key is queried', async () => {
    const cats = await Cat.query('ownerId').eq('o2').exec();
    assert.deepEqual(cats.map((c) => c.toJSON()), [CATS[3]]);
  });

  test('limit() and startAt(lastKey) page through the index; all() follows every page', async () => {
    const names = [];
    let lastKey;
    let pages = 0;
    do {
      let query = Cat.query('ownerId').eq('o1').using('ownerIndex').limit(2);
      if (lastKey) query = query.startAt(lastKey);
      const page = await query.exec();
      assert.ok(page.length <= 2);
      names.push(...page.map((c) => c.name));
      lastKey = page.lastKey;
      pages += 1;
    } while (lastKey && pages < 10);
    assert.deepEqual(names, ['Felix', 'Nala', 'Tom', 'Salem', 'Garfield']);

    const all = await Cat.query('ownerId').eq('o1').using('ownerIndex').limit(2).all().exec();
    assert.deepEqual(all.map((c) => c.name), names);
    assert.ok(all.timesQueried >= 3);
  });

  test('count() counts the index partition', async () => {
    const res = await Cat.query('ownerId').eq('o1').using('ownerIndex').count().exec();
    assert.equal(res.count, 5);
  });

  test('scan().using() a sparse KEYS_ONLY index sees only the cats with a breed, keys only', async () => {
    const cats = await Cat.scan().using('breedIndex').exec();
    const got = cats.map((c) => c.toJSON()).sort((a, b) => a.id.localeCompare(b.id));
    assert.deepEqual(got, CATS.filter((c) => c.breed).map((c) => ({id: c.id, breed: c.breed})));
  });

  test('updating an index key moves the item to its new index partition', async () => {
    await Cat.update({id: 'c2'}, {ownerId: 'o2', age: 3});
    const o2 = await Cat.query('ownerId').eq('o2').using('ownerIndex').exec();
    assert.deepEqual(o2.map((c) => c.name), ['Felix', 'Sylvester']);
    const o1 = await Cat.query('ownerId').eq('o1').using('ownerIndex').exec();
    assert.ok(!o1.some((c) => c.id === 'c2'));
    await Cat.delete('c4');
    const after = await Cat.query('ownerId').eq('o2').using('ownerIndex').exec();
    assert.deepEqual(after.map((c) => c.name), ['Felix']);
  });

  test('a local index orders a partition by its own sort key and skips items without it', async () => {
    const messages = await Message.query('chatId').eq('general').using('authorIndex').exec();
    assert.deepEqual(messages.map((m) => [m.author, m.text]),
        [['alice', 'second'], ['bob', 'first'], ['carol', 'third']]);
    const fromB = await Message.query('chatId').eq('general').where('author').beginsWith('b')
                      .using('authorIndex').exec();
    assert.deepEqual(fromB.map((m) => m.sentAt), [1]);
  });
});
