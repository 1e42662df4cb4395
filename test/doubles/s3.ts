// An S3 stand-in for object PUT/GET with the checks S3 itself makes before storing anything:
// Signature Version 4 over what arrived (canonical request from the received method, path and
// signed headers), a known access key, a credential scope for this region and s3, host and
// x-amz-content-sha256 signed, the payload hash equal to the body's (XAmzContentSHA256Mismatch), a
// request time within 15 minutes (RequestTimeTooSkewed), an existing bucket (NoSuchBucket). Errors
// answer S3's XML shape. Path-style addressing (`/bucket/key`), as with `?endpoint=` in s3:// URLs.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sigV4Authorization } from '../../src/pins/s3.ts';

export interface S3Double {
  /** `127.0.0.1:PORT`, for `?endpoint=`. */
  endpoint: string;
  /** Stored objects: `bucket/key` → body. */
  objects: Map<string, Buffer>;
  /** Every request, in order: method, path, status. */
  requests: Array<{ method: string; path: string; status: number }>;
  stop(): Promise<void>;
}

function fail(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

export async function startS3Double(options: { region: string; buckets: string[]; keys: Record<string, string> }): Promise<S3Double> {
  const objects = new Map<string, Buffer>();
  const requests: S3Double['requests'] = [];

  const handle = (req: IncomingMessage, body: Buffer, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const [, bucket = '', ...rest] = path.split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? '');
    if (!auth) return fail(res, 403, 'AccessDenied', 'missing or malformed Authorization');
    const [, accessKey = '', day, region, service, signedList = '', signature] = auth;
    const secret = options.keys[accessKey];
    if (secret === undefined) return fail(res, 403, 'InvalidAccessKeyId', 'unknown access key');
    if (region !== options.region || service !== 's3') return fail(res, 400, 'AuthorizationHeaderMalformed', `scope must be ${options.region}/s3`);
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    const when = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (!Number.isFinite(when) || amzDate.slice(0, 8) !== day) return fail(res, 403, 'AccessDenied', 'bad x-amz-date');
    if (Math.abs(Date.now() - when) > 15 * 60_000) return fail(res, 403, 'RequestTimeTooSkewed', 'request time too far from the server time');
    const signed = signedList.split(';');
    if (!signed.includes('host') || !signed.includes('x-amz-content-sha256')) return fail(res, 403, 'AccessDenied', 'host and x-amz-content-sha256 must be signed');
    const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
    if (req.method === 'PUT' && payloadHash !== createHash('sha256').update(body).digest('hex')) return fail(res, 400, 'XAmzContentSHA256Mismatch', 'payload hash differs');
    const headers: Record<string, string> = {};
    for (const name of signed) if (!['host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token'].includes(name)) headers[name] = String(req.headers[name] ?? '');
    const token = req.headers['x-amz-security-token'];
    const expected = sigV4Authorization({
      method: req.method ?? '', host: String(req.headers.host ?? ''), path, headers, payloadHash, region: options.region, amzDate,
      credentials: { accessKeyId: accessKey, secretAccessKey: secret, ...(typeof token === 'string' ? { sessionToken: token } : {}) },
    });
    if (!expected.endsWith(`Signature=${signature}`) || !expected.includes(`SignedHeaders=${signedList},`)) return fail(res, 403, 'SignatureDoesNotMatch', 'the signature does not match');
    if (!options.buckets.includes(bucket)) return fail(res, 404, 'NoSuchBucket', 'no such bucket');
    if (req.method === 'PUT') {
      objects.set(`${bucket}/${key}`, body);
      res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
      return void res.end();
    }
    const object = objects.get(`${bucket}/${key}`);
    if (req.method !== 'GET') return fail(res, 405, 'MethodNotAllowed', 'only GET and PUT');
    if (!object) return fail(res, 404, 'NoSuchKey', 'no such key');
    res.writeHead(200);
    res.end(object);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.on('finish', () => requests.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0] ?? '', status: res.statusCode }));
      handle(req, Buffer.concat(chunks), res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `127.0.0.1:${port}`,
    objects,
    requests,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
