// The retry policy of the cachix client (cachix/cachix `Cachix.Client.Retry`), which every cache
// call here follows: full-jitter exponential backoff from 1 s, each wait capped at 15 s, until the
// waits add up to 90 s; a server's Retry-After (seconds or an HTTP date, or the `retry_after` of a
// Cloudflare problem+json body) replaces the wait, clamped to 120 s so a hostile answer cannot park
// the job. There is no attempt count: the caller's AbortSignal (the step's budget) ends it sooner.

export interface RetryPolicy {
  /** First backoff step; step n waits a random time up to baseMs × 2^(n-1). */
  readonly baseMs: number;
  /** No single wait is longer (before a Retry-After override). */
  readonly capMs: number;
  /** Stop once the waits so far plus the next would pass this. */
  readonly totalDelayMs: number;
  /** Upper bound on a server's Retry-After. */
  readonly maxRetryAfterMs: number;
  /** Every wait is baseMs, no jitter (`constantDelay`). */
  readonly constant?: boolean;
}

/** `httpRetryPolicy` and `maxRetryAfterMicros` of the cachix client. */
export const HTTP_RETRY_POLICY: RetryPolicy = { baseMs: 1_000, capMs: 15_000, totalDelayMs: 90_000, maxRetryAfterMs: 120_000 };

/**
 * `retryAllPolicy`: a whole store path again (a fresh NAR stream) after its requests' own retries
 * gave up: 5 s apart, 3 more times.
 */
export const WHOLE_PATH_RETRY_POLICY: RetryPolicy = { baseMs: 5_000, capMs: 5_000, totalDelayMs: 15_000, maxRetryAfterMs: 120_000, constant: true };
export const WHOLE_PATH_ATTEMPTS = 4;

/** The backoff wait before retry `retry` (1-based) with `random` in [0, 1): full jitter. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: number): number {
  if (policy.constant) return policy.baseMs;
  return Math.round(random * Math.min(policy.capMs, policy.baseMs * 2 ** (retry - 1)));
}

/**
 * The wait a server asks for, in ms, or null when it asks for none (or for a time already past).
 * `Retry-After: 30`, `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`, or a problem+json body's
 * `retry_after` (Cloudflare sends that instead of the header on origin errors).
 */
export function retryAfterMs(header: string | null | undefined, contentType: string | null | undefined, body: string, now = Date.now(), maxMs = HTTP_RETRY_POLICY.maxRetryAfterMs): number | null {
  let ms: number | null = null;
  const value = header?.trim() ?? '';
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else if (value !== '') {
    const date = Date.parse(value);
    if (!Number.isNaN(date)) ms = Math.ceil((date - now) / 1000) * 1000;
  } else if (/^application\/(problem\+)?json\b/i.test(contentType ?? '')) {
    try {
      const parsed = JSON.parse(body) as unknown;
      const seconds = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).retry_after : undefined;
      if (typeof seconds === 'number' && Number.isInteger(seconds)) ms = seconds * 1000;
    } catch {
      /* not JSON: no hint */
    }
  }
  if (ms === null || ms <= 0) return null;
  return Math.min(ms, maxMs);
}

/**
 * The project's end-to-end tests run the built action as a real step and cannot inject a clock:
 * NIX_SUBSTITUTE_ACTION_TEST_RETRY_SCALE (a number in (0, 1]) shrinks every wait of the policy and
 * every Retry-After alike, so its shape is kept while a test does not wait real minutes. Anything
 * else (unset, out of range) is 1: the variable can only make retries come sooner.
 */
export function testTimeScale(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.NIX_SUBSTITUTE_ACTION_TEST_RETRY_SCALE);
  return Number.isFinite(n) && n > 0 && n <= 1 ? n : 1;
}

export function scaled(policy: RetryPolicy, scale: number): RetryPolicy {
  if (scale === 1) return policy;
  return { ...policy, baseMs: policy.baseMs * scale, capMs: policy.capMs * scale, totalDelayMs: policy.totalDelayMs * scale, maxRetryAfterMs: policy.maxRetryAfterMs * scale };
}
