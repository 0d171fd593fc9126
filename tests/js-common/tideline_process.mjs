// The real build/tideline as a child process, shared by the JavaScript suites (tests/clients and
// tests/browser, as tests/e2e/harness.py does for Python): a free port, a fresh temporary data
// directory, started until its own log says it listens, stopped with SIGTERM. No dependencies
// beyond node's own modules, so each suite's package.json stays its own.
//
// Environment: TIDELINE_BIN, the server binary (default: <repo>/build/tideline).
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.TIDELINE_BIN || path.join(REPO, 'build', 'tideline');

// The first line of a sanitizer report, as tests/e2e/harness.py recognises it: a report in the
// server log fails the test even when every answer looked right.
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

function answers(port) {
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

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class TidelineProcess {
  // tmpPrefix: the temporary directory's name prefix; args: more `tideline serve` options;
  // host: --host (the health check goes to 127.0.0.1, which a wildcard host covers too).
  constructor({tmpPrefix = 'tideline-js-', args = [], host = '127.0.0.1'} = {}) {
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
    this.dataDir = path.join(this.tmp, 'data');
    this.logPath = path.join(this.tmp, 'server.log');
    this.args = args;
    this.host = host;
    this.proc = null;
    this.port = null;
  }

  get endpoint() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 30000) {
    if (!fs.existsSync(BIN)) {
      throw new Error(`server binary ${BIN} not found; build it first (scripts/test.sh)`);
    }
    // A free port can be taken between the probe and the server's bind: try a few.
    for (let attempt = 0; attempt < 3; attempt++) {
      this.port = await freePort();
      const logStart = fs.existsSync(this.logPath) ? fs.statSync(this.logPath).size : 0;
      const log = fs.openSync(this.logPath, 'a');
      this.proc = spawn(BIN,
                        ['serve', '--host', this.host, '--port', String(this.port), '--data-dir',
                         this.dataDir, ...this.args],
                        {stdio: ['ignore', log, log]});
      fs.closeSync(log);
      // If this test process ends without stop() (a cancelled file), take the server with it.
      const proc = this.proc;
      process.once('exit', () => proc.kill('SIGKILL'));
      let exited = false;
      proc.once('exit', () => (exited = true));
      const deadline = Date.now() + timeoutMs;
      while (!exited && Date.now() < deadline) {
        // An answer on the port alone could come from another test's server that took the
        // port first (ours then exits with EADDRINUSE): its own log line says it is ours.
        if (await answers(this.port) && this.#listeningSince(logStart)) return this;
        await sleep(50);
      }
      await this.kill('SIGKILL');
    }
    throw new Error(`tideline did not become healthy on ${this.endpoint}\n${this.logTail()}`);
  }

  #listeningSince(offset) {
    const text = fs.readFileSync(this.logPath).subarray(offset).toString();
    return text.includes(`listening on http://${this.host}:${this.port} `);
  }

  // Sends `signal`; after graceMs (0: never) a SIGKILL. Resolves when the process has exited.
  async kill(signal, graceMs = 0) {
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

  // SIGTERM (SIGKILL after 20 s), then the temporary directory goes unless keepData; throws
  // when the log holds a sanitizer report.
  async stop({keepData = false} = {}) {
    const report = this.sanitizerReport();
    await this.kill('SIGTERM', 20000);
    if (!keepData) fs.rmSync(this.tmp, {recursive: true, force: true});
    if (report) throw new Error(`sanitizer report in the tideline log:\n${report}`);
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
