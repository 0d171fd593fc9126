// ElectroDB in its documented single-table layout: one table with generic keys (pk/sk) and two
// overloaded GSIs (gsi1pk-gsi1sk-index, gsi2pk-gsi2sk-index), several entities whose access
// patterns live on those indexes, and a Service whose collections ("workplaces" on gsi1,
// "assignments" on gsi2) read several entities with one Query.
import assert from 'node:assert/strict';
import {after, before, describe} from 'node:test';

import {CreateTableCommand, DynamoDBClient} from '@aws-sdk/client-dynamodb';
import {DynamoDBDocumentClient} from '@aws-sdk/lib-dynamodb';
import {Entity, Service} from 'electrodb';

import {
  HOOK_TIMEOUT_MS,
  SUITE_TIMEOUT_MS,
  test,
  TidelineServer,
  uniqueName,
  waitForTableAndIndexes,
} from '../harness.mjs';

// The table definition ElectroDB's examples provision.
function singleTable(name) {
  const gsi = (n) => ({
    IndexName: `gsi${n}pk-gsi${n}sk-index`,
    KeySchema: [
      {AttributeName: `gsi${n}pk`, KeyType: 'HASH'},
      {AttributeName: `gsi${n}sk`, KeyType: 'RANGE'},
    ],
    Projection: {ProjectionType: 'ALL'},
  });
  return {
    TableName: name,
    KeySchema: [{AttributeName: 'pk', KeyType: 'HASH'}, {AttributeName: 'sk', KeyType: 'RANGE'}],
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map(
        (AttributeName) => ({AttributeName, AttributeType: 'S'})),
    GlobalSecondaryIndexes: [gsi(1), gsi(2)],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

function taskApp(table, client) {
  const model = (entity) => ({entity, version: '1', service: 'taskapp'});
  const employee = new Entity({
    model: model('employee'),
    attributes: {
      employee: {type: 'string', required: true},
      firstName: {type: 'string', required: true},
      office: {type: 'string', required: true},
      team: {type: 'string', required: true},
      title: {type: 'string', required: true},
    },
    indexes: {
      employee: {pk: {field: 'pk', composite: ['employee']}, sk: {field: 'sk', composite: []}},
      coworkers: {
        index: 'gsi1pk-gsi1sk-index',
        collection: 'workplaces',
        pk: {field: 'gsi1pk', composite: ['office']},
        sk: {field: 'gsi1sk', composite: ['team', 'title', 'employee']},
      },
      assignments: {
        index: 'gsi2pk-gsi2sk-index',
        collection: 'assignments',
        pk: {field: 'gsi2pk', composite: ['employee']},
        sk: {field: 'gsi2sk', composite: []},
      },
    },
  }, {table, client});
  const office = new Entity({
    model: model('office'),
    attributes: {
      office: {type: 'string', required: true},
      country: {type: 'string', required: true},
      city: {type: 'string', required: true},
    },
    indexes: {
      locations: {pk: {field: 'pk', composite: ['country']}, sk: {field: 'sk', composite: ['city', 'office']}},
      office: {
        index: 'gsi1pk-gsi1sk-index',
        collection: 'workplaces',
        pk: {field: 'gsi1pk', composite: ['office']},
        sk: {field: 'gsi1sk', composite: []},
      },
    },
  }, {table, client});
  const task = new Entity({
    model: model('task'),
    attributes: {
      task: {type: 'string', required: true},
      project: {type: 'string', required: true},
      employee: {type: 'string', required: true},
      status: {type: ['open', 'in-progress', 'closed'], default: 'open'},
      points: {type: 'number', required: true},
    },
    indexes: {
      task: {pk: {field: 'pk', composite: ['task']}, sk: {field: 'sk', composite: ['project']}},
      assigned: {
        index: 'gsi2pk-gsi2sk-index',
        collection: 'assignments',
        pk: {field: 'gsi2pk', composite: ['employee']},
        sk: {field: 'gsi2sk', composite: ['project', 'status']},
      },
    },
  }, {table, client});
  return new Service({employee, office, task}, {table, client});
}

const EMPLOYEES = [
  {employee: 'e1', firstName: 'Ada', office: 'zoo', team: 'development', title: 'engineer'},
  {employee: 'e2', firstName: 'Grace', office: 'zoo', team: 'development', title: 'architect'},
  {employee: 'e3', firstName: 'Linus', office: 'zoo', team: 'marketing', title: 'writer'},
  {employee: 'e4', firstName: 'Barbara', office: 'zoo', team: 'finance', title: 'analyst'},
  {employee: 'e5', firstName: 'Ken', office: 'zoo', team: 'development', title: 'engineer'},
  {employee: 'e6', firstName: 'Dennis', office: 'harbor', team: 'development', title: 'engineer'},
];
const OFFICES = [
  {office: 'zoo', country: 'us', city: 'portland'},
  {office: 'harbor', country: 'us', city: 'seattle'},
];
const TASKS = [
  {task: 't1', project: 'compiler', employee: 'e1', status: 'open', points: 3},
  {task: 't2', project: 'apollo', employee: 'e1', status: 'closed', points: 8},
  {task: 't3', project: 'compiler', employee: 'e2', status: 'in-progress', points: 5},
  {task: 't4', project: 'billing', employee: 'e1', status: 'in-progress', points: 1},
];

// The order ElectroDB's gsi1 sort key (team, title, employee) gives the coworkers of an office.
const coworkerOrder = (a, b) =>
  [a.team, a.title, a.employee].join('#').localeCompare([b.team, b.title, b.employee].join('#'));
const ids = (items, attr) => items.map((i) => i[attr]);

describe('ElectroDB single-table design on two GSIs', {timeout: SUITE_TIMEOUT_MS}, () => {
  const server = new TidelineServer();
  let client;
  let app;

  before(async () => {
    await server.start();
    client = new DynamoDBClient(server.clientConfig);
    const table = uniqueName('taskapp');
    await client.send(new CreateTableCommand(singleTable(table)));
    await waitForTableAndIndexes(client, table);
    app = taskApp(table, DynamoDBDocumentClient.from(client));
    await app.entities.employee.put(EMPLOYEES).go();
    await app.entities.office.put(OFFICES).go();
    await app.entities.task.put(TASKS).go();
  }, {timeout: HOOK_TIMEOUT_MS});

  after(async () => {
    client?.destroy();
    await server.stop();
  }, {timeout: HOOK_TIMEOUT_MS});

  test('an entity query on gsi1 returns the office\'s employees in sort-key order', async () => {
    const {data, cursor} = await app.entities.employee.query.coworkers({office: 'zoo'}).go();
    const expected = EMPLOYEES.filter((e) => e.office === 'zoo').sort(coworkerOrder);
    assert.deepEqual(data, expected);
    assert.equal(cursor, null);
  });

  test('partial sort-key composites and range operators narrow a GSI query', async () => {
    const dev = await app.entities.employee.query.coworkers({office: 'zoo', team: 'development'}).go();
    assert.deepEqual(ids(dev.data, 'employee'), ['e2', 'e1', 'e5']);
    const engineers = await app.entities.employee.query
                          .coworkers({office: 'zoo', team: 'development', title: 'engineer'}).go();
    assert.deepEqual(ids(engineers.data, 'employee'), ['e1', 'e5']);
    const fromMarketing = await app.entities.employee.query.coworkers({office: 'zoo'})
                              .gte({team: 'marketing'}).go();
    assert.deepEqual(ids(fromMarketing.data, 'employee'), ['e3']);
    const backwards = await app.entities.employee.query.coworkers({office: 'zoo'}).go({order: 'desc'});
    assert.deepEqual(ids(backwards.data, 'employee'), ['e3', 'e4', 'e5', 'e1', 'e2']);
  });

  test('the "workplaces" collection reads employees and the office with one gsi1 query', async () => {
    const {data} = await app.collections.workplaces({office: 'zoo'}).go();
    assert.deepEqual(data.office, [OFFICES[0]]);
    assert.deepEqual(data.employee, EMPLOYEES.filter((e) => e.office === 'zoo').sort(coworkerOrder));
  });

  test('the "assignments" collection reads an employee and their tasks through gsi2', async () => {
    const {data} = await app.collections.assignments({employee: 'e1'}).go();
    assert.deepEqual(data.employee, [EMPLOYEES[0]]);
    // Sorted by the gsi2 sort key: project, then status.
    assert.deepEqual(ids(data.task, 'task'), ['t2', 't4', 't1']);
    const tasks = await app.entities.task.query.assigned({employee: 'e1', project: 'compiler'}).go();
    assert.deepEqual(tasks.data, [TASKS[0]]);
  });

  test('cursor paging through a GSI query returns every item once, in order', async () => {
    const seen = [];
    let cursor = null;
    let pages = 0;
    do {
      const page = await app.entities.employee.query.coworkers({office: 'zoo'}).go({limit: 2, cursor});
      assert.ok(page.data.length <= 2);
      seen.push(...page.data);
      cursor = page.cursor;
      pages += 1;
    } while (cursor && pages < 10);
    assert.deepEqual(ids(seen, 'employee'), ['e2', 'e1', 'e5', 'e4', 'e3']);
    assert.ok(pages >= 3);
  });

  test('changing an index composite moves the item between collections', async () => {
    await app.entities.employee.patch({employee: 'e4'}).set({office: 'harbor'}).go();
    const harbor = await app.collections.workplaces({office: 'harbor'}).go();
    assert.deepEqual(ids(harbor.data.employee, 'employee').sort(), ['e4', 'e6']);
    const zoo = await app.entities.employee.query.coworkers({office: 'zoo'}).go();
    assert.ok(!ids(zoo.data, 'employee').includes('e4'));
    await app.entities.task.delete({task: 't4', project: 'billing'}).go();
    const {data} = await app.collections.assignments({employee: 'e1'}).go();
    assert.deepEqual(ids(data.task, 'task'), ['t2', 't1']);
  });
});
