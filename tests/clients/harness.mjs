// Starts the real build/tideline for a client test file and hands out what the client libraries
// need to reach it. Each test file gets its own server on a free port with a fresh temporary data
// directory (as tests/e2e/harness.py does), stopped with SIGTERM when the file's tests end.
//
// Environment:
//   TIDELINE_BIN         the server binary (default: <repo>/build/tideline)
//   CLIENTS_KEEP_DATA=1  keep the temporary data directory and the server log after the run
import {test as nodeTest} from 'node:test';

import {DescribeTableCommand} from '@aws-sdk/client-dynamodb';

import {TidelineProcess, sleep} from '../js-common/tideline_process.mjs';

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

// The server of a client test file: tests/js-common/tideline_process.mjs, with what the AWS SDK
// clients need to reach it.
export class TidelineServer extends TidelineProcess {
  // extraArgs: more `tideline serve` options (e.g. a --testing-* flag).
  constructor(extraArgs = []) {
    super({tmpPrefix: 'tideline-clients-', args: ['--region', REGION, ...extraArgs]});
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

  async stop() {
    await super.stop({keepData: process.env.CLIENTS_KEEP_DATA === '1'});
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
