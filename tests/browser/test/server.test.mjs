// The Server page against a real server: its version, data directory and export destination,
// and per operation the requests it served (counted exactly: the test makes them), their errors,
// rates and latencies; refreshed while shown; opening it only reads.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {after, before, test} from 'node:test';

import {BIN, TidelineServer, api, launchBrowser, screenshot, unlabelledControls,
        visit} from '../harness.mjs';

let server;
let browser;
let page;
const TABLE = 'console_server_load';

before(async () => {
  server = await new TidelineServer().start();
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (e) => { throw e; });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function load(puts, gets, failedGets) {
  for (let i = 0; i < puts; i++) {
    await api(server, 'PutItem', {TableName: TABLE, Item: {k: {S: `k${i}`}, v: {N: String(i)}}});
  }
  for (let i = 0; i < gets; i++) await api(server, 'GetItem', {TableName: TABLE, Key: {k: {S: 'k0'}}});
  for (let i = 0; i < failedGets; i++) {
    await assert.rejects(api(server, 'GetItem', {TableName: 'no_such_table', Key: {k: {S: 'x'}}}));
  }
}

// The cells of an operation's row, by column header.
async function operationRow(operation) {
  const headers = await page.locator('#server-operations thead th').allInnerTexts();
  const cells = await page.locator(`#server-operations tr[data-operation="${operation}"]`)
                          .locator('th, td').allInnerTexts();
  return Object.fromEntries(headers.map((h, i) => [h, cells[i]]));
}

test('the server\'s figures and its requests per operation, only read', async () => {
  await api(server, 'CreateTable', {TableName: TABLE, BillingMode: 'PAY_PER_REQUEST',
                                    KeySchema: [{AttributeName: 'k', KeyType: 'HASH'}],
                                    AttributeDefinitions: [{AttributeName: 'k', AttributeType: 'S'}]});
  await load(30, 10, 2);
  const targets = [];
  const record = (request) => {
    const target = request.headers()['x-amz-target'];
    if (target) targets.push(target);
  };
  page.on('request', record);
  await visit(page, server.url + '#/server');
  const info = Object.fromEntries(await page.locator('#server-info tr').evaluateAll((trs) => trs.map(
      (tr) => [tr.querySelector('th').textContent, tr.querySelector('td').textContent])));
  const version = execFileSync(BIN, ['--version']).toString().trim().replace(/^tideline /, '');
  assert.equal(info.Version, version);
  const dataDir = fs.realpathSync(path.join(server.tmp, 'data'));
  assert.equal(fs.realpathSync(info['Data directory']), dataDir);
  assert.equal(info['Export destination'], `local directory ${path.join(info['Data directory'], 's3')}`);
  assert.match(info.Uptime, /^(\d+ (d|h|min|s) ?)+ \(since \d{4}-\d\d-\d\dT/);
  assert.match(info.Tables, /^1 table\(s\), 30 item\(s\), /);
  assert.match(info['Data directory on disk'], /^[\d.]+ (KB|MB|GB)$/);

  const puts = await operationRow('PutItem');
  assert.equal(puts.Requests, '30');
  assert.equal(puts['Client errors (4xx)'], '0');
  assert.match(puts['Mean latency'], /^[\d.]+ (µs|ms)$/);
  assert.match(puts.p50, /^≤ [\d.]+ (µs|ms)$/);
  assert.match(puts.p99, /^≤ [\d.]+ (µs|ms|s)$/);
  const gets = await operationRow('GetItem');
  assert.equal(gets.Requests, '12');
  assert.equal(gets['Client errors (4xx)'], '2');
  assert.equal(gets['Server errors (5xx)'], '0');
  assert.deepEqual(await unlabelledControls(page), []);
  await screenshot(page, 'server');

  // More requests: the next refresh counts them and shows a rate over its interval.
  const snapshots = Number(await page.locator('#server-area').getAttribute('data-snapshots'));
  await load(20, 0, 0);
  await page.waitForFunction((n) => Number(document.querySelector('#server-area').dataset.snapshots) > n,
                             snapshots, {timeout: 10000});
  const later = await operationRow('PutItem');
  assert.equal(later.Requests, '50');
  assert.ok(Number(later['Requests/s (last interval)']) > 0, later['Requests/s (last interval)']);
  page.off('request', record);
  assert.ok(targets.length >= 2);
  assert.deepEqual(targets.filter((t) => t !== 'TidelineConsole_20261203.DescribeServer'), []);
});
