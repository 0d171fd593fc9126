// The Exports and imports page against a real server whose export data files pause after each
// 256 KB (--testing-export-flush-delay-ms), so that a running export's progress can be watched:
// start a full export after a confirmation, see its items grow per data file, see it complete
// with its figures, open its manifest, verify it (the export verifier, run by the server, also
// comparing it with the table) and see it pass; an incremental export the server refuses shows
// its error; import the export's data into a new table; opening the page only reads.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {after, before, test} from 'node:test';

import {TidelineServer, answerConfirm, api, errorText, launchBrowser, screenshot, tabReaches,
        unlabelledControls, visit} from '../harness.mjs';

let server;
let browser;
let page;
const TABLE = 'console_export_source';
const BUCKET = 'console-bucket';
const ITEMS = 1200;  // of 1 KB: about five pauses of the one data file

before(async () => {
  server = await new TidelineServer(['--testing-export-flush-delay-ms', '200']).start();
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (e) => { throw e; });
  await api(server, 'CreateTable', {TableName: TABLE, BillingMode: 'PAY_PER_REQUEST',
                                    KeySchema: [{AttributeName: 'k', KeyType: 'HASH'}],
                                    AttributeDefinitions: [{AttributeName: 'k', AttributeType: 'S'}]});
  await api(server, 'UpdateContinuousBackups', {TableName: TABLE,
    PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}});
  const pad = 'x'.repeat(1000);
  for (let start = 0; start < ITEMS; start += 25) {
    const puts = [];
    for (let i = start; i < start + 25; i++) {
      puts.push({PutRequest: {Item: {k: {S: `k${String(i).padStart(4, '0')}`}, p: {S: pad}}}});
    }
    await api(server, 'BatchWriteItem', {RequestItems: {[TABLE]: puts}});
  }
  // The local directory standing for S3 needs the bucket to exist.
  fs.mkdirSync(path.join(server.tmp, 'data', 's3', BUCKET), {recursive: true});
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('opening the page only reads; every control is labelled', async () => {
  const operations = [];
  const record = (request) => {
    const target = request.headers()['x-amz-target'];
    if (target) operations.push(target.split('.').pop());
  };
  page.on('request', record);
  await visit(page, server.url + '#/exports');
  page.off('request', record);
  assert.match(await page.locator('#exports-area').innerText(), /No exports yet/);
  assert.match(await page.locator('#imports-area').innerText(), /No imports yet/);
  const READS = new Set(['ListTables', 'ListExports', 'ListImports']);
  assert.deepEqual(operations.filter((op) => !READS.has(op)), []);
  assert.deepEqual(await unlabelledControls(page), []);
  assert.ok(await tabReaches(page, '#export-form button[type=submit]'));
  assert.ok(await tabReaches(page, '#import-form button[type=submit]'));
});

test('a full export: confirmed, its progress per data file while it runs, then its figures', async () => {
  await page.locator('#export-table').selectOption(TABLE);
  await page.locator('#export-form-bucket').fill(BUCKET);
  await page.getByRole('button', {name: 'Start export'}).click();
  await answerConfirm(page, 'cancel');
  assert.equal(await page.locator('#exports tbody tr').count(), 0);  // cancelled: nothing sent
  await page.getByRole('button', {name: 'Start export'}).click();
  await answerConfirm(page, 'ok');
  await page.locator('#export-started', {hasText: 'Export started: arn:aws:dynamodb:'}).waitFor();
  const row = page.locator('#exports tbody tr').first();
  // Part-way: some items of the one data file, not all, and the file not done.
  const progress = row.locator('.export-progress');
  let partial = null;
  for (let i = 0; i < 200 && !partial; i++) {
    const text = (await progress.count()) ? await progress.innerText().catch(() => '') : '';
    const m = text.match(/^(\d+) item\(s\) so far; 0 of 1 data file\(s\) done/);
    if (m && Number(m[1]) > 0 && Number(m[1]) < ITEMS) partial = text;
    else await page.waitForTimeout(50);
  }
  assert.ok(partial, 'the progress was never seen part-way');
  assert.match(partial, /\.json\.gz: \d+ item\(s\), [\d.]+ [KM]?B of items, [\d.]+ [KM]?B written/);
  await screenshot(page, 'exports-running');
  await page.locator('#exports tbody tr[data-status="COMPLETED"]').waitFor({timeout: 30000});
  const cells = await page.locator('#exports tbody tr').first().locator('th, td').allInnerTexts();
  const headers = await page.locator('#exports thead th').allInnerTexts();
  const shown = Object.fromEntries(headers.map((h, i) => [h, cells[i]]));
  assert.equal(shown.Table, TABLE);
  assert.equal(shown.Type, 'FULL_EXPORT');
  assert.equal(shown.Status, 'COMPLETED');
  assert.equal(shown.Format, 'DYNAMODB_JSON');
  assert.equal(shown.Destination, `s3://${BUCKET}/`);
  assert.equal(shown.Items, String(ITEMS));
  assert.match(shown.Duration, /^\d+\.\d s$/);
  const [{ExportArn}] = (await api(server, 'ListExports', {})).ExportSummaries;
  const described = (await api(server, 'DescribeExport', {ExportArn})).ExportDescription;
  assert.equal(shown.Export, ExportArn.split('/').pop());
  assert.equal(described.ItemCount, ITEMS);
});

test('the manifest of a completed export', async () => {
  await page.getByRole('button', {name: /^Manifest of export /}).click();
  await page.locator('#manifest-summary').waitFor();
  const summary = JSON.parse(await page.locator('#manifest-summary').innerText());
  assert.equal(summary.itemCount, ITEMS);
  assert.equal(summary.s3Bucket, BUCKET);
  const files = (await page.locator('#manifest-files').innerText()).split('\n').map((l) => JSON.parse(l));
  assert.equal(files.reduce((n, f) => n + f.itemCount, 0), ITEMS);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'manifest-heading');
  await screenshot(page, 'exports-manifest');
});

test('verifying a completed export: in progress, then passed with the table comparison', async () => {
  const row = page.locator('#exports tbody tr').first();
  await page.getByRole('button', {name: /^Verify export /}).click();
  // The answer of VerifyExport is shown until the first poll, half a second later.
  await row.locator('[data-verification="IN_PROGRESS"]').waitFor({timeout: 5000});
  assert.equal(await row.locator('.verification-status').innerText(), 'IN PROGRESS');
  assert.equal(await page.getByRole('button', {name: /^Verify export /}).isDisabled(), true);
  await row.locator('[data-verification="PASSED"]').waitFor({timeout: 60000});
  assert.equal(await errorText(page), '');
  assert.equal(await row.locator('.verification-status').innerText(), 'PASSED');
  assert.match(await row.locator('.verification-message').innerText(),
               new RegExp(`^OK s3://${BUCKET}/AWSDynamoDB/[0-9]+-[0-9a-f]+/manifest-summary\\.json: full DYNAMODB_JSON export, ${ITEMS} records, ` +
                          `matches table ${TABLE} \\(${ITEMS} items compared\\)$`));
  assert.equal(await row.locator('.verification-table').innerText(), `compared with table ${TABLE}`);
  assert.equal(await page.getByRole('button', {name: /^Verify export /}).isDisabled(), false);
  await screenshot(page, 'exports-verified');
  // The verifier's temporary restored tables are gone.
  const {TableNames} = await api(server, 'ListTables', {});
  assert.deepEqual(TableNames.filter((n) => n.includes('-verify-')), []);
});

test('an incremental export the server refuses shows its error as it came', async () => {
  await page.locator('#export-type').selectOption('INCREMENTAL_EXPORT');
  assert.equal(await page.getByLabel('Export time (empty: now)').isVisible(), false);
  const now = Date.now();
  const local = (ms) => {
    const d = new Date(ms);
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:` +
           `${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  };
  await page.getByLabel('From (your local time)').fill(local(now - 60000));
  await page.getByLabel('To (your local time)').fill(local(now - 1000));
  await page.getByRole('button', {name: 'Start export'}).click();
  await answerConfirm(page, 'ok');
  await page.locator('#error').waitFor();
  assert.match(await errorText(page), /^(InvalidExportTimeException|ValidationException): /);
  assert.equal(await page.locator('#exports tbody tr').count(), 1);
});

test('an import of the export\'s data into a new table', async () => {
  const [{ExportArn}] = (await api(server, 'ListExports', {})).ExportSummaries;
  const exportId = ExportArn.split('/').pop();
  await page.getByLabel('Source bucket').fill(BUCKET);
  await page.getByLabel('Key prefix (optional)').fill(`AWSDynamoDB/${exportId}/data/`);
  await page.locator('#import-compression').selectOption('GZIP');
  await page.getByLabel('New table name').fill('console_imported');
  await page.getByLabel('Partition key', {exact: true}).fill('k');
  await page.getByRole('button', {name: 'Start import'}).click();
  await answerConfirm(page, 'ok');
  await page.locator('#import-started:has-text("Import started: arn:aws:dynamodb:"), #error:visible')
      .first().waitFor();
  assert.equal(await errorText(page), '');
  await page.locator('#imports tbody tr[data-status="COMPLETED"]').waitFor({timeout: 30000});
  const text = await page.locator('#imports tbody tr').first().innerText();
  assert.match(text, /console_imported/);
  assert.match(text, new RegExp(`${ITEMS} of ${ITEMS}`));
  assert.match(text, new RegExp(`s3://${BUCKET}/AWSDynamoDB/${exportId}/data/`));
  await screenshot(page, 'exports-imports');
  const {Table} = await api(server, 'DescribeTable', {TableName: 'console_imported'});
  assert.equal(Table.TableStatus, 'ACTIVE');
});
