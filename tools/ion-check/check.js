#!/usr/bin/env node
// ion-check: reads DynamoDB ION export data (Ion text, one item per line, each line
// "$ion_1_0 {Item:{...}}") with ion-js, Amazon's own Ion reader, and prints every item as one
// line of DynamoDB JSON: {"Item":{"attr":{"S":"..."},...}}. An end-to-end test can then compare
// the output with the items it wrote, exactly as it compares a DYNAMODB_JSON export.
//
// Usage:
//   node check.js [--sort-sets] [--incremental] [FILE...]     FILE: *.ion (text) or *.ion.gz; none = stdin
//                                             (stdin may be gzip too: detected by magic bytes)
// Output: one JSON line per item on stdout; exit status 0.
// On the first violation: a message "ion-check: <file>:<line>: <reason>" on stderr, exit 1.
//
// What it enforces (the AWS ION export format, see shared/spec/export-and-pitr.md §2.2):
//  - framing: every line ends with "\n" and starts with the version marker "$ion_1_0 ";
//    each line alone is one complete Ion document holding exactly one value;
//  - that value is a struct with the single field Item, itself a struct;
//  - types: string -> S, decimal -> N (an Ion int or float is an error: AWS writes decimals),
//    blob -> B, bool -> BOOL, null -> NULL, list -> L, struct -> M, and lists annotated
//    $dynamodb_SS / $dynamodb_NS / $dynamodb_BS -> SS / NS / BS holding only strings /
//    decimals / blobs. Any other type or annotation is an error.
// Numbers are printed in DynamoDB's canonical text (no exponent, no trailing fractional zeros),
// so "6d2" prints as {"N":"600"} and "1.50" as {"N":"1.5"}.
// --sort-sets sorts SS/NS/BS members (AWS writes sets in arbitrary order).
'use strict';

const fs = require('fs');
const zlib = require('zlib');
const ion = require('ion-js');

const IVM = '$ion_1_0 ';

class CheckError extends Error {}

function fail(reason) {
  throw new CheckError(reason);
}

// DynamoDB canonical number text of coefficient * 10^exponent.
function canonicalNumber(dec) {
  let coefficient = dec.getCoefficient();
  let exponent = dec.getExponent();
  const negative = dec.isNegative();
  if (coefficient < 0n) coefficient = -coefficient;
  if (coefficient === 0n) return '0';
  let digits = coefficient.toString();
  let trimmed = digits.replace(/0+$/, '');
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  let text;
  if (exponent >= 0) {
    text = digits + '0'.repeat(exponent);
  } else {
    const point = digits.length + exponent;
    text = point > 0 ? digits.slice(0, point) + '.' + digits.slice(point)
                     : '0.' + '0'.repeat(-point) + digits;
  }
  return (negative ? '-' : '') + text;
}

function base64(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const SET_TYPES = {
  '$dynamodb_SS': ['SS', ion.IonTypes.STRING],
  '$dynamodb_NS': ['NS', ion.IonTypes.DECIMAL],
  '$dynamodb_BS': ['BS', ion.IonTypes.BLOB],
};

function scalarOf(reader, type) {
  switch (type) {
    case ion.IonTypes.STRING: return reader.stringValue();
    case ion.IonTypes.DECIMAL: return canonicalNumber(reader.decimalValue());
    case ion.IonTypes.BLOB: return base64(reader.uInt8ArrayValue());
  }
  fail(`unexpected set member type ${type.name}`);
}

// Converts the value the reader is positioned on into a DynamoDB AttributeValue object.
function attributeValue(reader, type, options) {
  const annotations = reader.annotations();
  if (reader.isNull()) {
    if (annotations.length) fail(`annotated null (${annotations.join('::')})`);
    if (type !== ion.IonTypes.NULL) fail(`typed null null.${type.name} (DynamoDB NULL is null)`);
    return { NULL: true };
  }
  if (annotations.length) {
    if (annotations.length !== 1 || !(annotations[0] in SET_TYPES)) {
      fail(`unexpected annotations ${annotations.join('::')}`);
    }
    const [name, memberType] = SET_TYPES[annotations[0]];
    if (type !== ion.IonTypes.LIST) fail(`${annotations[0]} on a ${type.name}, not a list`);
    const members = [];
    reader.stepIn();
    for (let t; (t = reader.next()) !== null;) {
      if (reader.isNull() || t !== memberType) {
        fail(`${name} member is ${reader.isNull() ? 'null' : t.name}, not ${memberType.name}`);
      }
      if (reader.annotations().length) fail(`annotated ${name} member`);
      members.push(scalarOf(reader, t));
    }
    reader.stepOut();
    if (members.length === 0) fail(`empty ${name}`);
    if (options.sortSets) members.sort();
    return { [name]: members };
  }
  switch (type) {
    case ion.IonTypes.STRING: return { S: reader.stringValue() };
    case ion.IonTypes.DECIMAL: return { N: canonicalNumber(reader.decimalValue()) };
    case ion.IonTypes.BLOB: return { B: base64(reader.uInt8ArrayValue()) };
    case ion.IonTypes.BOOL: return { BOOL: reader.booleanValue() };
    case ion.IonTypes.LIST: {
      const list = [];
      reader.stepIn();
      for (let t; (t = reader.next()) !== null;) list.push(attributeValue(reader, t, options));
      reader.stepOut();
      return { L: list };
    }
    case ion.IonTypes.STRUCT: return { M: struct(reader, options) };
  }
  fail(`Ion type ${type.name} has no DynamoDB meaning (N must be an Ion decimal)`);
}

// Steps into the struct the reader is on; returns its fields as an object of AttributeValues.
function struct(reader, options) {
  const map = {};
  const seen = new Set();
  reader.stepIn();
  for (let t; (t = reader.next()) !== null;) {
    const name = reader.fieldName();
    if (seen.has(name)) fail(`duplicate field name ${JSON.stringify(name)}`);
    seen.add(name);
    map[name] = attributeValue(reader, t, options);
  }
  reader.stepOut();
  return map;
}

// Parses one line (without its "\n") into {"Item": {...}}, or with --incremental into an
// incremental export's record {"Metadata": {...}, "Keys": {...}[, "OldImage": {...}]
// [, "NewImage": {...}]} (members in that order; Metadata holds WriteTimestampMicros, an N).
function parseLine(line, options) {
  if (!line.startsWith(IVM)) fail(`line does not start with "${IVM}"`);
  const reader = ion.makeReader(line);
  const type = reader.next();
  if (type !== ion.IonTypes.STRUCT || reader.isNull() || reader.annotations().length) {
    fail(`top-level value is ${type ? type.name : 'missing'}, not a plain struct`);
  }
  const allowed = options.incremental ? ['Metadata', 'Keys', 'OldImage', 'NewImage'] : ['Item'];
  const record = {};
  let next = 0;  // fields must come in the order of `allowed`
  reader.stepIn();
  for (let t; (t = reader.next()) !== null;) {
    const name = reader.fieldName();
    const at = allowed.indexOf(name, next);
    if (at < 0) fail(`top-level struct has field ${JSON.stringify(name)} out of ${allowed}`);
    next = at + 1;
    if (t !== ion.IonTypes.STRUCT || reader.isNull() || reader.annotations().length) {
      fail(`${name} is not a plain struct`);
    }
    record[name] = struct(reader, options);
  }
  reader.stepOut();
  const required = options.incremental ? ['Metadata', 'Keys'] : ['Item'];
  for (const r of required) if (!(r in record)) fail(`top-level struct has no ${r}`);
  if (options.incremental) {
    const ts = record.Metadata.WriteTimestampMicros;
    if (Object.keys(record.Metadata).length !== 1 || !ts || !('N' in ts)) {
      fail('Metadata is not {WriteTimestampMicros: <decimal>}');
    }
  }
  if (reader.next() !== null) fail('more than one top-level value on the line');
  return record;
}

function check(name, bytes, options, out) {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = zlib.gunzipSync(bytes);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  if (text.length && !text.endsWith('\n')) fail(`${name}: last line does not end with \\n`);
  const lines = text.split('\n');
  lines.pop();  // the empty string after the final "\n"
  lines.forEach((line, index) => {
    try {
      out.push(JSON.stringify(parseLine(line, options)));
    } catch (e) {
      throw new CheckError(`${name}:${index + 1}: ${e.message}`);
    }
  });
}

function main(argv) {
  const options = { sortSets: false, incremental: false };
  const files = [];
  for (const arg of argv) {
    if (arg === '--sort-sets') options.sortSets = true;
    else if (arg === '--incremental') options.incremental = true;
    else if (arg === '-h' || arg === '--help') {
      process.stdout.write('usage: check.js [--sort-sets] [--incremental] [FILE.ion|FILE.ion.gz ...]\n');
      return 0;
    } else files.push(arg);
  }
  const out = [];
  try {
    if (files.length === 0) check('<stdin>', fs.readFileSync(0), options, out);
    for (const file of files) check(file, fs.readFileSync(file), options, out);
  } catch (e) {
    process.stderr.write(`ion-check: ${e.message}\n`);
    return 1;
  }
  if (out.length) process.stdout.write(out.join('\n') + '\n');
  return 0;
}

process.exitCode = main(process.argv.slice(2));
