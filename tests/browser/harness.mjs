// Starts the real build/tideline and a headless Chromium (Debian's chromium package, driven by
// playwright-core) for the console's browser tests. Each test file gets its own server on a free
// port with a fresh temporary data directory, stopped with SIGTERM when the file ends.
//
// Environment:
//   TIDELINE_BIN       the server binary (default: <repo>/build/tideline)
//   CHROMIUM           the browser (default: chromium, then chromium-browser, on PATH)
//   BROWSER_ARTIFACTS  where screenshots go (default: browser-artifacts/ beside TIDELINE_BIN,
//                      i.e. in the build directory, never in the source tree)
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {chromium} from 'playwright-core';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.TIDELINE_BIN || path.join(REPO, 'build', 'tideline');
export const ARTIFACTS =
    process.env.BROWSER_ARTIFACTS || path.join(path.dirname(BIN), 'browser-artifacts');

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address();
      server.close(() => resolve(port));
    });
  });
}

function healthy(port) {
  return new Promise((resolve) => {
    const req = http.get({host: '127.0.0.1', port, path: '/', timeout: 2000}, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class TidelineServer {
  // extraArgs: more `tideline serve` options, e.g. ['--credentials', file]; host: --host.
  constructor(extraArgs = [], host = '127.0.0.1') {
    this.host = host;
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tideline-browser-'));
    this.logPath = path.join(this.tmp, 'server.log');
    this.extraArgs = extraArgs;
  }

  get url() {
    return `http://127.0.0.1:${this.port}/`;
  }

  async start(timeoutMs = 30000) {
    if (!fs.existsSync(BIN)) throw new Error(`server binary ${BIN} not found; build it first`);
    for (let attempt = 0; attempt < 3; attempt++) {
      this.port = await freePort();
      const log = fs.openSync(this.logPath, 'a');
      this.proc = spawn(BIN, ['serve', '--host', this.host, '--port', String(this.port),
                              '--data-dir', path.join(this.tmp, 'data'), ...this.extraArgs],
                        {stdio: ['ignore', log, log]});
      fs.closeSync(log);
      const proc = this.proc;
      process.once('exit', () => proc.kill('SIGKILL'));
      let exited = false;
      proc.once('exit', () => (exited = true));
      const deadline = Date.now() + timeoutMs;
      while (!exited && Date.now() < deadline) {
        if (await healthy(this.port)) return this;
        await sleep(50);
      }
      proc.kill('SIGKILL');
    }
    throw new Error(`tideline did not become healthy:\n${fs.readFileSync(this.logPath, 'utf8')}`);
  }

  logText() {
    return fs.readFileSync(this.logPath, 'utf8');
  }

  async stop() {
    const proc = this.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 20000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.tmp, {recursive: true, force: true});
  }
}

function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = path.join(dir, name);
      if (fs.existsSync(candidate)) return candidate;
    }
  }
  throw new Error('chromium not found on PATH (scripts/install-deps.sh installs it)');
}

export async function launchBrowser() {
  // --no-sandbox: the tests may run as root (CI), where Chromium's sandbox refuses to start.
  return chromium.launch({executablePath: chromiumPath(), headless: true,
                          args: ['--no-sandbox', '--disable-gpu']});
}

// Opens `url` and waits until the console has drawn its route. A change of the hash alone does
// not reload the page, so waiting for data-ready alone could see the previous route's.
export async function visit(page, url) {
  await page.goto(url);
  const hash = new URL(url).hash;
  await page.waitForFunction((h) => document.body.dataset.ready === 'true' &&
                                        document.body.dataset.route === h, hash, {timeout: 15000});
}

// Waits until the console has drawn its current route (app.js sets data-ready).
export async function ready(page) {
  await page.waitForSelector('body[data-ready="true"]', {timeout: 15000});
}

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, {recursive: true});
  await page.screenshot({path: path.join(ARTIFACTS, `${name}.png`), fullPage: true});
}

// The visible text of the console's error box, or '' when it is hidden.
export async function errorText(page) {
  return (await page.locator('#error').isVisible()) ? page.locator('#error').innerText() : '';
}

// One DynamoDB JSON API call from the test itself (not through the page), for setting up what
// a test then looks at in the console. Throws with the server's error body on a non-200.
export async function api(server, operation, request) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: {'Content-Type': 'application/x-amz-json-1.0',
              'X-Amz-Target': `DynamoDB_20120810.${operation}`},
    body: JSON.stringify(request),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${operation}: ${response.status} ${text}`);
  return JSON.parse(text);
}

// Accessibility basics, for a page object: every input, select and textarea has a label (or
// aria-label); returns the outerHTML of those without.
export async function unlabelledControls(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
        .filter((c) => c.type !== 'hidden' && c.labels.length === 0 && !c.getAttribute('aria-label'))
        .map((c) => c.outerHTML));
}

// Whether pressing Tab from the top of the page reaches `selector` within maxTabs presses.
export async function tabReaches(page, selector, maxTabs = 120) {
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return true;
  }
  return false;
}

// Answers the console's confirmation dialog: 'ok' or 'cancel'.
export async function answerConfirm(page, answer) {
  await page.locator('#confirm-dialog[open]').waitFor();
  await page.locator(answer === 'ok' ? '#confirm-ok' : '#confirm-cancel').click();
}
