// HTTP with what every cache call needs: retries with backoff for transient failures as the cachix
// client does them (src/retry.ts), honouring Retry-After, bounded by the caller's AbortSignal (the
// step's time budget); bodies with a Content-Length (proxies refuse chunked ones); and a timeout
// only where a caller asks for one (the real clients have none: the budget bounds a slow upload).
import * as nodeHttp from 'node:http';
import type { IncomingMessage } from 'node:http';
import * as nodeHttps from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { PushError } from './errors.ts';
import { writeInTurn } from './write-in-turn.ts';
import { serverText } from './server-text.ts';
import { backoffDelay, HTTP_RETRY_POLICY, retryAfterMs, scaled, testTimeScale, type RetryPolicy } from './retry.ts';

const USER_AGENT = 'nix-substitute-action';

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: RequestInit['body'];
  /** Whole-request timeout in ms; none by default (the signal, the step's budget, bounds it). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class HttpError extends Error {
  readonly status: number;
  readonly body: string;
  /** How long the server asked us to wait before trying again (Retry-After), if it did. */
  readonly retryAfterMs: number | null;
  constructor(status: number, url: string, body: string, retryAfter: number | null = null) {
    // The body is the server's text: shortened and unable to act as a workflow command.
    super(`HTTP ${status} from ${redactUrl(url)}${body ? `: ${serverText(body)}` : ''}`);
    this.name = 'HttpError';
    this.status = status;
    this.body = body;
    this.retryAfterMs = retryAfter;
  }
}

/** An HttpError for a non-2xx answer, with the server's Retry-After hint read from it. */
export function httpError(status: number, url: string, body: string, header: (name: string) => string | null | undefined): HttpError {
  return new HttpError(status, url, body, retryAfterMs(header('retry-after'), header('content-type'), body));
}

/** Drops credentials and query strings (presigned URLs carry signatures) from URLs in messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '<url>';
  }
}

/** Largest answer held in memory (JSON, narinfo): a missing-paths answer for 32768 hashes is ~1 MB. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Of an error answer only the start is kept: it is shortened for messages anyway. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

export class BodyTooLargeError extends Error {
  constructor(url: string, max: number) {
    super(`the answer from ${redactUrl(url)} is larger than ${max} bytes: not read`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * The body as text, read as it streams and never more than `max` bytes: a server that sends
 * gigabytes costs at most `max`. Over the cap: BodyTooLargeError, or the first `max` bytes with
 * `truncate` (error answers).
 */
export async function readBody(response: Response, url: string, max = MAX_BODY_BYTES, truncate = false): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > max) {
      await reader.cancel().catch(() => undefined);
      if (!truncate) throw new BodyTooLargeError(url, max);
      chunks.push(value.subarray(0, max - size));
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return Buffer.concat(chunks).toString();
}

/** The body parsed as JSON, within MAX_BODY_BYTES. */
export async function readJson(response: Response, url: string): Promise<unknown> {
  return JSON.parse(await readBody(response, url));
}

/**
 * 429 and every 5xx, as the cachix client; 408 (request timeout) and 499 (a proxy's "client closed
 * request", which nginx and Cloudflare log when they gave up on a slow upstream) are transient too.
 */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status === 408 || status === 499 || status >= 500;
}

/** Sends a request; non-2xx answers become HttpError. Network failures and timeouts pass through. */
export async function http(url: string, options: HttpOptions = {}): Promise<Response> {
  const timeout = options.timeoutMs === undefined ? null : AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal && timeout ? AbortSignal.any([options.signal, timeout]) : (options.signal ?? timeout ?? undefined);
  // Bodies here are small (JSON, narinfo, one Cachix part); stream large ones with putStream.
  const init: RequestInit = {
    method: options.method ?? 'GET',
    headers: { 'user-agent': USER_AGENT, ...options.headers },
    body: options.body ?? null,
    signal,
  };
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    // fetch() says only "fetch failed"; the cause (ECONNREFUSED, ENOTFOUND…) is what a user can act on.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (error instanceof TypeError && cause) throw new TypeError(`cannot reach ${redactUrl(url)}: ${cause.code ?? cause.message ?? 'network error'}`, { cause });
    throw error;
  }
  if (!response.ok) {
    const text = await readBody(response, url, MAX_ERROR_BODY_BYTES, true).catch(() => '');
    throw httpError(response.status, url, text, (name) => response.headers.get(name));
  }
  return response;
}

export async function httpJson<T>(url: string, options: HttpOptions = {}): Promise<T> {
  const response = await http(url, { ...options, headers: { accept: 'application/json', ...options.headers } });
  return (await readJson(response, url)) as T;
}

/** True for failures worth another try: connection errors, timeouts, 5xx, 429. */
export function isTransient(error: unknown): boolean {
  if (error instanceof PushError) return error.transient;
  if (error instanceof HttpError) return isTransientStatus(error.status);
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return true;
    if (error.name === 'AbortError') return false;
    // fetch() reports network failures as TypeError('fetch failed') with a cause.
    return error instanceof TypeError || /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket|terminated/i.test(String(error.message));
  }
  return false;
}

export interface RetryOptions {
  signal: AbortSignal;
  /** At most this many attempts (default: no count, the policy's total wait bounds it). */
  attempts?: number;
  /** Defaults to the cachix client's policy (HTTP_RETRY_POLICY). */
  policy?: RetryPolicy;
  /** Tests: the jitter source and the wait, so the policy's shape is checked without real minutes. */
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Tests: a retry loop's timing (the policy's shape stays the real client's). */
export type RetryTiming = Pick<RetryOptions, 'attempts' | 'policy' | 'random' | 'sleep' | 'onRetry'>;

/** The server's Retry-After of the failure (or of the HttpError it wraps), if any. */
function serverDelay(error: unknown): number | null {
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (e instanceof HttpError) return e.retryAfterMs;
  return null;
}

const realSleep = (ms: number, signal: AbortSignal): Promise<void> => sleep(ms, undefined, { signal });

/**
 * Runs `fn` until it succeeds, fails permanently, the policy's waits add up to its total (90 s by
 * default), `attempts` run out, or the signal aborts. A Retry-After replaces the backoff wait.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const scale = testTimeScale();
  const policy = scaled(options.policy ?? HTTP_RETRY_POLICY, scale);
  const random = options.random ?? Math.random;
  const wait = options.sleep ?? realSleep;
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    options.signal.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if ((options.attempts !== undefined && attempt >= options.attempts) || !isTransient(error) || options.signal.aborted) throw error;
      // Full jitter keeps parallel workers from retrying in lock step against a struggling cache.
      const backoff = backoffDelay(policy, attempt, random());
      if (waited + backoff > policy.totalDelayMs) throw error;
      const hinted = serverDelay(error);
      const delay = hinted === null ? backoff : Math.round(hinted * scale);
      waited += delay;
      options.onRetry?.(error, attempt, delay);
      // The budget running out during a wait ends the loop with the failure being retried, which
      // says more than "timeout" (the caller knows its signal fired).
      await wait(delay, options.signal).catch((aborted: unknown) => {
        throw options.signal.aborted ? error : aborted;
      });
    }
  }
}

// One keep-alive agent per protocol for every node:http(s) request of the process: a push of many
// small paths reuses a few connections instead of opening (and TIME_WAIT-ing) one per request.
// Idle sockets are unref'd by the agent, so they never keep the process alive.
const httpAgent = new nodeHttp.Agent({ keepAlive: true });
const httpsAgent = new nodeHttps.Agent({ keepAlive: true });
function client(https: boolean): { request: typeof nodeHttp.request; agent: nodeHttp.Agent } {
  return https ? { request: nodeHttps.request, agent: httpsAgent } : { request: nodeHttp.request, agent: httpAgent };
}

export interface RawResponse {
  status: number;
  text: string;
  headers: import('node:http').IncomingHttpHeaders;
}

/**
 * A system error (ECONNREFUSED, ENOTFOUND, ECONNRESET…) as http() reports it: a TypeError (so
 * isTransient retries it) naming the redacted URL and the code a user can act on. Other errors
 * (the body's own, e.g. a NAR that fails its check) pass through.
 */
function networkError(url: string, error: Error): Error {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? new TypeError(`network error with ${redactUrl(url)}: ${code}`, { cause: error }) : error;
}

/**
 * One request over node:http(s) with the shared keep-alive agent; any status resolves (the caller
 * decides what a 404 means, without the cost of an exception per absent narinfo). `body` is sent
 * whole (a string or bytes) or streamed (never held: node:http keeps only what the socket has not taken).
 * The answer may come before the whole body is sent (401, 413) and wins. A whole-request timeout
 * rejects with a TimeoutError (transient); an abort of `signal` with its reason (the step's budget).
 */
export function request(
  url: string,
  options: {
    method: string;
    headers?: Record<string, string>;
    body?: string | Uint8Array | AsyncIterable<Uint8Array>;
    /** Bytes of a streamed body: sent as Content-Length, since proxies (cloudflared) refuse chunked bodies. */
    contentLength?: number;
    /** Whole-request timeout; none by default (the signal bounds the request). */
    timeoutMs?: number;
    signal: AbortSignal;
  },
): Promise<RawResponse> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  const https = new URL(url).protocol === 'https:';
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...options.headers };
  const body = options.body;
  if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
  else if (body instanceof Uint8Array) headers['content-length'] = String(body.byteLength);
  else if (body !== undefined && options.contentLength !== undefined) headers['content-length'] = String(options.contentLength);
  const { request: send, agent } = client(https);
  const req = send(url, { method: options.method, headers, agent });
  // A streamed body that turns out longer or shorter than its Content-Length is an error here, not
  // a request the server reads wrong.
  (req as unknown as { strictContentLength: boolean }).strictContentLength = true;
  return new Promise<RawResponse>((resolve, reject) => {
    let done = false;
    const finish = (error: unknown, answer?: RawResponse) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      // A socket with a request in an unknown state cannot go back to the pool.
      if (error || !req.writableFinished) req.destroy();
      if (error) reject(error);
      else resolve(answer as RawResponse);
    };
    const onAbort = () => finish(signal.reason);
    const { timeoutMs } = options;
    const timer = timeoutMs === undefined ? null : setTimeout(() => finish(new DOMException(`${redactUrl(url)} did not answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => finish(networkError(url, error)));
    req.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (c: Buffer) => {
        size += c.byteLength;
        if (size > MAX_BODY_BYTES) finish(new BodyTooLargeError(url, MAX_BODY_BYTES));
        else chunks.push(c);
      });
      response.on('end', () => finish(null, { status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString(), headers: response.headers }));
      response.on('error', (error) => finish(networkError(url, error)));
    });
    if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) req.end(body);
    // Chunk by chunk, so chunks in reused buffers are never queued (src/write-in-turn.ts). Errors
    // while sending surface through the request's 'error' (or an early answer wins).
    else
      writeInTurn(req, body).then(
        () => req.end(),
        (error: unknown) => finish(error),
      );
  });
}

/**
 * PUT with a streamed body of `contentLength` bytes over node:http(s). Not fetch(): Node's fetch keeps every chunk of a
 * streamed request body until the request is done (a 1 GiB NAR cost 1 GiB of memory), while
 * node:http keeps only what the socket has not taken yet. Resolves with the text of a 2xx answer;
 * any other, also one the server sends before reading the whole body (401, 413), becomes HttpError
 * like http() does.
 */
export async function putStream(url: string, headers: Record<string, string>, body: AsyncIterable<Uint8Array>, contentLength: number, signal: AbortSignal): Promise<string> {
  const answer = await request(url, { method: 'PUT', headers, body, contentLength, signal });
  if (answer.status < 200 || answer.status >= 300) throw rawHttpError(url, answer);
  return answer.text;
}

/** The HttpError for a non-2xx RawResponse (with its Retry-After). */
export function rawHttpError(url: string, answer: RawResponse): HttpError {
  return httpError(answer.status, url, answer.text, (name) => {
    const v = answer.headers[name];
    return Array.isArray(v) ? v[0] : v;
  });
}
