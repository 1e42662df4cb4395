// Every input, parsed once into one typed Settings object. A bad value fails here, before anything
// is changed, with a message that names the input and says what it expects; every problem of every
// input is reported at once.
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

// ---- value parsers: each turns one input's text into a typed value, or reports what it expects.
//
// Plain functions, not a schema library: every input is one string and each needs its own check
// anyway. This runs in the main step before every build, where zod's start-up alone (~4 ms) and
// its parse (~2 ms) were half of all the step added to Node's own start (bench/, "main step").
// zod checks what other programs answer (state.ts, Cachix, attic, Nix's JSON) in the post step.

/** Reports what is wrong with the input's value; the parser's result is then not used. */
export type Problem = (message: string) => void;
/** Turns one input's text into its value, reporting each problem through `problem`. */
export type InputParser<T> = (text: string, problem: Problem) => T;

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

/** `parse`'s result, or null with its error message reported. */
function attempt<T>(parse: (s: string) => T, text: string, problem: Problem): T | null {
  try {
    return parse(text);
  } catch (error) {
    problem((error as Error).message);
    return null;
  }
}

const trimmed: InputParser<string> = (s) => s.trim();
const list: InputParser<string[]> = (s) => words(s);
const publicKeys: InputParser<PublicKey[]> = (s, problem) => words(s).flatMap((k) => attempt(parsePublicKey, k, problem) ?? []);
const optionalPublicKey: InputParser<PublicKey | null> = (s, problem) => (s.trim() === '' ? null : attempt(parsePublicKey, s, problem));
const optionalSecretKey: InputParser<SecretKey | null> = (s, problem) => (s.trim() === '' ? null : attempt(parseSecretKey, s, problem));

/** CACHIX_SIGNING_KEY is base64 of the 64-byte secret with no `name:`; the name comes from the cache. */
const cachixSigningKey: InputParser<SecretKey | null> = (s, problem) => {
  const text = s.trim();
  if (text === '') return null;
  if (text.includes(':')) {
    problem('expected the base64 secret key Cachix shows (no "name:" prefix)');
    return null;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    problem('expected base64 text');
    return null;
  }
  // The name is a placeholder until the cache's key name is known (cache info lookup).
  return attempt((t) => secretKeyFromBytes('cachix', Buffer.from(t, 'base64')), text, problem);
};

const httpUrl: InputParser<string> = (s, problem) => {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    problem(`"${s}" is not a URL`);
    return '';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') problem(`"${s}" must be an http:// or https:// URL`);
  return s.replace(/\/+$/, '');
};

const SUBSTITUTER_SCHEMES = ['http:', 'https:', 'file:', 's3:', 'ssh:', 'ssh-ng:', 'daemon:', 'local:'];
const PUSH_SCHEMES = ['http:', 'https:', 'file:', 's3:', 'ssh:', 'ssh-ng:'];
function storeUrls(schemes: string[]): InputParser<string[]> {
  return (s, problem) =>
    words(s).map((u) => {
      if (!schemes.includes(URL.parse(u)?.protocol ?? '')) {
        problem(`"${u}" is not a supported store URL (expected ${schemes.map((p) => `${p}//…`).join(', ')})`);
      }
      return u;
    });
}

/** Empty stays '' (the input is unset); anything else must pass `parse`. */
function optional(parse: InputParser<string>): InputParser<string> {
  return (s, problem) => (s.trim() === '' ? '' : parse(s.trim(), problem));
}

function matching(pattern: RegExp, expected: string): InputParser<string> {
  return (s, problem) => {
    if (!pattern.test(s)) problem(expected);
    return s;
  };
}

const atticCache = matching(/^[A-Za-z0-9][A-Za-z0-9-_+]{0,49}$/, 'an attic cache name is 1–50 letters, digits, "-", "_" or "+", starting with a letter or digit');
// Cachix names are subdomains: lower-case letters, digits and inner hyphens.
const cachixName = matching(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'a Cachix cache name is lower-case letters, digits and inner hyphens (it becomes <name>.cachix.org)');

const bool =
  (name: string): InputParser<boolean> =>
  (s, problem) => {
    const v = s.trim().toLowerCase();
    if (v !== 'true' && v !== 'false') problem(`${name} takes true or false, not "${s}"`);
    return v === 'true';
  };

const integer =
  (min: number, max: number): InputParser<number> =>
  (s, problem) => {
    const n = Number(s.trim());
    if (!/^\d+$/.test(s.trim()) || !Number.isSafeInteger(n) || n < min || n > max) problem(`expected a whole number from ${min} to ${max}, not "${s}"`);
    return n;
  };

const regexes: InputParser<RegExp[]> = (s, problem) =>
  lines(s).map((source) => {
    try {
      return new RegExp(source);
    } catch (error) {
      problem(`"${source}" is not a valid regular expression: ${(error as Error).message}`);
      return /$^/;
    }
  });

const branchGlobs: InputParser<string[]> = (s, problem) => {
  const globs = words(s);
  for (const g of globs) if (/[\s~^:?\\]|\.\.|@\{/.test(g.replace(/\?/g, ''))) problem(`"${g}" is not a branch name or glob`);
  return globs;
};

const keyNames: InputParser<string[]> = (s, problem) => {
  const names = words(s);
  for (const n of names) if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(n)) problem(`"${n}" is not a key name (the part before ":" in a key)`);
  return names;
};

const pins: InputParser<CachixPin[]> = (s, problem) =>
  lines(s).map((line) => {
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*=\s*(\S+)(?:\s+keep=(\S+))?$/.exec(line);
    if (!m?.[1] || !m[2]) {
      problem(`"${line}" is not "name=path-or-installable [keep=days:N|revisions:N|forever]"`);
      return { name: '', target: '', keep: null };
    }
    const keepText = m[3];
    let keep: CachixPin['keep'] = null;
    if (keepText === 'forever') keep = { tag: 'Forever' };
    else if (keepText) {
      const k = /^(days|revisions):([1-9]\d*)$/.exec(keepText);
      if (!k?.[1] || !k[2]) problem(`keep "${keepText}" must be days:N, revisions:N or forever`);
      else keep = { tag: k[1] === 'days' ? 'Days' : 'Revisions', contents: Number(k[2]) };
    }
    return { name: m[1], target: m[2], keep };
  });

const pushMode: InputParser<PushMode> = (s, problem) => {
  const v = s.trim().toLowerCase();
  if (v === 'auto' || v === 'true' || v === 'false') return v;
  problem(`expected auto, true or false, not "${s}"`);
  return 'auto';
};

// ---- the input table: parser and default for each input.
const table = {
  [Inputs.Substituters]: [storeUrls(SUBSTITUTER_SCHEMES), ''],
  [Inputs.TrustedPublicKeys]: [publicKeys, ''],
  [Inputs.Cachix]: [optional(cachixName), ''],
  [Inputs.CachixAuthToken]: [trimmed, ''],
  [Inputs.CachixSigningKey]: [cachixSigningKey, ''],
  [Inputs.CachixPublicKey]: [optionalPublicKey, ''],
  [Inputs.CachixApiUrl]: [httpUrl, DEFAULT_CACHIX_API],
  [Inputs.CachixPins]: [pins, ''],
  [Inputs.CachixChunkSize]: [integer(64 * 1024, 5 * 1024 ** 3), String(DEFAULT_CHUNK_SIZE)],
  [Inputs.AtticEndpoint]: [optional(httpUrl), ''],
  [Inputs.AtticCache]: [optional(atticCache), ''],
  [Inputs.AtticToken]: [trimmed, ''],
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
} as const satisfies Record<InputName, readonly [InputParser<unknown>, string]>;

type Parsed = { [K in keyof typeof table]: ReturnType<(typeof table)[K][0]> };

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
  for (const [name, [parse, fallback]] of Object.entries(table) as Array<[InputName, readonly [InputParser<unknown>, string]]>) {
    const text = raw[name];
    parsed[name] = parse(text === undefined || text.trim() === '' ? fallback : text, (message) => problems.push(`${name}: ${message}`));
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
