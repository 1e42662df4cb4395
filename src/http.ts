// HTTP with the two things every cache call needs: a per-request timeout (a cache that accepts and
// never answers must not stall the job) and retries with backoff for transient failures, bounded
// by the caller's AbortSignal (the step's time budget).
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { PushError } from './push/target.ts';

// node:http and node:https through require, not `import`: an ESM import builds a facade of every
// export, and reading node:http's lazy WebSocket getters loads Node's internal undici (~30 ms of
// every step's start, measured by bench/).
const nodeRequire = createRequire(import.meta.url);
const { request: httpRequest } = nodeRequire('node:http') as typeof import('node:http');
const { request: httpsRequest } = nodeRequire('node:https') as typeof import('node:https');

export const USER_AGENT = 'nix-substitute-action';

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: RequestInit['body'];
  /** Whole-request timeout in ms (default 30 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class HttpError extends Error {
  readonly status: number;
  readonly body: string;
  constructor(status: number, url: string, body: string) {
    super(`HTTP ${status} from ${redactUrl(url)}${body ? `: ${body.slice(0, 300)}` : ''}`);
    this.name = 'HttpError';
    this.status = status;
    this.body = body;
  }
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

export function isTransientStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/** Sends a request; non-2xx answers become HttpError. Network failures and timeouts pass through. */
export async function http(url: string, options: HttpOptions = {}): Promise<Response> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
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
    const text = await response.text().catch(() => '');
    throw new HttpError(response.status, url, text);
  }
  return response;
}

export async function httpJson<T>(url: string, options: HttpOptions = {}): Promise<T> {
  const response = await http(url, { ...options, headers: { accept: 'application/json', ...options.headers } });
  return (await response.json()) as T;
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
  attempts?: number;
  baseDelayMs?: number;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Runs `fn` until it succeeds, fails permanently, runs out of attempts, or the signal aborts. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    options.signal.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= attempts || !isTransient(error) || options.signal.aborted) throw error;
      // Full jitter keeps parallel workers from retrying in lock step against a struggling cache.
      const delay = Math.round(Math.random() * Math.min(8_000, base * 2 ** (attempt - 1)));
      options.onRetry?.(error, attempt, delay);
      await sleep(delay, undefined, { signal: options.signal });
    }
  }
}

/**
 * PUT with a streamed body over node:http(s). Not fetch(): Node's fetch keeps every chunk of a
 * streamed request body until the request is done (a 1 GiB NAR cost 1 GiB of memory), while
 * node:http keeps only what the socket has not taken yet. Resolves with the status and text of any
 * answer, also one the server sends before reading the whole body (401, 413); non-2xx becomes
 * HttpError like src/http.ts does.
 */
export async function putStream(url: string, headers: Record<string, string>, body: AsyncIterable<Uint8Array>, timeoutMs: number, signal: AbortSignal): Promise<string> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  const request = (new URL(url).protocol === 'https:' ? httpsRequest : httpRequest)(url, {
    method: 'PUT',
    headers: { 'user-agent': USER_AGENT, ...headers },
    signal: combined,
  });
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
  // Errors while sending surface through `answer` (the request emits them); an early answer wins.
  const sending = pipeline(Readable.from(body), request).catch(() => undefined);
  try {
    const { status, text } = await answer;
    if (status < 200 || status >= 300) throw new HttpError(status, url, text);
    await sending;
    return text;
  } catch (error) {
    // Which signal fired decides between "timed out" (transient) and "step budget spent" (not).
    if (combined.aborted) throw signal.aborted ? signal.reason : timeout.reason;
    throw error;
  } finally {
    request.destroy();
  }
}

