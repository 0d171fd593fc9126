// Items as plain JSON (what an application stores) and back to DynamoDB JSON (what the API
// takes). Plain JSON has fewer types than DynamoDB, so the way back needs help:
//   * Numbers keep their exact digits both ways (JSON.rawJSON out, the parser's source text
//     in): DynamoDB numbers have up to 38 digits, far more than a JavaScript number holds.
//   * Sets (SS, NS, BS) become arrays and binary (B) becomes its base64 text. On the way back an
//     array or a string where the item had a set or binary becomes that set or binary again;
//     any other array is a list (L) and any other string a string (S).
//   * null is NULL, true/false are BOOL, objects are maps (M).
// PLAIN_JSON_RULES says the same to the person editing.

export const PLAIN_JSON_RULES =
    'Plain JSON: numbers keep every digit; sets show as arrays and binary as base64 text, and ' +
    'stay sets and binary where the item had them (any other array is saved as a list, any ' +
    'other string as a string); null is NULL.';

// Whether this browser can keep a number's exact digits (Chromium 114+, Firefox 135+).
export const exactNumbers = typeof JSON.rawJSON === 'function';

function numberOut(text) {
  if (!exactNumbers) return Number(text);
  try { return JSON.rawJSON(text); } catch { return Number(text); }
}

// A DynamoDB JSON attribute value as a plain JSON value (for JSON.stringify).
function plainValue(value) {
  if (value === null || typeof value !== 'object' || Object.keys(value).length !== 1) {
    throw new Error(`not a DynamoDB JSON attribute value: ${JSON.stringify(value)}`);
  }
  const [type, v] = Object.entries(value)[0];
  switch (type) {
    case 'S': case 'B': return v;
    case 'N': return numberOut(v);
    case 'BOOL': return v;
    case 'NULL': return null;
    case 'SS': case 'BS': return [...v];
    case 'NS': return v.map(numberOut);
    case 'L': return v.map(plainValue);
    case 'M': return toPlain(v);
    default: throw new Error(`unknown attribute type ${type}`);
  }
}

// A DynamoDB JSON item (a map of attribute values) as a plain JSON object.
export function toPlain(item) {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new Error('an item is a JSON object');
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, plainValue(value)]));
}

export function plainText(item) {
  return JSON.stringify(toPlain(item), null, 2);
}

// The DynamoDB type of every attribute value of `item`, by path ("a", "a/0", "a/b"), for
// bringing sets and binary back.
function typesByPath(item, prefix = '', into = new Map()) {
  for (const [name, value] of Object.entries(item ?? {})) {
    const path = prefix + JSON.stringify(name);
    const [type, v] = Object.entries(value)[0];
    into.set(path, type);
    if (type === 'M') typesByPath(v, `${path}/`, into);
    if (type === 'L') v.forEach((element, i) => typesByPath({ [i]: element }, `${path}/`, into));
  }
  return into;
}

// A number of the parsed text, as its digits were written.
class ExactNumber {
  constructor(text) { this.text = text; }
}

// Parses plain JSON text keeping each number's source text (as an ExactNumber).
function parseKeepingNumbers(text) {
  return JSON.parse(text, (key, value, context) =>
    (typeof value === 'number' ? new ExactNumber(context?.source ?? String(value)) : value));
}

const isNumberMarker = (v) => v instanceof ExactNumber;

function fromPlainValue(value, path, types) {
  const was = types.get(path);
  if (value === null) return { NULL: true };
  if (typeof value === 'boolean') return { BOOL: value };
  if (isNumberMarker(value)) return { N: value.text };
  if (typeof value === 'string') return was === 'B' ? { B: value } : { S: value };
  if (Array.isArray(value)) {
    if (value.length > 0) {
      if (was === 'SS' && value.every((v) => typeof v === 'string')) return { SS: value };
      if (was === 'BS' && value.every((v) => typeof v === 'string')) return { BS: value };
      if (was === 'NS' && value.every(isNumberMarker)) return { NS: value.map((v) => v.text) };
    }
    return { L: value.map((v, i) => fromPlainValue(v, `${path}/${JSON.stringify(String(i))}`, types)) };
  }
  return { M: fromPlainObject(value, `${path}/`, types) };
}

function fromPlainObject(object, prefix, types) {
  return Object.fromEntries(Object.entries(object).map(
      ([name, v]) => [name, fromPlainValue(v, prefix + JSON.stringify(name), types)]));
}

// Plain JSON text as a DynamoDB JSON item. `original` (DynamoDB JSON, optional) is the item as
// it was before the edit, whose sets and binary values are kept. Throws on text that is not a
// JSON object.
export function fromPlainText(text, original) {
  const parsed = parseKeepingNumbers(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || isNumberMarker(parsed)) {
    throw new Error('an item is a JSON object');
  }
  return fromPlainObject(parsed, '', typesByPath(original));
}
