// The console's pages in headless Chromium against the real server: create a table with an
// index, add, edit and delete an item (and see the server's own validation error), query the
// index, enable point-in-time recovery, delete the table; accessibility basics on every page.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';

import {TidelineServer, answerConfirm, api, errorText, launchBrowser, ready, screenshot, visit} from '../harness.mjs';

let server;
let browser;
let page;
const TABLE = 'console_orders';

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

// Every form control has an accessible name from a <label> (or aria-label).
async function assertEveryControlIsLabelled() {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
        .filter((c) => c.type !== 'hidden' && c.labels.length === 0 && !c.getAttribute('aria-label'))
        .map((c) => c.outerHTML));
  assert.deepEqual(unlabelled, []);
}

// Pressing Tab from the top of the page reaches the element (keyboard navigation).
async function assertTabReaches(selector, maxTabs = 80) {
  await page.locator('body').focus();
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  assert.fail(`Tab did not reach ${selector} in ${maxTabs} presses`);
}

async function confirmDialog(answer) {
  await page.locator('#confirm-dialog[open]').waitFor();
  await page.locator(answer === 'ok' ? '#confirm-ok' : '#confirm-cancel').click();
}

test('GET / from a browser is the console; the health check is unchanged', async () => {
  // The start-up log names the address to open (scripts/serve.sh shows it).
  assert.match(server.logText(), new RegExp(`web console: http://127\\.0\\.0\\.1:${server.port}/\n`));
  const health = await fetch(server.url);
  assert.equal(await health.text(), `healthy: 127.0.0.1:${server.port} `);
  await visit(page, server.url);
  assert.equal(await page.title(), 'Tideline console');
  assert.match(await page.locator('main').innerText(), /No tables yet/);
});

test('Tables: create a table with a global secondary index', async () => {
  await visit(page, server.url + '#/tables');
  // Capacity units only for provisioned billing.
  assert.equal(await page.getByLabel('Read capacity units').isVisible(), false);
  await page.getByLabel('Billing mode').selectOption('PROVISIONED');
  assert.equal(await page.getByLabel('Read capacity units').isVisible(), true);
  await page.getByLabel('Billing mode').selectOption('PAY_PER_REQUEST');
  await page.getByLabel('Table name').fill(TABLE);
  await page.getByLabel('Partition key name').fill('customer');
  await page.getByLabel('Sort key (optional) name').fill('order_id');
  await page.getByLabel('Sort key (optional) type').selectOption('N');
  await page.getByRole('button', {name: 'Add global secondary index'}).click();
  await page.getByLabel('Index name').fill('by_status');
  await page.getByLabel('Index partition key name').fill('status');
  await page.getByLabel('Index sort key name').fill('order_id');
  await page.getByLabel('Index sort key type').selectOption('N');
  await assertEveryControlIsLabelled();
  await assertTabReaches('#create-table button[type=submit]');
  await page.getByRole('button', {name: 'Create table'}).click();
  const row = page.locator('#tables tbody tr', {hasText: TABLE});
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /customer \(S, partition\), order_id \(N, sort\)/);
  assert.match(text, /GSI by_status: status \(S, partition\), order_id \(N, sort\)/);
  assert.match(text, /PAY_PER_REQUEST/);
  assert.match(text, /disabled/);  // PITR
  await screenshot(page, 'tables');
});

test('Tables: a CreateTable the server refuses shows its error as it is', async () => {
  await page.getByLabel('Table name').fill('x');  // shorter than 3 characters
  await page.getByLabel('Partition key name').fill('k');
  await page.getByRole('button', {name: 'Create table'}).click();
  await page.locator('#error').waitFor();
  assert.match(await errorText(page), /^ValidationException: .*'tableName' failed to satisfy constraint/);
});

test('Tables: the stream and time to live turned on from the console, as DescribeTable and DescribeTimeToLive then say', async () => {
  const row = () => page.locator('#tables tbody tr')
                        .filter({has: page.locator('th', {hasText: new RegExp(`^${TABLE}$`)})});
  const cells = async () => {
    const headers = await page.locator('#tables thead th').allInnerTexts();
    const values = await row().locator('th, td').allInnerTexts();
    return Object.fromEntries(headers.map((h, i) => [h, values[i]]));
  };
  await visit(page, server.url + '#/tables');
  assert.equal((await cells())['Stream'], 'disabled');
  assert.equal((await cells())['Time to live'], 'disabled');
  await page.locator('#settings-table').selectOption(TABLE);
  await page.locator('#stream-view-type').selectOption('NEW_AND_OLD_IMAGES');
  await page.getByRole('button', {name: 'Turn stream on'}).click();
  await row().locator('td', {hasText: 'enabled: NEW_AND_OLD_IMAGES'}).waitFor();
  await page.locator('#settings-table').selectOption(TABLE);
  await page.getByLabel('Time-to-live attribute').fill('expires_at');
  await page.getByRole('button', {name: 'Turn time to live on'}).click();
  await row().locator('td', {hasText: 'enabled: attribute expires_at'}).waitFor();
  // What the server now says, shown in the row.
  const {Table} = await api(server, 'DescribeTable', {TableName: TABLE});
  assert.deepEqual(Table.StreamSpecification, {StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES'});
  const {TimeToLiveDescription} = await api(server, 'DescribeTimeToLive', {TableName: TABLE});
  assert.deepEqual(TimeToLiveDescription, {TimeToLiveStatus: 'ENABLED', AttributeName: 'expires_at'});
  await page.reload();
  await ready(page);
  const shown = await cells();
  assert.equal(shown['Stream'], `enabled: NEW_AND_OLD_IMAGES\nlabel ${Table.LatestStreamLabel}`);
  assert.equal(shown['Time to live'], 'enabled: attribute expires_at');
  assert.equal(await errorText(page), '');
  await screenshot(page, 'tables-stream-ttl');
  // A second change within the hour: the server's refusal, shown as it is; nothing changes.
  await page.locator('#settings-table').selectOption(TABLE);
  await page.getByRole('button', {name: 'Turn time to live off'}).click();
  await answerConfirm(page, 'ok');
  await page.locator('#error', {hasText: 'Time to live has been modified multiple times'}).waitFor();
  assert.equal((await api(server, 'DescribeTimeToLive', {TableName: TABLE}))
                   .TimeToLiveDescription.TimeToLiveStatus, 'ENABLED');
});

test('Items: add, edit and delete an item; a bad item gets the server\'s error', async () => {
  await visit(page, server.url + `#/items/${TABLE}`);
  await assertEveryControlIsLabelled();
  await assertTabReaches('#items-run');
  await assertTabReaches('#item-add');
  for (const [customer, id, status] of [['alice', '1', 'open'], ['alice', '2', 'shipped'],
                                        ['bob', '3', 'open']]) {
    await page.locator('#item-add').click();
    await page.getByLabel('Item as DynamoDB JSON').fill(JSON.stringify(
        {customer: {S: customer}, order_id: {N: id}, status: {S: status}}));
    await page.locator('#item-save').click();
    await page.getByRole('status').filter({hasText: 'Item saved.'}).waitFor();
  }
  await page.locator('#items-table-results tbody tr').nth(2).waitFor();
  assert.equal(await page.locator('#items-table-results tbody tr').count(), 3);

  // The server's validation error, verbatim: a key of the wrong type.
  await page.locator('#item-add').click();
  await page.getByLabel('Item as DynamoDB JSON').fill('{"customer": {"S": "carol"}, "order_id": {"S": "x"}}');
  await page.locator('#item-save').click();
  await page.locator('#error').waitFor();
  assert.match(await errorText(page),
               /^ValidationException: One or more parameter values were invalid: Type mismatch/);

  // Edit alice/2.
  await page.getByRole('button', {name: 'Edit item alice / 2'}).click();
  const editor = page.getByLabel('Item as DynamoDB JSON');
  const item = JSON.parse(await editor.inputValue());
  assert.deepEqual(item, {customer: {S: 'alice'}, order_id: {N: '2'}, status: {S: 'shipped'}});
  item.status = {S: 'delivered'};
  await editor.fill(JSON.stringify(item));
  await page.locator('#item-save').click();
  await page.locator('#items-table-results tbody tr', {hasText: 'delivered'}).waitFor();
  assert.doesNotMatch(await page.locator('#items-results').innerText(), /null/);
  await screenshot(page, 'items');

  // Delete bob/3: cancelling keeps it, confirming removes it.
  await page.getByRole('button', {name: 'Delete item bob / 3'}).click();
  await confirmDialog('cancel');
  assert.equal(await page.locator('#items-table-results tbody tr').count(), 3);
  await page.getByRole('button', {name: 'Delete item bob / 3'}).click();
  await confirmDialog('ok');
  await page.locator('#items-table-results tbody tr', {hasText: 'bob'}).waitFor({state: 'detached'});
  assert.equal(await page.locator('#items-table-results tbody tr').count(), 2);
});

test('Items: query the index, both directions, and page through', async () => {
  await page.getByRole('button', {name: 'Add item'}).click();
  await page.getByLabel('Item as DynamoDB JSON').fill(
      '{"customer": {"S": "bob"}, "order_id": {"N": "4"}, "status": {"S": "open"}}');
  await page.locator('#item-save').click();
  await page.getByRole('status').filter({hasText: 'Item saved.'}).waitFor();

  await page.locator('#items-index').selectOption('by_status');
  await page.locator('#items-mode').selectOption('Query');
  await page.locator('#items-partition-value').fill('open');
  await page.locator('#items-direction').selectOption('false');
  await page.locator('#items-run').click();
  const rows = page.locator('#items-table-results tbody tr');
  await page.locator('#items-results', {hasText: 'Page 1: 2 item(s).'}).waitFor();
  assert.deepEqual(await rows.locator('td:nth-child(2)').allInnerTexts(), ['4', '1']);

  // A sort key condition, ascending, one item a page.
  await page.locator('#items-direction').selectOption('true');
  await page.locator('#items-sort-op').selectOption('>=');
  await page.locator('#items-sort-value').fill('1');
  await page.locator('#items-page-size').fill('1');
  await page.locator('#items-run').click();
  await page.locator('#items-results', {hasText: 'Page 1: 1 item(s); more follow.'}).waitFor();
  assert.deepEqual(await rows.locator('td:nth-child(2)').allInnerTexts(), ['1']);
  await page.locator('#items-next').click();
  await page.locator('#items-results', {hasText: 'Page 2: 1 item(s)'}).waitFor();
  assert.deepEqual(await rows.locator('td:nth-child(2)').allInnerTexts(), ['4']);
});

test('Items: edit as plain JSON keeps exact numbers, sets and binary', async () => {
  const BIG = '123456789012345678901234567890.5';  // more digits than a double holds
  await api(server, 'PutItem', {TableName: TABLE, Item: {
    customer: {S: 'carol'}, order_id: {N: '5'}, status: {S: 'open'}, big: {N: BIG},
    tags: {SS: ['a', 'b']}, blob: {B: 'AAEC'}, flag: {BOOL: true}, none: {NULL: true},
    nested: {M: {l: {L: [{N: '1'}, {S: 'x'}, {NS: ['1', '2']}]}}}}});
  await page.goto('about:blank');  // a fresh page: the same hash would not draw it again
  await visit(page, server.url + `#/items/${TABLE}`);
  await page.getByRole('button', {name: 'Edit item carol / 5'}).click();
  await page.getByRole('radio', {name: 'plain JSON'}).check();
  const editor = page.getByLabel('Item as plain JSON');
  let text = await editor.inputValue();
  // The number's every digit, unquoted; sets as arrays, binary as base64.
  assert.ok(text.includes(`"big": ${BIG},\n`), text);
  assert.match(text, /"tags": \[\s*"a",\s*"b"\s*\]/);
  assert.match(text, /"blob": "AAEC"/);
  assert.match(text, /"none": null/);
  assert.match(await page.locator('#plain-json-rules').innerText(), /sets show as arrays/);
  await assertEveryControlIsLabelled();
  await screenshot(page, 'items-plain-json');

  text = text.replace('"status": "open"', '"status": "closed", "count": 42, "list": ["p", "q"]')
             .replace(/"tags": \[[^\]]*\]/, '"tags": ["a", "b", "c"]');
  await editor.fill(text);
  await page.locator('#item-save').click();
  await page.getByRole('status').filter({hasText: 'Item saved.'}).waitFor();
  const {Item: saved} = await api(server, 'GetItem',
                                  {TableName: TABLE, Key: {customer: {S: 'carol'}, order_id: {N: '5'}}});
  saved.tags.SS.sort();
  saved.nested.M.l.L[2].NS.sort();
  assert.deepEqual(saved, {
    customer: {S: 'carol'}, order_id: {N: '5'}, status: {S: 'closed'}, big: {N: BIG},
    tags: {SS: ['a', 'b', 'c']}, blob: {B: 'AAEC'}, flag: {BOOL: true}, none: {NULL: true},
    count: {N: '42'}, list: {L: [{S: 'p'}, {S: 'q'}]},
    nested: {M: {l: {L: [{N: '1'}, {S: 'x'}, {NS: ['1', '2']}]}}}});

  // The format stays chosen; back to DynamoDB JSON converts the text.
  await page.getByRole('button', {name: 'Edit item carol / 5'}).click();
  await page.getByLabel('Item as plain JSON').waitFor();
  await page.getByRole('radio', {name: 'DynamoDB JSON'}).check();
  const back = JSON.parse(await page.getByLabel('Item as DynamoDB JSON').inputValue());
  assert.deepEqual(back.big, {N: BIG});
  assert.deepEqual(back.blob, {B: 'AAEC'});

  // Plain JSON that is no item: the console says so and sends nothing.
  await page.getByRole('radio', {name: 'plain JSON'}).check();
  await page.getByLabel('Item as plain JSON').fill('[1, 2]');
  await page.locator('#item-save').click();
  assert.equal(await errorText(page), 'Not plain JSON: an item is a JSON object');
  // Keyboard: the format radios are reachable with Tab and switch with the arrow keys.
  await page.getByRole('radio', {name: 'plain JSON'}).focus();
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.getByRole('radio', {name: 'DynamoDB JSON'}).isChecked(), false);  // refused
  await page.getByLabel('Item as plain JSON').fill('{"customer": "carol", "order_id": 5}');
  await page.getByRole('radio', {name: 'plain JSON'}).focus();
  await page.keyboard.press('ArrowLeft');
  await page.getByLabel('Item as DynamoDB JSON').waitFor();
  assert.deepEqual(JSON.parse(await page.getByLabel('Item as DynamoDB JSON').inputValue()),
                   {customer: {S: 'carol'}, order_id: {N: '5'}});
});

test('Items: Scan with filter conditions and a FilterExpression, paged', async () => {
  await page.goto('about:blank');
  await visit(page, server.url + `#/items/${TABLE}`);
  const rows = page.locator('#items-table-results tbody tr');
  // status = open, one item read a page: the pages together hold exactly the open items.
  await page.getByRole('button', {name: 'Add condition'}).click();
  await page.getByLabel('Condition 1 attribute').fill('status');
  await page.getByLabel('Condition 1 operator').selectOption('=');
  await page.getByLabel('Condition 1 value').fill('open');
  await page.locator('#items-page-size').fill('1');
  await assertEveryControlIsLabelled();
  await assertTabReaches('#filter-add');
  await page.locator('#items-run').click();
  await page.locator('#items-results', {hasText: /^Page 1: \d item\(s\) of 1 read; more follow\./}).waitFor();
  const found = [];
  for (let n = 1; ; n++) {
    const summary = await page.locator('#items-results p').first().innerText();
    assert.match(summary, new RegExp(`^Page ${n}: [01] item\\(s\\) of [01] read`));
    for (let i = 0; i < await rows.count(); i++) {
      found.push((await rows.nth(i).locator('td').allInnerTexts()).slice(0, 2).join('/'));
    }
    if (!summary.includes('more follow')) break;
    await page.locator('#items-next').click();
    await page.locator('#items-results p', {hasText: `Page ${n + 1}:`}).waitFor();
  }
  assert.deepEqual(found.sort(), ['alice/1', 'bob/4']);
  await screenshot(page, 'items-filter');

  // A typed FilterExpression, ANDed with the condition.
  await page.locator('#items-page-size').fill('25');
  await page.getByLabel('FilterExpression').fill('#o > :n');
  await page.getByLabel('ExpressionAttributeNames (JSON)').fill('{"#o": "order_id"}');
  await page.getByLabel('ExpressionAttributeValues (DynamoDB JSON)').fill('{":n": {"N": "1"}}');
  await page.locator('#items-run').click();
  await page.locator('#items-results', {hasText: 'Page 1: 1 item(s) of 4 read.'}).waitFor();
  assert.deepEqual(await rows.locator('td:nth-child(2)').allInnerTexts(), ['4']);

  // The console's own placeholders are refused before anything is sent.
  await page.getByLabel('ExpressionAttributeNames (JSON)').fill('{"#console_p": "order_id"}');
  await page.locator('#items-run').click();
  assert.match(await errorText(page), /names starting console_ are the console's own/);
  // The server's own error for a value the expression does not define, as it came.
  await page.getByLabel('ExpressionAttributeNames (JSON)').fill('{"#o": "order_id"}');
  await page.getByLabel('FilterExpression').fill('#o > :missing');
  await page.locator('#items-run').click();
  await page.locator('#error').waitFor();
  assert.match(await errorText(page), /^ValidationException: .*:missing/);
});

test('Time: enable point-in-time recovery and see the window', async () => {
  await visit(page, server.url + `#/time/${TABLE}`);
  await page.getByRole('button', {name: 'Enable point-in-time recovery'}).click();
  await page.locator('#time-window').waitFor();
  assert.match(await page.locator('#time-window').innerText(),
               /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z to \d{4}-/);
  await assertEveryControlIsLabelled();
  await screenshot(page, 'time');
  // Restore the latest moment into a new table, after a confirmation.
  await page.getByLabel('New table name').fill(`${TABLE}_restored`);
  await page.getByRole('button', {name: 'Restore to a new table'}).click();
  await confirmDialog('ok');
  await page.locator('#time-result:has-text("Restoring"), #error:visible').first().waitFor();
  assert.equal(await errorText(page), '');
  assert.equal(await page.locator('#time-result').innerText(), `Restoring into ${TABLE}_restored.`);
  // Export as of the same moment, after a confirmation.
  await page.getByLabel('S3 bucket').fill('console-exports');
  await page.getByRole('button', {name: 'Export', exact: true}).click();
  await confirmDialog('ok');
  await page.locator('#time-result:has-text("Export started"), #error:visible').first().waitFor();
  assert.equal(await errorText(page), '');
  assert.match(await page.locator('#time-result').innerText(),
               new RegExp(`^Export started: arn:aws:dynamodb:[^:]+:\\d{12}:table/${TABLE}/export/`));
  await visit(page, server.url + '#/tables');
  assert.match(await page.locator('#tables tbody tr').first().innerText(), /enabled/);
  await page.locator('#tables tbody tr', {hasText: `${TABLE}_restored`}).waitFor();
});

// A datetime-local value (the browser's local time; the test and Chromium share the TZ).
function localValue(seconds) {
  const d = new Date(seconds * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:` +
         `${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

test('Time: the table as it was at a moment and an item between two moments, read-only', async () => {
  // A whole second (the picker's resolution) after every write so far, before the next ones.
  const moment = Math.ceil(Date.now() / 1000 + 0.05);
  await new Promise((resolve) => setTimeout(resolve, moment * 1000 - Date.now() + 50));
  const key = (customer, id) => ({customer: {S: customer}, order_id: {N: id}});
  await api(server, 'PutItem', {TableName: TABLE, Item: {...key('alice', '1'), status: {S: 'shipped'},
                                                         carrier: {S: 'post'}}});
  await api(server, 'DeleteItem', {TableName: TABLE, Key: key('bob', '4')});
  await api(server, 'PutItem', {TableName: TABLE, Item: {...key('dave', '6'), status: {S: 'open'}}});

  await page.goto('about:blank');
  await visit(page, server.url + `#/time/${TABLE}`);
  await assertEveryControlIsLabelled();
  await assertTabReaches('#past-show');
  const targets = [];
  const record = (request) => {
    const target = request.headers()['x-amz-target'];
    if (target) targets.push(target);
  };
  page.on('request', record);
  await page.getByLabel('Moment (your local time)').fill(localValue(moment));
  await page.getByRole('button', {name: 'Show the table at this moment'}).click();
  await page.locator('#past-summary').waitFor();
  assert.match(await page.locator('#past-summary').innerText(),
               new RegExp(`^Read-only: ${TABLE} as it was at ${new Date(moment * 1000).toISOString()}`));
  const rows = page.locator('#past-items tbody tr');
  const shown = async () => (await rows.evaluateAll((trs) => trs.map(
      (tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent).join('/'))));
  const then = await shown();
  assert.ok(then.includes('bob/4') && then.includes('alice/1'), then.join());
  assert.ok(!then.includes('dave/6'), then.join());
  await screenshot(page, 'time-past');

  // One item a page, walked to the end: the same items.
  await page.getByLabel('Page size').fill('1');
  await page.getByRole('button', {name: 'Show the table at this moment'}).click();
  await page.locator('#past-summary', {hasText: 'Page 1: 1 item(s); more follow.'}).waitFor();
  const walked = [...await shown()];
  for (let n = 2; await page.locator('#past-next').count(); n++) {
    await page.locator('#past-next').click();
    await page.locator('#past-summary', {hasText: `Page ${n}:`}).waitFor();
    walked.push(...await shown());
  }
  assert.deepEqual(walked.sort(), [...then].sort());

  // alice/1 then and now: status changed, carrier added.
  await page.getByLabel('Page size').fill('25');
  await page.getByRole('button', {name: 'Show the table at this moment'}).click();
  await page.locator('#past-summary', {hasText: 'Page 1:'}).waitFor();
  await page.getByRole('button', {name: 'Compare item alice / 1 with the latest moment'}).click();
  await page.locator('#diff-summary').waitFor();
  assert.equal(await page.locator('#diff-summary').innerText(), '2 attribute(s) differ.');
  const diff = await page.locator('#diff-table tbody tr').evaluateAll((trs) => trs.map(
      (tr) => [...tr.children].map((c) => c.textContent).join(' | ')));
  assert.deepEqual(diff, ['carrier | — | post | added', 'customer | alice | alice | same',
                          'order_id | 1 | 1 | same', 'status | open | shipped | changed']);
  await screenshot(page, 'time-diff');
  // bob/4 by its key: deleted since.
  await page.getByLabel('customer (S)').fill('bob');
  await page.getByLabel('order_id (N)').fill('4');
  await page.getByRole('button', {name: 'Compare', exact: true}).click();
  await page.locator('#diff-summary', {hasText: 'The item did not exist at the second moment.'}).waitFor();
  page.off('request', record);
  // Only reads were sent: the console's as-of reads, and the window's end for "the latest".
  assert.ok(targets.filter((t) => t.startsWith('TidelineConsole_20261203.')).length >= 5, targets.join());
  assert.deepEqual(targets.filter((t) => !/^TidelineConsole_20261203\.(ScanAsOf|GetItemAsOf)$/.test(t) &&
                                         t !== 'DynamoDB_20120810.DescribeContinuousBackups'), []);
  assert.equal(await errorText(page), '');
});

test('opening a page only reads', async () => {
  const READS = new Set(['ListTables', 'DescribeTable', 'DescribeContinuousBackups',
                         'DescribeTimeToLive', 'Scan']);
  const operations = [];
  const record = (request) => {
    const target = request.headers()['x-amz-target'];
    if (target) operations.push(target.split('.').pop());
  };
  page.on('request', record);
  for (const route of ['#/tables', `#/items/${TABLE}`, `#/time/${TABLE}`]) {
    await visit(page, server.url + route);
  }
  page.off('request', record);
  assert.ok(operations.includes('Scan'));
  assert.deepEqual(operations.filter((op) => !READS.has(op)), []);
});

test('Tables: delete a table only after confirmation', async () => {
  await visit(page, server.url + '#/tables');
  const row = page.locator('#tables tbody tr')
                  .filter({has: page.locator('th', {hasText: new RegExp(`^${TABLE}$`)})});
  const remove = page.getByRole('button', {name: `Delete table ${TABLE}`, exact: true});
  await remove.click();
  await confirmDialog('cancel');
  assert.equal(await row.count(), 1);
  await remove.click();
  await confirmDialog('ok');
  await row.waitFor({state: 'detached'});  // the list redraws: wait for the new one
  await ready(page);
  assert.equal(await row.count(), 0);
  // The restored table is another table: still there.
  assert.equal(await page.locator('#tables tbody tr', {hasText: `${TABLE}_restored`}).count(), 1);
});
