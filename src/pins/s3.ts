// PUT of one object to S3 (or an S3-compatible store) with AWS Signature Version 4, for publishing a
// pin set to `s3://bucket/prefix`. Addressing follows Nix's s3:// store URLs: `?region=` (default
// us-east-1), `?endpoint=host[:port]` for S3-compatible servers (path-style requests) and
// `?scheme=http|https` (default https); without an endpoint, AWS's virtual-hosted style. Credentials
// come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), as Nix's own S3 store
// reads them; they are only ever used to sign, never printed.
import { createHash, createHmac } from 'node:crypto';
import { http } from '../http.ts';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing slash ('' for the bucket's root). */
  prefix: string;
  region: string;
  /** Origin requests go to, and whether the bucket is in the path (S3-compatible) or the host (AWS). */
  origin: string;
  pathStyle: boolean;
}

export function parseS3Url(url: string): S3Location {
  const u = new URL(url);
  if (u.protocol !== 's3:' || !u.hostname) throw new Error('expected s3://bucket[/prefix]');
  const region = u.searchParams.get('region') || 'us-east-1';
  const endpoint = u.searchParams.get('endpoint');
  const scheme = u.searchParams.get('scheme') || 'https';
  if (scheme !== 'http' && scheme !== 'https') throw new Error(`scheme must be http or https, not ${scheme}`);
  if (!/^[a-z0-9-]+$/.test(region)) throw new Error(`"${region}" is not an AWS region`);
  const prefix = decodeURIComponent(u.pathname).replace(/^\/+|\/+$/g, '');
  const origin = endpoint ? `${scheme}://${endpoint.replace(/^https?:\/\//, '').replace(/\/+$/, '')}` : `${scheme}://${u.hostname}.s3.${region}.amazonaws.com`;
  return { bucket: u.hostname, prefix, region, origin, pathStyle: endpoint !== null };
}

export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Credentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) throw new Error('publishing to s3:// needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment');
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding of each path segment, as SigV4 wants for S3 (slashes kept, nothing encoded twice). */
export function encodeKeyPath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

export interface SignInput {
  method: string;
  host: string;
  /** Already encoded (encodeKeyPath). */
  path: string;
  /** Lower-case names; host and x-amz-* are added. */
  headers: Record<string, string>;
  payloadHash: string;
  region: string;
  /** `YYYYMMDDTHHMMSSZ` */
  amzDate: string;
  credentials: S3Credentials;
}

/** The Authorization header value (AWS4-HMAC-SHA256) for a request without a query string. */
export function sigV4Authorization(r: SignInput): string {
  const headers: Record<string, string> = { ...r.headers, host: r.host, 'x-amz-content-sha256': r.payloadHash, 'x-amz-date': r.amzDate };
  if (r.credentials.sessionToken) headers['x-amz-security-token'] = r.credentials.sessionToken;
  const names = Object.keys(headers).map((n) => n.toLowerCase()).sort();
  const canonicalHeaders = names.map((n) => `${n}:${String(headers[n]).trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonical = [r.method, r.path, '', canonicalHeaders, signedHeaders, r.payloadHash].join('\n');
  const day = r.amzDate.slice(0, 8);
  const scope = `${day}/${r.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', r.amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${r.credentials.secretAccessKey}`, day), r.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${r.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

export async function s3Put(location: S3Location, name: string, body: Buffer | string, contentType: string, credentials: S3Credentials, signal: AbortSignal): Promise<void> {
  const key = [location.prefix, name].filter(Boolean).join('/');
  const path = encodeKeyPath(location.pathStyle ? `/${location.bucket}/${key}` : `/${key}`);
  const host = new URL(location.origin).host;
  const payloadHash = sha256(body);
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const headers = { 'content-type': contentType };
  const authorization = sigV4Authorization({ method: 'PUT', host, path, headers, payloadHash, region: location.region, amzDate, credentials });
  await http(`${location.origin}${path}`, {
    method: 'PUT',
    signal,
    timeoutMs: 60_000,
    body,
    headers: {
      ...headers,
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': amzDate,
      ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
      authorization,
    },
  });
}
