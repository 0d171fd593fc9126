// Makes docs/images/console-tables.png, the README's picture of the console's Tables page: a
// real server with a few tables (an index, point-in-time recovery, a stream, time to live, some
// items), drawn by headless Chromium. Run it after a change that alters the page and commit the
// image:
//   cd tests/browser && TIDELINE_BIN=$PWD/../../build/tideline npm run readme-screenshot
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {TidelineServer, api, launchBrowser, visit} from './harness.mjs';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs',
                         'images', 'console-tables.png');

const key = (name, type, keyType) => ({name, type, keyType});

async function createTable(server, name, keys, extra = {}) {
  await api(server, 'CreateTable', {
    TableName: name, BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keys.filter((k) => k.keyType).map((k) => ({AttributeName: k.name, KeyType: k.keyType})),
    AttributeDefinitions: keys.map((k) => ({AttributeName: k.name, AttributeType: k.type})),
    ...extra});
}

async function putAll(server, table, items) {
  for (let i = 0; i < items.length; i += 25) {
    await api(server, 'BatchWriteItem', {RequestItems: {[table]: items.slice(i, i + 25).map(
        (Item) => ({PutRequest: {Item}}))}});
  }
}

const server = await new TidelineServer().start();
const browser = await launchBrowser();
try {
  await createTable(server, 'orders', [key('customer', 'S', 'HASH'), key('order_id', 'N', 'RANGE'),
                                       key('status', 'S')], {
    GlobalSecondaryIndexes: [{IndexName: 'by_status', Projection: {ProjectionType: 'ALL'},
                              KeySchema: [{AttributeName: 'status', KeyType: 'HASH'},
                                          {AttributeName: 'order_id', KeyType: 'RANGE'}]}],
    StreamSpecification: {StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES'}});
  await api(server, 'UpdateContinuousBackups', {TableName: 'orders',
    PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}});
  const statuses = ['open', 'shipped', 'delivered'];
  await putAll(server, 'orders', Array.from({length: 240}, (_, i) => ({
    customer: {S: `customer-${i % 40}`}, order_id: {N: String(1000 + i)},
    status: {S: statuses[i % 3]}, total: {N: (19.99 + i).toFixed(2)}})));

  await createTable(server, 'sessions', [key('session_id', 'S', 'HASH')]);
  await api(server, 'UpdateTimeToLive', {TableName: 'sessions',
    TimeToLiveSpecification: {Enabled: true, AttributeName: 'expires_at'}});
  const later = Math.floor(Date.now() / 1000) + 3600;
  await putAll(server, 'sessions', Array.from({length: 60}, (_, i) => ({
    session_id: {S: `s-${i}`}, user: {S: `user-${i % 12}`}, expires_at: {N: String(later)}})));

  await createTable(server, 'events', [key('device', 'S', 'HASH'), key('at', 'N', 'RANGE'),
                                       key('kind', 'S')], {
    LocalSecondaryIndexes: [{IndexName: 'by_kind', Projection: {ProjectionType: 'KEYS_ONLY'},
                             KeySchema: [{AttributeName: 'device', KeyType: 'HASH'},
                                         {AttributeName: 'kind', KeyType: 'RANGE'}]}]});
  await putAll(server, 'events', Array.from({length: 500}, (_, i) => ({
    device: {S: `sensor-${i % 8}`}, at: {N: String(1764700000 + i * 60)},
    kind: {S: i % 5 ? 'reading' : 'alarm'}, value: {N: String((i * 7) % 100)}})));

  const page = await browser.newPage({viewport: {width: 1360, height: 800}});
  await visit(page, server.url + '#/tables');
  // The header and the table list, without the creation form below them.
  const bottom = await page.locator('#tables').evaluate((t) => t.getBoundingClientRect().bottom);
  fs.mkdirSync(path.dirname(OUT), {recursive: true});
  await page.screenshot({path: OUT, clip: {x: 0, y: 0, width: 1360, height: Math.ceil(bottom) + 6}});
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await server.stop();
}
