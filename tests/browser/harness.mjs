// Starts the real build/tideline and a headless Chromium (Debian's chromium package, driven by
// playwright-core) for the console's browser tests. Each test file gets its own server on a free
// port with a fresh temporary data directory, stopped with SIGTERM when the file ends.
//
// Environment:
//   TIDELINE_BIN       the server binary (default: <repo>/build/tideline)
//   CHROMIUM           the browser (default: chromium, then chromium-browser, on PATH)
//   BROWSER_ARTIFACTS  where screenshots go (default: browser-artifacts/ beside TIDELINE_BIN,
//                      i.e. in the build directory, never in the source tree)
import fs from 'node:fs';
import path from 'node:path';

import {chromium} from 'playwright-core';

import {BIN, TidelineProcess} from '../js-common/tideline_process.mjs';

export {BIN};
export const ARTIFACTS =
    process.env.BROWSER_ARTIFACTS || path.join(path.dirname(BIN), 'browser-artifacts');

// The server of a browser test file: tests/js-common/tideline_process.mjs, addressed by URL.
export class TidelineServer extends TidelineProcess {
  // extraArgs: more `tideline serve` options, e.g. ['--credentials', file]; host: --host.
  constructor(extraArgs = [], host = '127.0.0.1') {
    super({tmpPrefix: 'tideline-browser-', args: extraArgs, host});
  }

  get url() {
    return `${this.endpoint}/`;
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
