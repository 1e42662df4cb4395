// Every input, parsed once by zod into one typed Settings object. A bad value fails here, before
// anything is changed, with a message that names the input and says what it expects.
import * as z from 'zod/mini';
import './zod-english.ts';
import { Inputs, type InputName, SecretEnvFallbacks } from './constants.ts';
import { parsePublicKey, parseSecretKey, secretKeyFromBytes, type PublicKey, type SecretKey } from './nix/keys.ts';

export type PushMode = 'auto' | 'true' | 'false';

export interface CachixPin {
  name: string;
  target: string;
  keep: { tag: 'Days' | 'Revisions'; contents: number } | { tag: 'Forever' } | null;
}

export interface CachixSettings {
  name: string;
  authToken: string | null;
  signingKey: SecretKey | null;
  publicKey: PublicKey | null;
  apiUrl: string;
  pins: CachixPin[];
  chunkSize: number;
}

export interface AtticSettings {
  endpoint: string;
  cache: string;
  token: string | null;
  publicKey: PublicKey | null;
}

export interface Settings {
  substituters: string[];
  trustedPublicKeys: PublicKey[];
  cachix: CachixSettings | null;
  attic: AtticSettings | null;
  pushTo: string[];
  signingKey: SecretKey | null;
  push: PushMode;
  pushBranches: string[];
  paths: string[];
  include: RegExp[];
  exclude: RegExp[];
  upstreamKeys: string[];
  jobs: number;
  pushTimeoutSeconds: number;
  strict: boolean;
  fallback: boolean;
  requireSubstituted: string[];
  pushWhileBuilding: boolean;
}

export const DEFAULT_CACHIX_API = 'https://app.cachix.org/api/v1';
export const DEFAULT_PUSH_TIMEOUT_SECONDS = 600;
export const DEFAULT_CHUNK_SIZE = 32 * 1024 * 1024;

export type RawInputs = Partial<Record<InputName, string>>;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid input:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

// ---- value schemas: each turns one input's text into a typed value or explains what it expects.

/** Space- or newline-separated list; `#` starts a comment on multi-line inputs. */
export function words(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, ''))
    .join(' ')
    .split(/\s+/)
    .filter(Boolean);
}
function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Records a problem from inside a transform (zod/mini's transform context is the parse payload). */
function problem(ctx: z.core.ParsePayload, message: string): void {
  ctx.issues.push({ code: 'custom', message, input: ctx.value });
}

/** A string input turned into a value by `fn`, which reports problems through `problem(ctx, …)`. */
function stringTo<O>(fn: (value: string, ctx: z.core.ParsePayload) => O) {
  return z.pipe(z.string(), z.transform(fn));
}

const list = stringTo(words);

function fromThrowing<T>(parse: (s: string) => T) {
  return (value: string, ctx: z.core.ParsePayload): T => {
    try {
      return parse(value);
    } catch (error) {
      problem(ctx, (error as Error).message);
      return z.NEVER;
    }
  };
}

const publicKey = stringTo(fromThrowing(parsePublicKey));
const optionalPublicKey = stringTo((s, ctx) => (s.trim() === '' ? null : fromThrowing(parsePublicKey)(s, ctx)));
const optionalSecretKey = stringTo((s, ctx) => (s.trim() === '' ? null : fromThrowing(parseSecretKey)(s, ctx)));

/** CACHIX_SIGNING_KEY is base64 of the 64-byte secret with no `name:`; the name comes from the cache. */
const cachixSigningKey = stringTo((s, ctx) => {
  const trimmed = s.trim();
  if (trimmed === '') return null;
  if (trimmed.includes(':')) {
    problem(ctx, 'expected the base64 secret key Cachix shows (no "name:" prefix)');
    return z.NEVER;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
    problem(ctx, 'expected base64 text');
    return z.NEVER;
  }
  // The name is a placeholder until the cache's key name is known (cache info lookup).
  return fromThrowing((t: string) => secretKeyFromBytes('cachix', Buffer.from(t, 'base64')))(trimmed, ctx);
});

const httpUrl = stringTo((s, ctx) => {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    problem(ctx, `"${s}" is not a URL`);
    return z.NEVER;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problem(ctx, `"${s}" must be an http:// or https:// URL`);
    return z.NEVER;
  }
  return s.replace(/\/+$/, '');
});

const SUBSTITUTER_SCHEMES = ['http:', 'https:', 'file:', 's3:', 'ssh:', 'ssh-ng:', 'daemon:', 'local:'];
const PUSH_SCHEMES = ['http:', 'https:', 'file:', 's3:', 'ssh:', 'ssh-ng:'];
function storeUrls(schemes: string[]) {
  return stringTo((s, ctx) =>
    words(s).map((u) => {
      let url: URL | null = null;
      try {
        url = new URL(u);
      } catch {
        /* reported below */
      }
      if (!url || !schemes.includes(url.protocol)) {
        problem(ctx, `"${u}" is not a supported store URL (expected ${schemes.map((p) => `${p}//…`).join(', ')})`);
      }
      return u;
    }),
  );
}

const CACHE_NAME = /^[A-Za-z0-9][A-Za-z0-9-_+]{0,49}$/;
const atticCache = z.string().check(z.regex(CACHE_NAME, 'an attic cache name is 1–50 letters, digits, "-", "_" or "+", starting with a letter or digit'));
// Cachix names are subdomains: lower-case letters, digits and inner hyphens.
const cachixName = z
  .string()
  .check(z.regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'a Cachix cache name is lower-case letters, digits and inner hyphens (it becomes <name>.cachix.org)'));

/** Empty stays '' (the input is unset); anything else must pass `schema`, whose messages are kept. */
function optional(schema: z.ZodMiniType<string, string>) {
  return stringTo((s, ctx): string => {
    const trimmed = s.trim();
    if (trimmed === '') return '';
    const result = schema.safeParse(trimmed);
    if (result.success) return result.data;
    for (const issue of result.error.issues) problem(ctx, issue.message);
    return z.NEVER;
  });
}

const bool = (name: string) =>
  stringTo((s, ctx) => {
    const v = s.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
    problem(ctx, `${name} takes true or false, not "${s}"`);
    return z.NEVER;
  });

const integer = (min: number, max: number) =>
  stringTo((s, ctx) => {
    const n = Number(s.trim());
    if (!/^\d+$/.test(s.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      problem(ctx, `expected a whole number from ${min} to ${max}, not "${s}"`);
      return z.NEVER;
    }
    return n;
  });

const regexes = stringTo((s, ctx) =>
  lines(s).map((source) => {
    try {
      return new RegExp(source);
    } catch (error) {
      problem(ctx, `"${source}" is not a valid regular expression: ${(error as Error).message}`);
      return /$^/;
    }
  }),
);

const branchGlobs = stringTo((s, ctx) => {
  const globs = words(s);
  for (const g of globs) if (/[\s~^:?\\]|\.\.|@\{/.test(g.replace(/\?/g, ''))) problem(ctx, `"${g}" is not a branch name or glob`);
  return globs;
});

const keyNames = stringTo((s, ctx) => {
  const names = words(s);
  for (const n of names) if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(n)) problem(ctx, `"${n}" is not a key name (the part before ":" in a key)`);
  return names;
});

const pins = stringTo((s, ctx): CachixPin[] =>
  lines(s).map((line) => {
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*=\s*(\S+)(?:\s+keep=(\S+))?$/.exec(line);
    if (!m?.[1] || !m[2]) {
      problem(ctx, `"${line}" is not "name=path-or-installable [keep=days:N|revisions:N|forever]"`);
      return { name: '', target: '', keep: null };
    }
    const keepText = m[3];
    let keep: CachixPin['keep'] = null;
    if (keepText === 'forever') keep = { tag: 'Forever' };
    else if (keepText) {
      const k = /^(days|revisions):([1-9]\d*)$/.exec(keepText);
      if (!k?.[1] || !k[2]) problem(ctx, `keep "${keepText}" must be days:N, revisions:N or forever`);
      else keep = { tag: k[1] === 'days' ? 'Days' : 'Revisions', contents: Number(k[2]) };
    }
    return { name: m[1], target: m[2], keep };
  }),
);

const pushMode = stringTo((s, ctx): PushMode => {
  const v = s.trim().toLowerCase();
  if (v === 'auto' || v === 'true' || v === 'false') return v;
  problem(ctx, `expected auto, true or false, not "${s}"`);
  return z.NEVER;
});

// ---- the input table: schema and default for each input.
const table = {
  [Inputs.Substituters]: [storeUrls(SUBSTITUTER_SCHEMES), ''],
  [Inputs.TrustedPublicKeys]: [z.pipe(list, z.array(publicKey)), ''],
  [Inputs.Cachix]: [optional(cachixName), ''],
  [Inputs.CachixAuthToken]: [stringTo((s) => s.trim()), ''],
  [Inputs.CachixSigningKey]: [cachixSigningKey, ''],
  [Inputs.CachixPublicKey]: [optionalPublicKey, ''],
  [Inputs.CachixApiUrl]: [httpUrl, DEFAULT_CACHIX_API],
  [Inputs.CachixPins]: [pins, ''],
  [Inputs.CachixChunkSize]: [integer(64 * 1024, 5 * 1024 ** 3), String(DEFAULT_CHUNK_SIZE)],
  [Inputs.AtticEndpoint]: [optional(httpUrl), ''],
  [Inputs.AtticCache]: [optional(atticCache), ''],
  [Inputs.AtticToken]: [stringTo((s) => s.trim()), ''],
  [Inputs.AtticPublicKey]: [optionalPublicKey, ''],
  [Inputs.PushTo]: [storeUrls(PUSH_SCHEMES), ''],
  [Inputs.SigningKey]: [optionalSecretKey, ''],
  [Inputs.Push]: [pushMode, 'auto'],
  [Inputs.PushBranches]: [branchGlobs, 'main'],
  [Inputs.Paths]: [list, ''],
  [Inputs.Include]: [regexes, ''],
  [Inputs.Exclude]: [regexes, ''],
  [Inputs.UpstreamKeys]: [keyNames, 'cache.nixos.org-1'],
  [Inputs.Jobs]: [integer(1, 64), '8'],
  [Inputs.PushTimeout]: [integer(1, 6 * 3600), String(DEFAULT_PUSH_TIMEOUT_SECONDS)],
  [Inputs.Strict]: [bool('strict'), 'false'],
  [Inputs.Fallback]: [bool('fallback'), 'true'],
  [Inputs.RequireSubstituted]: [list, ''],
  [Inputs.PushWhileBuilding]: [bool('push-while-building'), 'false'],
} as const satisfies Record<InputName, readonly [z.ZodMiniType<unknown, string>, string]>;

type Parsed = { [K in keyof typeof table]: z.output<(typeof table)[K][0]> };

/** Fills secrets from their environment fallbacks (CACHIX_AUTH_TOKEN, …) when the input is empty. */
export function withEnvFallbacks(raw: RawInputs, env: NodeJS.ProcessEnv): RawInputs {
  const out: RawInputs = { ...raw };
  for (const [input, variable] of Object.entries(SecretEnvFallbacks) as Array<[InputName, string]>) {
    if (!out[input]?.trim() && env[variable]) out[input] = env[variable];
  }
  return out;
}

export function parseSettings(raw: RawInputs): Settings {
  const problems: string[] = [];
  const parsed = {} as Record<string, unknown>;
  for (const [name, [schema, fallback]] of Object.entries(table) as Array<[InputName, readonly [z.ZodMiniType, string]]>) {
    const text = raw[name];
    const result = schema.safeParse(text === undefined || text.trim() === '' ? fallback : text);
    if (result.success) parsed[name] = result.data;
    else for (const issue of result.error.issues) problems.push(`${name}: ${issue.message}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const p = parsed as Parsed;

  if (p[Inputs.AtticEndpoint] !== '' && p[Inputs.AtticCache] === '') problems.push(`${Inputs.AtticCache}: required when ${Inputs.AtticEndpoint} is set`);
  if (p[Inputs.AtticCache] !== '' && p[Inputs.AtticEndpoint] === '') problems.push(`${Inputs.AtticEndpoint}: required when ${Inputs.AtticCache} is set`);
  for (const input of [Inputs.CachixAuthToken, Inputs.CachixSigningKey, Inputs.CachixPublicKey, Inputs.CachixPins] as const) {
    if (p[input] && (!Array.isArray(p[input]) || p[input].length > 0) && p[Inputs.Cachix] === '') problems.push(`${input}: needs the cache name in ${Inputs.Cachix}`);
  }
  for (const input of [Inputs.AtticToken, Inputs.AtticPublicKey] as const) {
    if (p[input] && p[Inputs.AtticCache] === '') problems.push(`${input}: needs ${Inputs.AtticEndpoint} and ${Inputs.AtticCache}`);
  }
  if (p[Inputs.SigningKey] && p[Inputs.PushTo].length === 0) problems.push(`${Inputs.SigningKey}: only signs uploads to ${Inputs.PushTo}, which is empty`);
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    substituters: p[Inputs.Substituters],
    trustedPublicKeys: p[Inputs.TrustedPublicKeys],
    cachix:
      p[Inputs.Cachix] === ''
        ? null
        : {
            name: p[Inputs.Cachix],
            authToken: p[Inputs.CachixAuthToken] || null,
            signingKey: p[Inputs.CachixSigningKey],
            publicKey: p[Inputs.CachixPublicKey],
            apiUrl: p[Inputs.CachixApiUrl],
            pins: p[Inputs.CachixPins],
            chunkSize: p[Inputs.CachixChunkSize],
          },
    attic:
      p[Inputs.AtticEndpoint] === ''
        ? null
        : {
            endpoint: p[Inputs.AtticEndpoint],
            cache: p[Inputs.AtticCache],
            token: p[Inputs.AtticToken] || null,
            publicKey: p[Inputs.AtticPublicKey],
          },
    pushTo: p[Inputs.PushTo],
    signingKey: p[Inputs.SigningKey],
    push: p[Inputs.Push],
    pushBranches: p[Inputs.PushBranches],
    paths: p[Inputs.Paths],
    include: p[Inputs.Include],
    exclude: p[Inputs.Exclude],
    upstreamKeys: p[Inputs.UpstreamKeys],
    jobs: p[Inputs.Jobs],
    pushTimeoutSeconds: p[Inputs.PushTimeout],
    strict: p[Inputs.Strict],
    fallback: p[Inputs.Fallback],
    requireSubstituted: p[Inputs.RequireSubstituted],
    pushWhileBuilding: p[Inputs.PushWhileBuilding],
  };
}
