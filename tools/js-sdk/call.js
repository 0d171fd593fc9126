#!/usr/bin/env node
// Sends one DynamoDB request with the AWS SDK for JavaScript v3 and prints the outcome as one
// JSON line: {"ok":true,"result":{...}} or {"ok":false,"name":..,"message":..,"status":..}.
//
//   node call.js ENDPOINT REGION ACCESS_KEY SECRET OPERATION [INPUT_JSON] [CLOCK_OFFSET_MS]
//
// CLOCK_OFFSET_MS shifts the SDK's clock (systemClockOffset), e.g. -1200000 signs the request
// as if it were 20 minutes ago. One attempt only: the SDK's retries (and its clock-skew
// correction, which retries) would hide the first answer.
'use strict';
const dynamodb = require('@aws-sdk/client-dynamodb');

async function main() {
  const [endpoint, region, accessKeyId, secretAccessKey, operation, input, offset] =
      process.argv.slice(2);
  const client = new dynamodb.DynamoDBClient({
    endpoint,
    region,
    credentials: {accessKeyId, secretAccessKey},
    maxAttempts: 1,
    systemClockOffset: Number(offset || 0),
  });
  const Command = dynamodb[operation + 'Command'];
  if (!Command) throw new Error('unknown operation ' + operation);
  try {
    const result = await client.send(new Command(JSON.parse(input || '{}')));
    delete result.$metadata;
    console.log(JSON.stringify({ok: true, result}));
  } catch (e) {
    console.log(JSON.stringify({
      ok: false,
      name: e.name,
      message: e.message,
      status: e.$metadata && e.$metadata.httpStatusCode,
    }));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
