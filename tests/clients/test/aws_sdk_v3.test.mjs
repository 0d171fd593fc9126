// The AWS SDK for JavaScript v3 (@aws-sdk/client-dynamodb and the document client of
// @aws-sdk/lib-dynamodb) through the developer guide's secondary-index examples: a table created
// with two GSIs and an LSI, then Query and Scan with IndexName, paging over an index with Limit
// and ExclusiveStartKey and with the SDK's paginators.
import assert from 'node:assert/strict';
import {after, before, describe} from 'node:test';

import {
  CreateTableCommand,
  DynamoDBClient,
  QueryCommand as LowLevelQueryCommand,
  UpdateTableCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  paginateQuery,
  paginateScan,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

import {
  HOOK_TIMEOUT_MS,
  SUITE_TIMEOUT_MS,
  test,
  TidelineServer,
  uniqueName,
  waitForTableAndIndexes,
} from '../harness.mjs';

// Orders of customers: table key (customerId, orderId);
//   StatusIndex (GSI, ALL):        status / createdAt   - every order has both
//   RegionTotalIndex (GSI, KEYS_ONLY): region / total    - sparse: only shipped orders have region
//   CustomerTotalIndex (LSI, INCLUDE [status]): customerId / total
function ordersTableInput(name) {
  return {
    TableName: name,
    AttributeDefinitions: [
      {AttributeName: 'customerId', AttributeType: 'S'},
      {AttributeName: 'orderId', AttributeType: 'S'},
      {AttributeName: 'status', AttributeType: 'S'},
      {AttributeName: 'createdAt', AttributeType: 'S'},
      {AttributeName: 'region', AttributeType: 'S'},
      {AttributeName: 'total', AttributeType: 'N'},
    ],
    KeySchema: [
      {AttributeName: 'customerId', KeyType: 'HASH'},
      {AttributeName: 'orderId', KeyType: 'RANGE'},
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'StatusIndex',
        KeySchema: [
          {AttributeName: 'status', KeyType: 'HASH'},
          {AttributeName: 'createdAt', KeyType: 'RANGE'},
        ],
        Projection: {ProjectionType: 'ALL'},
      },
      {
        IndexName: 'RegionTotalIndex',
        KeySchema: [
          {AttributeName: 'region', KeyType: 'HASH'},
          {AttributeName: 'total', KeyType: 'RANGE'},
        ],
        Projection: {ProjectionType: 'KEYS_ONLY'},
      },
    ],
    LocalSecondaryIndexes: [
      {
        IndexName: 'CustomerTotalIndex',
        KeySchema: [
          {AttributeName: 'customerId', KeyType: 'HASH'},
          {AttributeName: 'total', KeyType: 'RANGE'},
        ],
        Projection: {ProjectionType: 'INCLUDE', NonKeyAttributes: ['status']},
      },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

// 30 orders of 3 customers. createdAt is unique per order; totals are 5, 10, ..., 150, so that
// numeric order (5 < 10 < 100) differs from string order ("10" < "100" < "5").
function makeOrders() {
  const orders = [];
  for (let i = 0; i < 30; i++) {
    const order = {
      customerId: `customer#${i % 3}`,
      orderId: `order#${String(i).padStart(3, '0')}`,
      status: ['PENDING', 'SHIPPED', 'DELIVERED'][i % 3 === 0 ? 0 : i % 2 === 0 ? 1 : 2],
      createdAt: `2026-01-${String(1 + (i * 7) % 30).padStart(2, '0')}T10:00:00Z`,
      total: (i + 1) * 5,
      note: `order number ${i}`,
    };
    if (order.status !== 'PENDING') order.region = i % 4 < 2 ? 'EU' : 'US';
    orders.push(order);
  }
  return orders;
}

const byKey = (a, b) => (a.customerId + a.orderId < b.customerId + b.orderId ? -1 : 1);
const keysOf = (items) => items.map((i) => `${i.customerId}/${i.orderId}`);

describe('AWS SDK v3 with secondary indexes', {timeout: SUITE_TIMEOUT_MS}, () => {
  const server = new TidelineServer();
  let client;
  let doc;
  let table;
  const orders = makeOrders();

  before(async () => {
    await server.start();
    client = new DynamoDBClient(server.clientConfig);
    doc = DynamoDBDocumentClient.from(client);
    table = uniqueName('Orders');
    await client.send(new CreateTableCommand(ordersTableInput(table)));
    await waitUntilTableExists({client, maxWaitTime: 30, minDelay: 1}, {TableName: table});
    await waitForTableAndIndexes(client, table);
    // BatchWriteItem, the way applications load data: every batch must be fully processed.
    for (let i = 0; i < orders.length; i += 25) {
      const res = await doc.send(new BatchWriteCommand({
        RequestItems: {[table]: orders.slice(i, i + 25).map((Item) => ({PutRequest: {Item}}))},
      }));
      assert.deepEqual(res.UnprocessedItems ?? {}, {});
    }
  }, {timeout: HOOK_TIMEOUT_MS});

  after(async () => {
    client?.destroy();
    await server.stop();
  }, {timeout: HOOK_TIMEOUT_MS});

  test('DescribeTable shows both GSIs and the LSI as created, ACTIVE, with ARNs', async () => {
    const desc = await waitForTableAndIndexes(client, table);
    const gsis = Object.fromEntries(desc.GlobalSecondaryIndexes.map((i) => [i.IndexName, i]));
    assert.deepEqual(Object.keys(gsis).sort(), ['RegionTotalIndex', 'StatusIndex']);
    assert.deepEqual(gsis.StatusIndex.KeySchema, ordersTableInput(table).GlobalSecondaryIndexes[0].KeySchema);
    assert.equal(gsis.StatusIndex.Projection.ProjectionType, 'ALL');
    assert.equal(gsis.RegionTotalIndex.Projection.ProjectionType, 'KEYS_ONLY');
    for (const gsi of Object.values(gsis)) {
      assert.equal(gsi.IndexStatus, 'ACTIVE');
      assert.equal(gsi.IndexArn, `${desc.TableArn}/index/${gsi.IndexName}`);
    }
    assert.equal(desc.LocalSecondaryIndexes.length, 1);
    const lsi = desc.LocalSecondaryIndexes[0];
    assert.equal(lsi.IndexName, 'CustomerTotalIndex');
    assert.deepEqual(lsi.Projection, {ProjectionType: 'INCLUDE', NonKeyAttributes: ['status']});
    assert.equal(lsi.IndexArn, `${desc.TableArn}/index/CustomerTotalIndex`);
  });

  test('Query on a GSI returns the items of one index partition in sort-key order', async () => {
    const expected = orders.filter((o) => o.status === 'SHIPPED')
                         .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const res = await doc.send(new QueryCommand({
      TableName: table,
      IndexName: 'StatusIndex',
      KeyConditionExpression: '#s = :s',
      ExpressionAttributeNames: {'#s': 'status'},
      ExpressionAttributeValues: {':s': 'SHIPPED'},
    }));
    assert.equal(res.Count, expected.length);
    // ALL projection: the whole item comes back through the index.
    assert.deepEqual(res.Items, expected);
    assert.equal(res.LastEvaluatedKey, undefined);

    const reversed = await doc.send(new QueryCommand({
      TableName: table,
      IndexName: 'StatusIndex',
      KeyConditionExpression: '#s = :s AND createdAt BETWEEN :from AND :to',
      ExpressionAttributeNames: {'#s': 'status'},
      ExpressionAttributeValues: {':s': 'SHIPPED', ':from': '2026-01-05', ':to': '2026-01-20'},
      ScanIndexForward: false,
    }));
    const inRange = expected.filter((o) => o.createdAt >= '2026-01-05' && o.createdAt <= '2026-01-20');
    assert.ok(inRange.length >= 2, 'the fixture has several items in the range');
    assert.deepEqual(reversed.Items, inRange.reverse());
  });

  test('paging a GSI query with Limit and ExclusiveStartKey loses and repeats nothing', async () => {
    const expected = orders.filter((o) => o.status === 'DELIVERED')
                         .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const seen = [];
    let startKey;
    let pages = 0;
    do {
      const res = await doc.send(new QueryCommand({
        TableName: table,
        IndexName: 'StatusIndex',
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: {'#s': 'status'},
        ExpressionAttributeValues: {':s': 'DELIVERED'},
        Limit: 3,
        ExclusiveStartKey: startKey,
      }));
      pages += 1;
      assert.ok(res.Items.length <= 3);
      seen.push(...res.Items);
      startKey = res.LastEvaluatedKey;
      if (startKey) {
        // The index keys and the table keys, each once.
        assert.deepEqual(Object.keys(startKey).sort(), ['createdAt', 'customerId', 'orderId', 'status']);
        const last = res.Items[res.Items.length - 1];
        assert.deepEqual(startKey, {
          status: last.status, createdAt: last.createdAt,
          customerId: last.customerId, orderId: last.orderId,
        });
      }
    } while (startKey && pages < 50);
    assert.deepEqual(keysOf(seen), keysOf(expected));
    assert.ok(pages >= Math.ceil(expected.length / 3));
  });

  test('items with equal GSI keys are all returned once across pages', async () => {
    // Ten items share one index key; AWS orders them in no particular order but pages them
    // without loss or repetition.
    const twins = [];
    for (let i = 0; i < 10; i++) {
      twins.push({customerId: `twin#${i}`, orderId: 'o', status: 'TWIN', createdAt: '2026-02-01'});
    }
    await doc.send(new BatchWriteCommand({
      RequestItems: {[table]: twins.map((Item) => ({PutRequest: {Item}}))},
    }));
    const seen = [];
    for await (const page of paginateQuery({client: doc, pageSize: 4}, {
      TableName: table,
      IndexName: 'StatusIndex',
      KeyConditionExpression: '#s = :s',
      ExpressionAttributeNames: {'#s': 'status'},
      ExpressionAttributeValues: {':s': 'TWIN'},
    })) {
      assert.ok(page.Items.length <= 4);
      seen.push(...page.Items);
    }
    assert.deepEqual(keysOf(seen).sort(), keysOf(twins).sort());
  });

  test('a KEYS_ONLY GSI is sparse, orders numbers numerically and projects only keys', async () => {
    const expected = orders.filter((o) => o.region === 'EU').sort((a, b) => a.total - b.total);
    const items = [];
    for await (const page of paginateQuery({client: doc, pageSize: 2}, {
      TableName: table,
      IndexName: 'RegionTotalIndex',
      KeyConditionExpression: '#r = :r AND #t >= :min',
      ExpressionAttributeNames: {'#r': 'region', '#t': 'total'},
      ExpressionAttributeValues: {':r': 'EU', ':min': 0},
    })) {
      items.push(...page.Items);
    }
    assert.deepEqual(items, expected.map((o) => ({
      customerId: o.customerId, orderId: o.orderId, region: o.region, total: o.total,
    })));
    // Pending orders have no region: a Scan of the index sees only the others.
    const scanned = [];
    for await (const page of paginateScan({client: doc, pageSize: 7},
        {TableName: table, IndexName: 'RegionTotalIndex'})) {
      scanned.push(...page.Items);
    }
    const withRegion = orders.filter((o) => o.region !== undefined);
    assert.equal(scanned.length, withRegion.length);
    assert.deepEqual(keysOf(scanned.sort(byKey)), keysOf(withRegion.sort(byKey)));
    for (const item of scanned) assert.deepEqual(Object.keys(item).sort(), ['customerId', 'orderId', 'region', 'total']);
  });

  test('an LSI orders a partition by its sort key and fetches unprojected attributes on request', async () => {
    const customer = orders.filter((o) => o.customerId === 'customer#1').sort((a, b) => b.total - a.total);
    const projected = await doc.send(new QueryCommand({
      TableName: table,
      IndexName: 'CustomerTotalIndex',
      KeyConditionExpression: 'customerId = :c',
      ExpressionAttributeValues: {':c': 'customer#1'},
      ScanIndexForward: false,
    }));
    // Default on an index: ALL_PROJECTED_ATTRIBUTES = table keys, index keys and status.
    assert.deepEqual(projected.Items, customer.map((o) => ({
      customerId: o.customerId, orderId: o.orderId, total: o.total, status: o.status,
    })));
    const all = await doc.send(new QueryCommand({
      TableName: table,
      IndexName: 'CustomerTotalIndex',
      KeyConditionExpression: 'customerId = :c AND #t > :t',
      ExpressionAttributeNames: {'#t': 'total'},
      ExpressionAttributeValues: {':c': 'customer#1', ':t': 50},
      Select: 'ALL_ATTRIBUTES',
      ConsistentRead: true,
    }));
    assert.deepEqual(all.Items, customer.filter((o) => o.total > 50).reverse());
  });

  test('a Count query on a GSI counts the index partition', async () => {
    const res = await client.send(new LowLevelQueryCommand({
      TableName: table,
      IndexName: 'StatusIndex',
      KeyConditionExpression: '#s = :s',
      ExpressionAttributeNames: {'#s': 'status'},
      ExpressionAttributeValues: {':s': {S: 'PENDING'}},
      Select: 'COUNT',
    }));
    assert.equal(res.Count, orders.filter((o) => o.status === 'PENDING').length);
    assert.equal(res.Items, undefined);
  });

  test('writes move, add and remove index entries', async () => {
    const key = {customerId: 'mover', orderId: 'm1'};
    const inStatus = async (status) => (await doc.send(new QueryCommand({
      TableName: table,
      IndexName: 'StatusIndex',
      KeyConditionExpression: '#s = :s',
      ExpressionAttributeNames: {'#s': 'status'},
      ExpressionAttributeValues: {':s': status},
    }))).Items.filter((i) => i.customerId === 'mover');

    await doc.send(new PutCommand({TableName: table, Item: {...key, status: 'NEW', createdAt: '2026-03-01', total: 1}}));
    assert.equal((await inStatus('NEW')).length, 1);

    await doc.send(new UpdateCommand({
      TableName: table, Key: key,
      UpdateExpression: 'SET #s = :s, #r = :r',
      ExpressionAttributeNames: {'#s': 'status', '#r': 'region'},
      ExpressionAttributeValues: {':s': 'SHIPPED', ':r': 'MARS'},
    }));
    assert.deepEqual(await inStatus('NEW'), []);
    assert.deepEqual(await inStatus('SHIPPED'),
        [{...key, status: 'SHIPPED', createdAt: '2026-03-01', total: 1, region: 'MARS'}]);
    const mars = await doc.send(new QueryCommand({
      TableName: table, IndexName: 'RegionTotalIndex',
      KeyConditionExpression: '#r = :r', ExpressionAttributeNames: {'#r': 'region'},
      ExpressionAttributeValues: {':r': 'MARS'},
    }));
    assert.deepEqual(mars.Items, [{...key, region: 'MARS', total: 1}]);

    // Removing an index key attribute takes the item out of that index only.
    await doc.send(new UpdateCommand({
      TableName: table, Key: key, UpdateExpression: 'REMOVE #r', ExpressionAttributeNames: {'#r': 'region'},
    }));
    const gone = await doc.send(new QueryCommand({
      TableName: table, IndexName: 'RegionTotalIndex',
      KeyConditionExpression: '#r = :r', ExpressionAttributeNames: {'#r': 'region'},
      ExpressionAttributeValues: {':r': 'MARS'},
    }));
    assert.deepEqual(gone.Items, []);
    assert.equal((await inStatus('SHIPPED')).length, 1);

    await doc.send(new DeleteCommand({TableName: table, Key: key}));
    assert.deepEqual(await inStatus('SHIPPED'), []);
  });

  test('TransactWriteItems keeps the indexes in step', async () => {
    await doc.send(new TransactWriteCommand({
      TransactItems: [
        {Put: {TableName: table, Item: {customerId: 'tx', orderId: 't1', status: 'TX', createdAt: '2026-04-02'}}},
        {Put: {TableName: table, Item: {customerId: 'tx', orderId: 't2', status: 'TX', createdAt: '2026-04-01'}}},
      ],
    }));
    const res = await doc.send(new QueryCommand({
      TableName: table, IndexName: 'StatusIndex',
      KeyConditionExpression: '#s = :s', ExpressionAttributeNames: {'#s': 'status'},
      ExpressionAttributeValues: {':s': 'TX'},
    }));
    assert.deepEqual(res.Items.map((i) => i.orderId), ['t2', 't1']);
  });

  test('index misuse gets DynamoDB\'s ValidationException', async () => {
    const query = (extra) => doc.send(new QueryCommand({
      TableName: table,
      KeyConditionExpression: '#s = :s',
      ExpressionAttributeNames: {'#s': 'status'},
      ExpressionAttributeValues: {':s': 'SHIPPED'},
      ...extra,
    }));
    await assert.rejects(query({IndexName: 'NoSuchIndex'}), {
      name: 'ValidationException',
      message: 'The table does not have the specified index: NoSuchIndex',
    });
    await assert.rejects(query({IndexName: 'StatusIndex', ConsistentRead: true}), {
      name: 'ValidationException',
      message: 'Consistent reads are not supported on global secondary indexes',
    });
    // A wrong-typed index key attribute refuses the whole write.
    await assert.rejects(
        doc.send(new PutCommand({
          TableName: table,
          Item: {customerId: 'bad', orderId: 'b1', status: 'NEW', createdAt: 20260101},
        })),
        {
          name: 'ValidationException',
          message: 'One or more parameter values were invalid: Type mismatch for Index Key ' +
              'createdAt Expected: S Actual: N IndexName: StatusIndex',
        });
    const res = await doc.send(new ScanCommand({
      TableName: table, FilterExpression: 'customerId = :c', ExpressionAttributeValues: {':c': 'bad'},
    }));
    assert.deepEqual(res.Items, []);
  });
});

// Adding a GSI to a table that already holds items (UpdateTable GlobalSecondaryIndexUpdates):
// the index is CREATING while existing items are backfilled, then ACTIVE and complete.
describe('AWS SDK v3: a GSI added by UpdateTable', {timeout: SUITE_TIMEOUT_MS}, () => {
  const server = new TidelineServer();
  let client;
  let doc;

  before(async () => {
    await server.start();
    client = new DynamoDBClient(server.clientConfig);
    doc = DynamoDBDocumentClient.from(client);
  }, {timeout: HOOK_TIMEOUT_MS});

  after(async () => {
    client?.destroy();
    await server.stop();
  }, {timeout: HOOK_TIMEOUT_MS});

  test('existing items are backfilled and later writes are indexed', async () => {
    const table = uniqueName('Players');
    await client.send(new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{AttributeName: 'playerId', AttributeType: 'S'}],
      KeySchema: [{AttributeName: 'playerId', KeyType: 'HASH'}],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    await waitUntilTableExists({client, maxWaitTime: 30, minDelay: 1}, {TableName: table});
    const players = [];
    for (let i = 0; i < 60; i++) {
      players.push({playerId: `p${i}`, guild: `guild${i % 3}`, score: (i * 37) % 101});
    }
    for (let i = 0; i < players.length; i += 25) {
      await doc.send(new BatchWriteCommand({
        RequestItems: {[table]: players.slice(i, i + 25).map((Item) => ({PutRequest: {Item}}))},
      }));
    }
    const {TableDescription} = await client.send(new UpdateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        {AttributeName: 'guild', AttributeType: 'S'},
        {AttributeName: 'score', AttributeType: 'N'},
      ],
      GlobalSecondaryIndexUpdates: [{Create: {
        IndexName: 'GuildScoreIndex',
        KeySchema: [
          {AttributeName: 'guild', KeyType: 'HASH'},
          {AttributeName: 'score', KeyType: 'RANGE'},
        ],
        Projection: {ProjectionType: 'ALL'},
      }}],
    }));
    const created = TableDescription.GlobalSecondaryIndexes.find((i) => i.IndexName === 'GuildScoreIndex');
    assert.equal(created.IndexStatus, 'CREATING');
    const desc = await waitForTableAndIndexes(client, table);
    assert.equal(desc.GlobalSecondaryIndexes[0].Backfilling, undefined);

    await doc.send(new PutCommand({TableName: table, Item: {playerId: 'late', guild: 'guild1', score: 1000}}));
    const top = await doc.send(new QueryCommand({
      TableName: table,
      IndexName: 'GuildScoreIndex',
      KeyConditionExpression: 'guild = :g',
      ExpressionAttributeValues: {':g': 'guild1'},
      ScanIndexForward: false,
    }));
    const guild1 = [...players.filter((p) => p.guild === 'guild1'),
      {playerId: 'late', guild: 'guild1', score: 1000}].sort((a, b) => b.score - a.score);
    assert.deepEqual(top.Items, guild1);
  });
});
