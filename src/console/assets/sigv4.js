// AWS Signature Version 4 for the console's requests, with the browser's WebCrypto. Needed only
// when the server runs with --credentials (docs/console.md); without it any or no signature is
// accepted and the console sends none.
const encoder = new TextEncoder();

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256(text) {
  return hex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

async function hmac(key, text) {
  const raw = typeof key === 'string' ? encoder.encode(key) : key;
  const cryptoKey = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' },
                                                  false, ['sign']);
  return crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(text));
}

// The headers to add to a POST of `body` to the server's root. The canonical URI is "/": the
// path the server receives, also behind a proxy that strips a path prefix. The signed host is
// the page's: a proxy must pass it on unchanged for the signature to hold.
export async function signRequest({ accessKeyId, secretAccessKey, region }, host, body) {
  if (!crypto.subtle) {
    throw new Error('Signing needs WebCrypto, which browsers offer only on https:// or localhost pages');
  }
  region = region || 'us-east-1';
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const day = amzDate.slice(0, 8);
  const signedHeaders = 'host;x-amz-date';
  const canonical = ['POST', '/', '', `host:${host}`, `x-amz-date:${amzDate}`, '', signedHeaders,
                     await sha256(body)].join('\n');
  const scope = `${day}/${region}/dynamodb/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, await sha256(canonical)].join('\n');
  let key = await hmac(`AWS4${secretAccessKey}`, day);
  for (const part of [region, 'dynamodb', 'aws4_request']) key = await hmac(key, part);
  const signature = hex(await hmac(key, stringToSign));
  return {
    'X-Amz-Date': amzDate,
    Authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, ` +
                   `SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
