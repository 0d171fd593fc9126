// The console's one way to the server: the DynamoDB JSON API, as every SDK uses it
// (POST with X-Amz-Target). "./" is the server's root wherever the console is mounted.
import { signRequest } from './sigv4.js';

const CREDENTIALS_KEY = 'tideline-console-credentials';

export class ApiError extends Error {
  constructor(type, message, status) {
    super(message);
    this.type = type;
    this.status = status;
  }
  // As the server said it: the error's name (after DynamoDB's namespace '#') and its message.
  toString() { return `${this.type}: ${this.message}`; }
}

export function credentials() {
  try { return JSON.parse(sessionStorage.getItem(CREDENTIALS_KEY)); } catch { return null; }
}

export function setCredentials(value) {
  if (value) sessionStorage.setItem(CREDENTIALS_KEY, JSON.stringify(value));
  else sessionStorage.removeItem(CREDENTIALS_KEY);
}

export async function call(operation, request, service = 'DynamoDB_20120810') {
  const body = JSON.stringify(request);
  const headers = {
    'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Target': `${service}.${operation}`,
  };
  const keys = credentials();
  if (keys && keys.accessKeyId) Object.assign(headers, await signRequest(keys, location.host, body));
  const response = await fetch('./', { method: 'POST', headers, body });
  const text = await response.text();
  let json;
  try { json = text ? JSON.parse(text) : {}; } catch { json = null; }
  if (!response.ok) {
    const type = json && json.__type ? String(json.__type).split('#').pop() : `HTTP ${response.status}`;
    const message = json ? (json.message ?? json.Message ?? '') : text;
    throw new ApiError(type, message, response.status);
  }
  return json;
}

// The server's read-only console operations (api/console_operations.h): what the console
// shows that the DynamoDB API has no operation for. The same POST, checks and signature.
export function consoleCall(operation, request) {
  return call(operation, request, 'TidelineConsole_20261203');
}

// Every page of a paginated list operation, joined.
export async function listTableNames() {
  const names = [];
  let start;
  do {
    const page = await call('ListTables', start ? { ExclusiveStartTableName: start } : {});
    names.push(...page.TableNames);
    start = page.LastEvaluatedTableName;
  } while (start);
  return names;
}
