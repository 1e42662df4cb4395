// Every input, parsed once into one typed Settings object by one zod schema keyed by the input
// names (as release-drafter's action-input schema). A bad value fails here, before anything is
// changed: each issue's path is the input, so every message names it, and every problem of every
// input is reported at once.
import * as core from '@actions/core';
import * as z from 'zod';
import { Inputs, type InputName, SecretEnvFallbacks } from './constants.ts';
import { ConfigError } from './errors.ts';
import { maskSecrets, words } from './inputs.ts';
import { hasUnsafeChars, HttpUrl, NetrcWord } from './schemas.ts';
import { parsePublicKey, parseSecretKey, secretKeyFromBytes, type PublicKey, type SecretKey } from './nix/keys.ts';
import { PIN_NAME, PLAIN_BRANCH } from './pins/names.ts';
import { parseS3Url } from './pins/s3.ts';
import type { DevShellSpec } from './devshell/produce.ts';

export { ConfigError };

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
  /** Uploads at once per target; null: each target's own default (attic 5, others DEFAULT_JOBS). */
  jobs: number | null;
  pushTimeoutSeconds: number;
  strict: boolean;
  fallback: boolean;
  requireSubstituted: string[];
  pushWhileBuilding: boolean;
  /** GitHub Actions cache target (docs/github-cache.md). */
  githubCache: boolean;
  /** Bytes the saved binary cache folder may hold. */
  githubCacheSize: number;
  // Pin sets (docs/pins.md): producer side, then consumer side.
  /** `pins` and `cachix-pins` lines together (Cachix pins them all; `pins-to` publishes them). */
  pins: CachixPin[];
  pinsTo: string | null;
  pinsFrom: string | null;
  install: string[];
  // Dev shells on pin sets (docs/dev-shells.md): producer side, then consumer side.
  devShells: DevShellSpec[];
  devShell: string | null;
}

export const DEFAULT_CACHIX_API = 'https://app.cachix.org/api/v1';
export const DEFAULT_PUSH_TIMEOUT_SECONDS = 600;
export const DEFAULT_CHUNK_SIZE = 32 * 1024 * 1024;
/** action.yml's `2G`. */
export const DEFAULT_GITHUB_CACHE_SIZE = 2 * 1024 ** 3;
/** S3 (behind Cachix) refuses multipart parts under 5 MiB except the last (EntityTooSmall); 5 GiB is its largest. */
export const MIN_CHUNK_SIZE = 5 * 1024 * 1024;
export const MAX_CHUNK_SIZE = 5 * 1024 ** 3;
export const DEFAULT_JOBS = 8;

/** Input texts by name; an input that is unset or blank is absent. */
export type RawInputs = Partial<Record<InputName, string>>;

// ---- one input's text → its value. Each reports problems through zod, so they carry the input's path.

type Problem = (message: string) => void;

/** An input whose text `parse` turns into a value, reporting what it expects through `problem`. */
function text<T>(parse: (s: string, problem: Problem) => T) {
  return z.string().transform((s, ctx) => parse(s, (message) => ctx.addIssue({ code: 'custom', message })));
}

/** `parse`'s result, or null with its error message reported. */
function attempt<T>(parse: (s: string) => T, s: string, problem: Problem): T | null {
  try {
    return parse(s);
  } catch (error) {
    problem((error as Error).message);
    return null;
  }
}

/** Lines of a multi-line input; blank lines and `#` comments dropped. */
function lines(s: string): string[] {
  return s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

const list = text((s) => words(s));
const publicKey = text((s, problem) => attempt(parsePublicKey, s, problem));
const publicKeys = text((s, problem) => words(s).flatMap((k) => attempt(parsePublicKey, k, problem) ?? []));
const secretKey = text((s, problem) => attempt(parseSecretKey, s, problem));

/**
 * CACHIX_SIGNING_KEY is base64 of the 64-byte secret with no `name:` (the name comes from the cache).
 * Read as leniently as the cachix client (`parseSigningKeyLenient`): whitespace anywhere (a key
 * pasted across lines) and missing `=` padding are fine.
 */
const cachixSigningKey = z
  .string()
  .transform((s) => s.replace(/\s+/g, ''))
  .pipe(
    z
      .string()
      .refine((s) => !s.includes(':'), 'expected the base64 secret key Cachix shows (no "name:" prefix)')
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected base64 text'),
  )
  // The name is a placeholder until the cache's key name is known (cache info lookup).
  .transform((s, ctx) => attempt((t) => secretKeyFromBytes('cachix', Buffer.from(t, 'base64')), s, (message) => ctx.addIssue({ code: 'custom', message })));

// The same schema checks the URLs servers answer with (schemas.ts): they go into nix.conf lines.
const httpUrl = HttpUrl;

/** Tokens are written into a netrc: one word, nothing a netrc parser would read as syntax. No value in the message. */
const token = z.string().refine((s) => NetrcWord.safeParse(s).success, 'a token must be one word without whitespace, control characters, quotes, backslashes or "#"');

/** Credentials in a URL end up as netrc words: each must be one (decoded). */
function credentialsFitNetrc(url: URL): boolean {
  return [url.username, url.password].filter(Boolean).every((p) => {
    try {
      return NetrcWord.safeParse(decodeURIComponent(p)).success;
    } catch {
      return false;
    }
  });
}

const SUBSTITUTER_SCHEMES = ['http:', 'https:', 'file:', 's3:', 'ssh:', 'ssh-ng:', 'daemon:', 'local:'];
const PUSH_SCHEMES = ['http:', 'https:', 'file:', 's3:', 'ssh:', 'ssh-ng:'];
function storeUrls(schemes: string[]) {
  return text((s, problem) =>
    words(s).map((u) => {
      const url = URL.parse(u);
      if (hasUnsafeChars(u)) problem('a store URL must not contain control characters');
      else if (url && !credentialsFitNetrc(url)) problem('the user or password in a URL must not contain whitespace, quotes, backslashes or "#" once decoded (they go into a netrc)');
      else if (!schemes.includes(url?.protocol ?? '')) problem(`"${u}" is not a supported store URL (expected ${schemes.map((p) => `${p}//…`).join(', ')})`);
      return u;
    }),
  );
}

const atticCache = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-_+]{0,49}$/, 'an attic cache name is 1–50 letters, digits, "-", "_" or "+", starting with a letter or digit');
// Cachix names are subdomains: lower-case letters, digits and inner hyphens.
const cachixName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'a Cachix cache name is lower-case letters, digits and inner hyphens (it becomes <name>.cachix.org)');

const bool = z.stringbool({ truthy: ['true'], falsy: ['false'], case: 'insensitive', error: (issue) => `takes true or false, not "${String(issue.input)}"` });

function wholeNumber(min: number, max: number) {
  const expected = (issue: { input?: unknown }) => `expected a whole number from ${min} to ${max}, not "${String(issue.input)}"`;
  return z
    .string()
    .regex(/^\d+$/, { error: expected })
    .transform(Number)
    .pipe(z.number().int().min(min, { error: expected }).max(max, { error: expected }));
}

/** S3's part size rule, named: a smaller part is refused as EntityTooSmall when the upload completes. */
const chunkSize = wholeNumber(0, MAX_CHUNK_SIZE).pipe(
  z.number().min(MIN_CHUNK_SIZE, {
    error: (issue) => `${String(issue.input)} bytes is below S3's minimum part size of ${MIN_CHUNK_SIZE} (5 MiB): Cachix's object store refuses smaller parts (EntityTooSmall)`,
  }),
);

const regexes = text((s, problem) =>
  lines(s).map((source) => {
    try {
      return new RegExp(source);
    } catch (error) {
      problem(`"${source}" is not a valid regular expression: ${(error as Error).message}`);
      return /$^/;
    }
  }),
);

const branchGlobs = text((s, problem) => {
  const globs = words(s);
  for (const g of globs) if (/[\s~^:?\\]|\.\.|@\{/.test(g.replace(/\?/g, ''))) problem(`"${g}" is not a branch name or glob`);
  return globs;
});

const keyNames = text((s, problem) => {
  const names = words(s);
  for (const n of names) if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(n)) problem(`"${n}" is not a key name (the part before ":" in a key)`);
  return names;
});

/** `name=target [keep=…]` lines; `name` must match `names` (Cachix's rule, or Nix attribute names). */
function pinLines(names: RegExp, what: string) {
  return text((s, problem) =>
    lines(s).map((line): CachixPin => {
      const m = /^(\S+?)\s*=\s*(\S+)(?:\s+keep=(\S+))?$/.exec(line);
      if (m?.[1] && !names.test(m[1])) {
        problem(`pin name "${m[1]}" is not ${what}`);
        return { name: '', target: '', keep: null };
      }
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
    }),
  );
}
// Cachix accepts names Nix could not use as attributes; `pins` are published, so they must be.
const cachixPins = pinLines(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a Cachix pin name (letters, digits, ".", "_", "-")');
const attrPins = pinLines(PIN_NAME, 'a Nix attribute name (letters, digits, "_", "\'", "-", not starting with a digit or "-")');

/** A pin-set folder to read or write: file:// or http(s)://. */
function pinFolder(s: string, problem: Problem): string {
  const protocol = URL.parse(s)?.protocol;
  if (protocol !== 'file:' && protocol !== 'http:' && protocol !== 'https:') problem(`"${s}" is not a file:// or http(s):// folder URL`);
  return s.replace(/\/+$/, '');
}
/** Where a pin set is published: a folder, an S3 prefix, or `branch:NAME` of this repository. */
const pinsTo = text((s, problem) => {
  if (s.startsWith('s3:')) return attempt((u) => (parseS3Url(u), u), s, problem) ?? s;
  if (!s.startsWith('branch:')) return pinFolder(s, problem);
  if (!PLAIN_BRANCH.test(s.slice('branch:'.length))) problem(`"${s}" is not branch:NAME with a plain branch name`);
  return s;
});

const pinNames = text((s, problem) => {
  const names = words(s);
  for (const n of names) if (!PIN_NAME.test(n)) problem(`"${n}" is not a pin name (a Nix attribute name)`);
  return names;
});

/** `NAME=INSTALLABLE` lines, each name once (it becomes a pin of the published set). */
const devShellLines = text((s, problem) => {
  const seen = new Set<string>();
  return lines(s).flatMap((line): DevShellSpec[] => {
    const m = /^(\S+?)\s*=\s*(\S+)$/.exec(line);
    if (!m?.[1] || !m[2]) problem(`"${line}" is not "NAME=INSTALLABLE"`);
    else if (!PIN_NAME.test(m[1])) problem(`dev shell name "${m[1]}" is not a Nix attribute name`);
    else if (seen.has(m[1])) problem(`dev shell "${m[1]}" is listed twice`);
    else {
      seen.add(m[1]);
      return [{ name: m[1], installable: m[2] }];
    }
    return [];
  });
});

const devShellName = z.string().regex(PIN_NAME, { error: (issue) => `"${String(issue.input)}" is not a dev shell name (a Nix attribute name)` });

/** `pins` then `cachix-pins` (its alias); a name given twice keeps its first line. */
function mergePins(pins: CachixPin[], cachixPins: CachixPin[]): CachixPin[] {
  const seen = new Set<string>();
  return [...pins, ...cachixPins].filter((p) => !seen.has(p.name) && seen.add(p.name));
}

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };
/** `2G`, `500M`, `1.5G` or plain bytes (binary units), from 1M to the repository's 10G. */
const byteSize = text((s, problem) => {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]?)i?B?$/i.exec(s);
  const n = m ? Math.floor(Number(m[1]) * (UNITS[(m[2] as string).toUpperCase()] as number)) : NaN;
  if (!(n >= UNITS.M! && n <= 10 * UNITS.G!)) problem(`expected a size from 1M to 10G (like 2G or 500M), not "${s}"`);
  return n;
});

const pushMode = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(['auto', 'true', 'false'], { error: (issue) => `expected auto, true or false, not "${String(issue.input)}"` }));

// ---- the schema: one entry per input, defaults as in action.yml (a test keeps them equal).

const InputsSchema = z.object({
  [Inputs.Substituters]: storeUrls(SUBSTITUTER_SCHEMES).default([]),
  [Inputs.TrustedPublicKeys]: publicKeys.default([]),
  [Inputs.Cachix]: cachixName.optional(),
  [Inputs.CachixAuthToken]: token.optional(),
  [Inputs.CachixSigningKey]: cachixSigningKey.optional(),
  [Inputs.CachixPublicKey]: publicKey.optional(),
  [Inputs.CachixApiUrl]: httpUrl.default(DEFAULT_CACHIX_API),
  [Inputs.CachixPins]: cachixPins.default([]),
  [Inputs.CachixChunkSize]: chunkSize.default(DEFAULT_CHUNK_SIZE),
  [Inputs.AtticEndpoint]: httpUrl.optional(),
  [Inputs.AtticCache]: atticCache.optional(),
  [Inputs.AtticToken]: token.optional(),
  [Inputs.AtticPublicKey]: publicKey.optional(),
  [Inputs.PushTo]: storeUrls(PUSH_SCHEMES).default([]),
  [Inputs.SigningKey]: secretKey.optional(),
  [Inputs.Push]: pushMode.default('auto'),
  // Empty: the default branch the event names (push/gate.ts).
  [Inputs.PushBranches]: branchGlobs.default([]),
  [Inputs.Paths]: list.default([]),
  [Inputs.Include]: regexes.default([]),
  [Inputs.Exclude]: regexes.default([]),
  [Inputs.UpstreamKeys]: keyNames.default(['cache.nixos.org-1']),
  // Unset: each target's own default (attic 5 as `attic push`, the others DEFAULT_JOBS).
  [Inputs.Jobs]: wholeNumber(1, 64).optional(),
  [Inputs.PushTimeout]: wholeNumber(1, 6 * 3600).default(DEFAULT_PUSH_TIMEOUT_SECONDS),
  [Inputs.Strict]: bool.default(false),
  [Inputs.Fallback]: bool.default(true),
  [Inputs.RequireSubstituted]: list.default([]),
  [Inputs.PushWhileBuilding]: bool.default(false),
  // GitHub Actions cache target
  [Inputs.GitHubCache]: bool.default(false),
  [Inputs.GitHubCacheSize]: byteSize.default(DEFAULT_GITHUB_CACHE_SIZE),
  // Pin sets
  [Inputs.Pins]: attrPins.default([]),
  [Inputs.PinsTo]: pinsTo.optional(),
  [Inputs.PinsFrom]: text(pinFolder).optional(),
  [Inputs.Install]: pinNames.default([]),
  // Dev shells
  [Inputs.DevShells]: devShellLines.default([]),
  [Inputs.DevShell]: devShellName.optional(),
});
type Parsed = z.output<typeof InputsSchema>;

/** Rules between inputs; each issue names the input to fix. Runs only when every input is valid. */
function crossInputProblems(p: Parsed, problem: (input: InputName, message: string) => void): void {
  if (p[Inputs.AtticEndpoint] && !p[Inputs.AtticCache]) problem(Inputs.AtticCache, `required when ${Inputs.AtticEndpoint} is set`);
  if (p[Inputs.AtticCache] && !p[Inputs.AtticEndpoint]) problem(Inputs.AtticEndpoint, `required when ${Inputs.AtticCache} is set`);
  const cachixInputs = [Inputs.CachixAuthToken, Inputs.CachixSigningKey, Inputs.CachixPublicKey] as const;
  if (!p[Inputs.Cachix]) {
    for (const input of cachixInputs) if (p[input]) problem(input, `needs the cache name in ${Inputs.Cachix}`);
    if (p[Inputs.CachixPins].length > 0) problem(Inputs.CachixPins, `needs the cache name in ${Inputs.Cachix}`);
    if (p[Inputs.Pins].length > 0 && !p[Inputs.PinsTo]) problem(Inputs.Pins, `needs ${Inputs.PinsTo} (where to publish) or ${Inputs.Cachix} (Cachix pins)`);
  }
  if (p[Inputs.PinsTo]) {
    if (p[Inputs.Pins].length + p[Inputs.CachixPins].length + p[Inputs.DevShells].length === 0) problem(Inputs.PinsTo, `there is nothing to publish; list names in ${Inputs.Pins} or ${Inputs.DevShells}`);
    for (const pin of p[Inputs.CachixPins]) if (!PIN_NAME.test(pin.name)) problem(Inputs.CachixPins, `"${pin.name}" cannot be published to ${Inputs.PinsTo}: pin names there are Nix attribute names`);
  }
  if (p[Inputs.Install].length > 0 && !p[Inputs.PinsFrom]) problem(Inputs.Install, `needs ${Inputs.PinsFrom}, the pin set to install from`);
  if (p[Inputs.PinsFrom] && p[Inputs.Install].length === 0 && !p[Inputs.DevShell]) problem(Inputs.PinsFrom, `name the pins to install in ${Inputs.Install} or a shell in ${Inputs.DevShell}`);
  if (p[Inputs.DevShells].length > 0 && !p[Inputs.PinsTo]) problem(Inputs.DevShells, `needs ${Inputs.PinsTo}, where the pin set is published`);
  for (const shell of p[Inputs.DevShells]) if (p[Inputs.Pins].some((pin) => pin.name === shell.name)) problem(Inputs.DevShells, `"${shell.name}" is also in ${Inputs.Pins}; a pin set has each name once`);
  if (p[Inputs.DevShell] && !p[Inputs.PinsFrom]) problem(Inputs.DevShell, `needs ${Inputs.PinsFrom}, the pin set that publishes the shell`);
  for (const input of [Inputs.AtticToken, Inputs.AtticPublicKey] as const) {
    if (p[input] && !p[Inputs.AtticCache]) problem(input, `needs ${Inputs.AtticEndpoint} and ${Inputs.AtticCache}`);
  }
  if (p[Inputs.SigningKey] && p[Inputs.PushTo].length === 0 && !p[Inputs.GitHubCache]) {
    problem(Inputs.SigningKey, `only signs uploads to ${Inputs.PushTo} and ${Inputs.GitHubCache}, which are not set`);
  }
}

const SettingsSchema = InputsSchema.superRefine((p, ctx) => crossInputProblems(p, (input, message) => ctx.addIssue({ code: 'custom', path: [input], message }))).transform(
  (p): Settings => settingsOf(p),
);

function settingsOf(p: Parsed): Settings {
  const cachix = p[Inputs.Cachix];
  const endpoint = p[Inputs.AtticEndpoint];
  const cache = p[Inputs.AtticCache];
  return {
    substituters: p[Inputs.Substituters],
    trustedPublicKeys: p[Inputs.TrustedPublicKeys],
    cachix: cachix
      ? {
          name: cachix,
          authToken: p[Inputs.CachixAuthToken] ?? null,
          signingKey: p[Inputs.CachixSigningKey] ?? null,
          publicKey: p[Inputs.CachixPublicKey] ?? null,
          apiUrl: p[Inputs.CachixApiUrl],
          pins: mergePins(p[Inputs.Pins], p[Inputs.CachixPins]),
          chunkSize: p[Inputs.CachixChunkSize],
        }
      : null,
    attic:
      endpoint && cache
        ? { endpoint, cache, token: p[Inputs.AtticToken] ?? null, publicKey: p[Inputs.AtticPublicKey] ?? null }
        : null,
    pushTo: p[Inputs.PushTo],
    signingKey: p[Inputs.SigningKey] ?? null,
    push: p[Inputs.Push],
    pushBranches: p[Inputs.PushBranches],
    paths: p[Inputs.Paths],
    include: p[Inputs.Include],
    exclude: p[Inputs.Exclude],
    upstreamKeys: p[Inputs.UpstreamKeys],
    jobs: p[Inputs.Jobs] ?? null,
    pushTimeoutSeconds: p[Inputs.PushTimeout],
    strict: p[Inputs.Strict],
    fallback: p[Inputs.Fallback],
    requireSubstituted: p[Inputs.RequireSubstituted],
    pushWhileBuilding: p[Inputs.PushWhileBuilding],
    githubCache: p[Inputs.GitHubCache],
    githubCacheSize: p[Inputs.GitHubCacheSize],
    pins: mergePins(p[Inputs.Pins], p[Inputs.CachixPins]),
    pinsTo: p[Inputs.PinsTo] ?? null,
    pinsFrom: p[Inputs.PinsFrom] ?? null,
    install: p[Inputs.Install],
    devShells: p[Inputs.DevShells],
    devShell: p[Inputs.DevShell] ?? null,
  };
}

/** The input that configures the backend a fallback variable belongs to. */
const FALLBACK_NEEDS: Partial<Record<InputName, InputName>> = {
  [Inputs.CachixAuthToken]: Inputs.Cachix,
  [Inputs.CachixSigningKey]: Inputs.Cachix,
  [Inputs.AtticToken]: Inputs.AtticEndpoint,
};

/**
 * Fills secrets from their environment fallbacks (CACHIX_AUTH_TOKEN, …) when the input is empty and
 * the input's backend is configured: a job env holding CACHIX_AUTH_TOKEN for a later `cachix` step
 * must not make this action fail for a cache it was not asked to use.
 */
export function withEnvFallbacks(raw: RawInputs, env: NodeJS.ProcessEnv): RawInputs {
  const out: RawInputs = { ...raw };
  for (const [input, variable] of Object.entries(SecretEnvFallbacks) as Array<[InputName, string]>) {
    const needs = FALLBACK_NEEDS[input];
    if (needs && !out[needs]?.trim()) continue;
    if (!out[input]?.trim() && env[variable]) out[input] = env[variable];
  }
  return out;
}

/** Input texts → Settings; throws ConfigError with one `input: problem` line per issue. */
export function parseSettings(raw: RawInputs): Settings {
  // Blank is unset, as core.getInput gives '' for an input not given; values are trimmed as core does.
  const present = Object.fromEntries(Object.entries(raw).flatMap(([k, v]) => (v?.trim() ? [[k, v.trim()]] : [])));
  const result = SettingsSchema.safeParse(present);
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => `${String(i.path[0] ?? 'inputs')}: ${i.message}`));
  return result.data;
}

/** Every input as given, secrets filled from their env fallbacks. Not masked: see loadSettings. */
export function readRawInputs(env: NodeJS.ProcessEnv = process.env): RawInputs {
  return withEnvFallbacks(Object.fromEntries(Object.values(Inputs).map((name) => [name, core.getInput(name)])), env);
}

/** Inputs → settings, every secret masked first (main and post start here). */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const raw = readRawInputs(env);
  maskSecrets(raw, env);
  return parseSettings(raw);
}
