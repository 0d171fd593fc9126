// dynamodb-toolbox (the v1 API: Table, Entity with an item schema, commands built with .build())
// through its documented index usage: a Table declaring a global index, a local index and a
// global index with multi-attribute keys (which AWS allows since November 2025), an Entity
// writing to it, and QueryCommand / ScanCommand on those indexes.
import assert from 'node:assert/strict';
import {after, before, describe} from 'node:test';

import {CreateTableCommand, DynamoDBClient} from '@aws-sdk/client-dynamodb';
import {DynamoDBDocumentClient} from '@aws-sdk/lib-dynamodb';
import {
  DeleteItemCommand,
  Entity,
  item,
  number,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  string,
  Table,
  UpdateItemCommand,
} from 'dynamodb-toolbox';

import {
  HOOK_TIMEOUT_MS,
  SUITE_TIMEOUT_MS,
  test,
  TidelineServer,
  uniqueName,
  waitForTableAndIndexes,
} from '../harness.mjs';

// dynamodb-toolbox does not create tables: this is the table its Table definition describes.
function pokeTableInput(name, {multiAttribute = false} = {}) {
  const input = {
    TableName: name,
    KeySchema: [{AttributeName: 'PK', KeyType: 'HASH'}, {AttributeName: 'SK', KeyType: 'RANGE'}],
    AttributeDefinitions: [
      {AttributeName: 'PK', AttributeType: 'S'},
      {AttributeName: 'SK', AttributeType: 'S'},
      {AttributeName: 'pokeType', AttributeType: 'S'},
      {AttributeName: 'level', AttributeType: 'N'},
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'byType',
        KeySchema: [
          {AttributeName: 'pokeType', KeyType: 'HASH'},
          {AttributeName: 'level', KeyType: 'RANGE'},
        ],
        Projection: {ProjectionType: 'ALL'},
      },
    ],
    LocalSecondaryIndexes: [{
      IndexName: 'byLevel',
      KeySchema: [{AttributeName: 'PK', KeyType: 'HASH'}, {AttributeName: 'level', KeyType: 'RANGE'}],
      Projection: {ProjectionType: 'ALL'},
    }],
    BillingMode: 'PAY_PER_REQUEST',
  };
  if (!multiAttribute) return input;
  // The multi-attribute index lives on a table of its own: a server without them still runs the
  // other tests. Every AttributeDefinitions entry must be used by a key schema.
  input.AttributeDefinitions.push(
      {AttributeName: 'region', AttributeType: 'S'},
      {AttributeName: 'generation', AttributeType: 'N'});
  input.GlobalSecondaryIndexes = [{
    IndexName: 'byRegionGeneration',
    KeySchema: [
      {AttributeName: 'region', KeyType: 'HASH'},
      {AttributeName: 'generation', KeyType: 'HASH'},
      {AttributeName: 'pokeType', KeyType: 'RANGE'},
      {AttributeName: 'level', KeyType: 'RANGE'},
    ],
    Projection: {ProjectionType: 'ALL'},
  }];
  return input;
}

function pokeTable(name, documentClient, {multiAttribute = false} = {}) {
  const table = new Table({
    name,
    documentClient,
    partitionKey: {name: 'PK', type: 'string'},
    sortKey: {name: 'SK', type: 'string'},
    indexes: multiAttribute ? {
      byRegionGeneration: {
        type: 'global',
        partitionKeys: [{name: 'region', type: 'string'}, {name: 'generation', type: 'number'}],
        sortKeys: [{name: 'pokeType', type: 'string'}, {name: 'level', type: 'number'}],
      },
    } : {
      byType: {
        type: 'global',
        partitionKey: {name: 'pokeType', type: 'string'},
        sortKey: {name: 'level', type: 'number'},
      },
      byLevel: {type: 'local', sortKey: {name: 'level', type: 'number'}},
    },
  });
  // A trainer's pokemons share a partition: PK = trainer, SK = pokemon.
  const pokemon = new Entity({
    name: 'POKEMON',
    table,
    // No created/modified attributes: the tests compare whole items.
    timestamps: false,
    schema: item({
      trainerId: string().key(),
      pokemonId: string().key(),
      name: string(),
      pokeType: string(),
      level: number(),
      region: string().optional(),
      generation: number().optional(),
    }),
    computeKey: ({trainerId, pokemonId}) => ({PK: `TRAINER#${trainerId}`, SK: `POKEMON#${pokemonId}`}),
  });
  return {table, pokemon};
}

const POKEMONS = [
  {trainerId: 'ash', pokemonId: 'p1', name: 'pikachu', pokeType: 'electric', level: 42, region: 'kanto', generation: 1},
  {trainerId: 'ash', pokemonId: 'p2', name: 'charizard', pokeType: 'fire', level: 76, region: 'kanto', generation: 1},
  {trainerId: 'ash', pokemonId: 'p3', name: 'squirtle', pokeType: 'water', level: 9, region: 'kanto', generation: 1},
  {trainerId: 'ash', pokemonId: 'p4', name: 'greninja', pokeType: 'water', level: 64, region: 'kalos', generation: 6},
  {trainerId: 'misty', pokemonId: 'p5', name: 'starmie', pokeType: 'water', level: 38, region: 'kanto', generation: 1},
  {trainerId: 'misty', pokemonId: 'p6', name: 'psyduck', pokeType: 'water', level: 100, region: 'kanto', generation: 1},
  {trainerId: 'brock', pokemonId: 'p7', name: 'vulpix', pokeType: 'fire', level: 12},
  {trainerId: 'brock', pokemonId: 'p8', name: 'onix', pokeType: 'rock', level: 30, region: 'kanto', generation: 1},
];
const names = (items) => items.map((p) => p.name);
const by = (f) => (a, b) => (f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0);

// Starts a server for one suite, creates the table and loads POKEMONS through the entity.
// Returns the suite's context, filled in by its before hook.
function pokeSuite(options) {
  const ctx = {server: new TidelineServer()};
  before(async () => {
    await ctx.server.start();
    ctx.client = new DynamoDBClient(ctx.server.clientConfig);
    const name = uniqueName('poke');
    await ctx.client.send(new CreateTableCommand(pokeTableInput(name, options)));
    await waitForTableAndIndexes(ctx.client, name);
    Object.assign(ctx, pokeTable(name, DynamoDBDocumentClient.from(ctx.client), options));
    for (const p of POKEMONS) await ctx.pokemon.build(PutItemCommand).item(p).send();
  }, {timeout: HOOK_TIMEOUT_MS});
  after(async () => {
    ctx.client?.destroy();
    await ctx.server.stop();
  }, {timeout: HOOK_TIMEOUT_MS});
  // Every page of a query, formatted by the entity.
  ctx.queryAll = (query, extra = {}) => ctx.table.build(QueryCommand).entities(ctx.pokemon).query(query)
                                            .options({maxPages: Infinity, ...extra}).send();
  return ctx;
}

describe('dynamodb-toolbox Table, Entity and QueryCommand on indexes', {timeout: SUITE_TIMEOUT_MS}, () => {
  const ctx = pokeSuite();
  const queryAll = (...args) => ctx.queryAll(...args);

  test('a global index query returns one type in level order, formatted by the entity', async () => {
    const {Items} = await queryAll({index: 'byType', partition: 'water'});
    const water = POKEMONS.filter((p) => p.pokeType === 'water').sort(by((p) => p.level));
    assert.deepEqual(Items, water);
    const {Items: strong} = await queryAll({index: 'byType', partition: 'water', range: {gte: 38}},
        {reverse: true});
    assert.deepEqual(names(strong), ['psyduck', 'greninja', 'starmie']);
    const {Items: mid} = await queryAll({index: 'byType', partition: 'fire', range: {between: [10, 50]}});
    assert.deepEqual(names(mid), ['vulpix']);
  });

  test('limit with exclusiveStartKey pages a global index without loss', async () => {
    const seen = [];
    let exclusiveStartKey;
    let pages = 0;
    do {
      const res = await ctx.table.build(QueryCommand).entities(ctx.pokemon)
                      .query({index: 'byType', partition: 'water'})
                      .options({limit: 1, exclusiveStartKey}).send();
      assert.ok(res.Items.length <= 1);
      seen.push(...res.Items);
      exclusiveStartKey = res.LastEvaluatedKey;
      if (exclusiveStartKey) {
        assert.deepEqual(Object.keys(exclusiveStartKey).sort(), ['PK', 'SK', 'level', 'pokeType']);
      }
      pages += 1;
    } while (exclusiveStartKey && pages < 10);
    assert.deepEqual(names(seen), ['squirtle', 'starmie', 'greninja', 'psyduck']);
  });

  test('a local index orders one trainer\'s pokemons by level', async () => {
    const {Items} = await queryAll({index: 'byLevel', partition: 'TRAINER#ash', range: {lt: 70}});
    assert.deepEqual(names(Items), ['squirtle', 'pikachu', 'greninja']);
    const {Items: consistent} = await queryAll({index: 'byLevel', partition: 'TRAINER#misty'},
        {consistent: true, reverse: true});
    assert.deepEqual(names(consistent), ['psyduck', 'starmie']);
  });

  test('updates and deletes through the entity keep the indexes exact', async () => {
    await ctx.pokemon.build(UpdateItemCommand).item({trainerId: 'brock', pokemonId: 'p7', pokeType: 'ice', level: 20}).send();
    const {Items: fire} = await queryAll({index: 'byType', partition: 'fire'});
    assert.deepEqual(names(fire), ['charizard']);
    const {Items: ice} = await queryAll({index: 'byType', partition: 'ice'});
    assert.deepEqual(ice, [{...POKEMONS[6], pokeType: 'ice', level: 20}]);
    await ctx.pokemon.build(DeleteItemCommand).key({trainerId: 'misty', pokemonId: 'p6'}).send();
    const {Items: water} = await queryAll({index: 'byType', partition: 'water'});
    assert.deepEqual(names(water), ['squirtle', 'starmie', 'greninja']);
    const {Items: misty} = await queryAll({index: 'byLevel', partition: 'TRAINER#misty'});
    assert.deepEqual(names(misty), ['starmie']);
  });
});

describe('dynamodb-toolbox on a GSI with multi-attribute keys', {timeout: SUITE_TIMEOUT_MS}, () => {
  const ctx = pokeSuite({multiAttribute: true});
  const queryAll = (...args) => ctx.queryAll(...args);

  test('a global index with two partition and two sort key attributes', async () => {
    // Every partition attribute with =, then a left-to-right prefix of the sort attributes.
    const {Items} = await queryAll({index: 'byRegionGeneration', partition: ['kanto', 1]});
    const kanto1 = POKEMONS.filter((p) => p.region === 'kanto' && p.generation === 1)
                       .sort(by((p) => [p.pokeType, String(p.level).padStart(3, '0')].join('#')));
    assert.deepEqual(names(Items), names(kanto1));
    const {Items: water} = await queryAll(
        {index: 'byRegionGeneration', partition: ['kanto', 1], range: ['water', {gt: 10}]});
    assert.deepEqual(names(water), ['starmie', 'psyduck']);
    const {Items: none} = await queryAll({index: 'byRegionGeneration', partition: ['kanto', 6]});
    assert.deepEqual(none, []);
  });

  test('a scan of the multi-attribute index skips items lacking any of its key attributes', async () => {
    const {Items} = await ctx.table.build(ScanCommand).entities(ctx.pokemon)
                        .options({index: 'byRegionGeneration', maxPages: Infinity}).send();
    assert.deepEqual(names(Items).sort(), names(POKEMONS.filter((p) => p.region)).sort());
  });
});
