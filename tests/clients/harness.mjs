// Starts the real build/tideline for a client test file and hands out what the client libraries
// need to reach it. Each test file gets its own server on a free port with a fresh temporary data
// directory (as tests/e2e/harness.py does), stopped with SIGTERM when the file's tests end.
//
// Environment:
//   TIDELINE_BIN         the server binary (default: <repo>/build/tideline)
//   CLIENTS_KEEP_DATA=1  keep the temporary data directory and the server log after the run
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {test as nodeTest} from 'node:test';

import {DescribeTableCommand} from '@aws-sdk/client-dynamodb';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.TIDELINE_BIN || path.join(REPO, 'build', 'tideline');
export const REGION = 'us-east-1';
// The longest a before/after hook may take: a client library that never settles (dynamoose's
// model calls after a refused CreateTable wait forever) fails its file instead of hanging the run.
export const HOOK_TIMEOUT_MS = 60000;
// The longest one test may take, and one file's suite, hooks included.
export const TEST_TIMEOUT_MS = 30000;
export const SUITE_TIMEOUT_MS = 150000;

// node:test's test() with this suite's bound. (node's --test-timeout would also bound each whole
// file by the one-test figure.)
export function test(name, fn) {
  return nodeTest(name, {timeout: TEST_TIMEOUT_MS}, fn);
}
// Started without --credentials, the server accepts any well-formed signature.
export const CREDENTIALS = {accessKeyId: 'AKIDTIDELINETEST', secretAccessKey: 'tideline-secret'};

// The first line of a sanitizer report, as tests/e2e/harness.py recognises it: a report in the
// server log fails the file even when every answer looked right.
const SANITIZER_REPORT =
    /^(==\d+==ERROR: \w+Sanitizer|WARNING: ThreadSanitizer|.*:\d+:\d+: runtime error: )/m;

function freePort() {
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
  // extraArgs: more `tideline serve` options (e.g. a --testing-* flag).
  constructor(extraArgs = []) {
    this.extraArgs = extraArgs;
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tideline-clients-'));
    this.dataDir = path.join(this.tmp, 'data');
    this.logPath = path.join(this.tmp, 'server.log');
    this.proc = null;
    this.port = null;
  }

  get endpoint() {
    return `http://127.0.0.1:${this.port}`;
  }

  // The options every AWS SDK v3 client of this server is built with. One attempt: a test must
  // see the server's first answer, not a retry's. Bounded timeouts: a hung server fails the test
  // instead of the run.
  get clientConfig() {
    return {
      endpoint: this.endpoint,
      region: REGION,
      credentials: CREDENTIALS,
      maxAttempts: 1,
      requestHandler: {connectionTimeout: 5000, requestTimeout: 30000},
    };
  }

  async start(timeoutMs = 30000) {
    if (!fs.existsSync(BIN)) {
      throw new Error(`server binary ${BIN} not found; build it first (scripts/test.sh)`);
    }
    // A free port can be taken between the probe and the server's bind: try a few.
    for (let attempt = 0; attempt < 3; attempt++) {
      this.port = await freePort();
      const log = fs.openSync(this.logPath, 'a');
      this.proc = spawn(
          BIN,
          ['serve', '--host', '127.0.0.1', '--port', String(this.port), '--data-dir', this.dataDir,
           '--region', REGION, ...this.extraArgs],
          {stdio: ['ignore', log, log]});
      fs.closeSync(log);
      // If this test process ends without stop() (a cancelled file), take the server with it.
      const proc = this.proc;
      process.once('exit', () => proc.kill('SIGKILL'));
      let exited = false;
      this.proc.once('exit', () => (exited = true));
      const deadline = Date.now() + timeoutMs;
      while (!exited && Date.now() < deadline) {
        if (await healthy(this.port)) return this;
        await sleep(50);
      }
      await this.#kill('SIGKILL');
    }
    throw new Error(`tideline did not become healthy on ${this.endpoint}\n${this.logTail()}`);
  }

  async stop() {
    const report = this.sanitizerReport();
    await this.#kill('SIGTERM', 20000);
    if (process.env.CLIENTS_KEEP_DATA !== '1') fs.rmSync(this.tmp, {recursive: true, force: true});
    if (report) throw new Error(`sanitizer report in the tideline log:\n${report}`);
  }

  async #kill(signal, graceMs = 0) {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill(signal);
    if (graceMs > 0) {
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    } else {
      await exited;
    }
  }

  logText() {
    try {
      return fs.readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  logTail(lines = 40) {
    return this.logText().split('\n').slice(-lines).join('\n');
  }

  sanitizerReport() {
    const text = this.logText();
    const m = SANITIZER_REPORT.exec(text);
    return m ? text.slice(m.index).split('\n').slice(0, 80).join('\n') : '';
  }
}

// A table name no other test of the file uses.
let counter = 0;
export function uniqueName(prefix) {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`;
}

// Waits until the table and every one of its global secondary indexes is ACTIVE, as an
// application does before it queries an index (the SDK's waiter only looks at TableStatus).
export async function waitForTableAndIndexes(client, tableName, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    const {Table} = await client.send(new DescribeTableCommand({TableName: tableName}));
    last = Table;
    const indexes = Table.GlobalSecondaryIndexes || [];
    if (Table.TableStatus === 'ACTIVE' && indexes.every((i) => i.IndexStatus === 'ACTIVE')) {
      return Table;
    }
    await sleep(100);
  }
  throw new Error(`table ${tableName} not ACTIVE after ${timeoutMs} ms: ${JSON.stringify(last)}`);
}
