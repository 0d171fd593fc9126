// How the console reaches the server in the two set-ups beside the default: a server with
// --credentials (the console signs with SigV4 in the browser, WebCrypto), and a reverse proxy
// that mounts the server below a path prefix (every URL of the console is relative).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';

import {TidelineServer, errorText, launchBrowser, ready, screenshot, visit} from '../harness.mjs';

const browser = await launchBrowser();
after(() => browser.close());

test('with --credentials the console signs its requests with the key it is given', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tideline-browser-keys-'));
  const file = path.join(dir, 'credentials');
  fs.writeFileSync(file, '[default]\naws_access_key_id = AKIDCONSOLE\n' +
                         'aws_secret_access_key = console-secret\n');
  const server = await new TidelineServer(['--credentials', file]).start();
  try {
    const page = await browser.newPage();
    await visit(page, server.url);
    // Unsigned: the server's own refusal, shown as it is.
    assert.equal(await errorText(page),
                 'MissingAuthenticationTokenException: Request is missing Authentication Token');
    // A wrong secret: the signature does not match.
    await page.locator('#connection summary').click();
    await page.getByLabel('Access key id').fill('AKIDCONSOLE');
    await page.getByLabel('Secret access key').fill('not-the-secret');
    await page.getByRole('button', {name: 'Use these credentials'}).click();
    await ready(page);
    assert.match(await errorText(page), /^InvalidSignatureException: The request signature we calculated/);
    // The right one: the page lists tables (none yet), then creates one, signed.
    await page.locator('#connection summary').click();
    await page.getByLabel('Secret access key').fill('console-secret');
    await page.getByRole('button', {name: 'Use these credentials'}).click();
    await ready(page);
    assert.equal(await errorText(page), '');
    await page.getByLabel('Table name').fill('signed_table');
    await page.getByLabel('Partition key name').fill('id');
    await page.getByRole('button', {name: 'Create table'}).click();
    await page.locator('#tables tbody tr', {hasText: 'signed_table'}).waitFor();
    await page.close();
  } finally {
    await server.stop();
    fs.rmSync(dir, {recursive: true, force: true});
  }
});

// A proxy in the manner of nginx's `location /tideline/ { proxy_pass http://upstream/; }` with
// the client's Host passed on (`proxy_set_header Host $http_host`).
function startPrefixProxy(prefix, upstreamPort) {
  const proxy = http.createServer((req, res) => {
    if (!req.url.startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    const upstream = http.request({host: '127.0.0.1', port: upstreamPort, method: req.method,
                                   path: '/' + req.url.slice(prefix.length), headers: req.headers},
                                  (answer) => {
                                    res.writeHead(answer.statusCode, answer.headers);
                                    answer.pipe(res);
                                  });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(proxy)));
}

test('behind a reverse proxy with a path prefix', async () => {
  const server = await new TidelineServer().start();
  const proxy = await startPrefixProxy('/tideline/', server.port);
  try {
    const page = await browser.newPage();
    const requested = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await visit(page, `http://127.0.0.1:${proxy.address().port}/tideline/`);
    assert.equal(await errorText(page), '');
    await page.getByLabel('Table name').fill('proxied_table');
    await page.getByLabel('Partition key name').fill('id');
    await page.getByRole('button', {name: 'Create table'}).click();
    await page.locator('#tables tbody tr', {hasText: 'proxied_table'}).waitFor();
    // Everything the page asked for stayed below the prefix.
    assert.deepEqual(requested.filter((p) => !p.startsWith('/tideline/')), []);
    assert.ok(requested.includes('/tideline/console/app.js'));
    await screenshot(page, 'tables-behind-proxy');
    await page.close();
  } finally {
    proxy.close();
    await server.stop();
  }
});

// The machine's first non-loopback IPv4 address, if it has one.
function externalAddress() {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

test('with --host 0.0.0.0, opened by the machine\'s IP address', async (t) => {
  const address = externalAddress();
  if (!address) {
    t.skip('this machine has no non-loopback IPv4 address');
    return;
  }
  const server = await new TidelineServer([], '0.0.0.0').start();
  try {
    // A wildcard bind: the log names the loopback address, which always answers.
    assert.match(server.logText(), new RegExp(`web console: http://127\\.0\\.0\\.1:${server.port}/\n`));
    const page = await browser.newPage();
    await visit(page, `http://${address}:${server.port}/#/tables`);
    assert.equal(await errorText(page), '');
    await page.getByLabel('Table name').fill('by_address');
    await page.getByLabel('Partition key name').fill('id');
    await page.getByRole('button', {name: 'Create table'}).click();
    await page.locator('#tables tbody tr', {hasText: 'by_address'}).waitFor();
    await page.close();
  } finally {
    await server.stop();
  }
});
