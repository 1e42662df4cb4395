// Nix fixtures on the machine's real Nix: tiny derivations with fresh store paths per test, signing
// keys, uploads with `nix copy`, and a cold consumer (a separate chroot store) that proves what it
// substituted and what it had to build.
//
// Config isolation (checked on Nix 2.8): settings load as nix.conf → user files → NIX_CONFIG →
// `--option`. Consequences the helpers below rely on:
// - `--option substituters ''` REPLACES everything, including `extra-substituters` that came from
//   NIX_CONFIG, so it cannot be used to isolate a consumer that should honour an exported NIX_CONFIG.
// - Instead the consumer gets its own NIX_CONF_DIR (a nix.conf with `substituters =` and
//   `trusted-public-keys =`, dropping cache.nixos.org), NIX_USER_CONF_FILES='' (no user files) and its
//   own XDG_CACHE_HOME; substituters/keys are then added with `--option extra-…`, which appends to
//   whatever NIX_CONFIG's `extra-substituters` / `extra-trusted-public-keys` added.
// - `--store DIR` does not change which settings apply; there is no daemon, so "trusted" is moot.
// - Nix caches narinfo lookups per cache URL in $XDG_CACHE_HOME/nix/binary-cache-v6.sqlite (negative
//   answers for an hour). Ports get reused between tests, so every helper here uses a private cache dir.
// - Building in a chroot store runs the builder chrooted: /bin/sh exists there only through
//   `extra-sandbox-paths`, which the consumer's nix.conf sets.
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parsePathInfoJson, type PathInfo } from '../../src/nix/path-info.ts';
import { runProcess, type ProcessResult } from './process.ts';

const NIX_COMMAND = ['--extra-experimental-features', 'nix-command'];
/** Fixture builds never look at a substituter (cache.nixos.org is unreachable and retried for seconds). */
const NO_SUBSTITUTERS = ['--option', 'substituters', ''];

// One scratch dir per test process for .nix files, keys and Nix's narinfo cache; removed at exit.
let scratchDir: string | null = null;
function scratch(sub: string): string {
  if (scratchDir === null) {
    const dir = mkdtempSync(path.join(tmpdir(), 'e2e-nix-'));
    scratchDir = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const d = path.join(scratchDir, sub);
  mkdirSync(d, { recursive: true });
  return d;
}

/** The test process's env minus anything that would point Nix at another config. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(NIX_CONFIG|NIX_USER_CONF_FILES|NIX_CONF_DIR|NIX_REMOTE)$/.test(k)) env[k] = v;
  }
  return env;
}

function localEnv(): Record<string, string> {
  return { ...baseEnv(), XDG_CACHE_HOME: scratch('cache') };
}

/** Runs a Nix tool; throws with its stderr on failure. */
async function nix(command: string, args: readonly string[], env = localEnv()): Promise<ProcessResult> {
  const r = await runProcess(command, args, { env, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.code ?? 'killed'}):\n${r.stderr}`);
  return r;
}

const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');

/**
 * Removes a directory holding a chroot store. Store paths are read-only directories: only root may
 * delete their entries without making them writable first (the suite also runs as a daemon's user).
 */
export function removeStoreDir(dir: string): void {
  spawnSync('chmod', ['-R', 'u+w', dir], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Fixtures

export interface FixtureNode {
  /** Other nodes of the graph this one refers to (runtime references). */
  deps?: string[];
  /** Adds a file of this many random (incompressible) bytes, for large-NAR tests. */
  bytes?: number;
  /** Fixed-output derivation (a flat file, path-info has `ca`); cannot have deps. */
  fixed?: boolean;
  /** The builder fails: buildFixture skips it, so a job step can try to build it. */
  fail?: boolean;
}

/** Node names are Nix identifiers. Each non-fixed node has an executable `bin/<node>`. */
export type FixtureGraph = Record<string, FixtureNode>;

/** A toolchain, a tool referring to it (like wasm-bindgen-cli → rust toolchain), a fixed-output source. */
export const DEFAULT_GRAPH: FixtureGraph = { toolchain: {}, tool: { deps: ['toolchain'] }, source: { fixed: true } };

export interface Fixture {
  nixFile: string;
  salt: string;
  /** Attribute (node) name → output path; known even when not built. */
  outPaths: Record<string, string>;
  /** Attribute (node) name → .drv path (registered in /nix/store). */
  drvPaths: Record<string, string>;
  /** Runtime closure of all built outputs (`nix-store -qR`), sorted. */
  closure(): Promise<string[]>;
}

export interface FixtureOptions {
  /** Prefix of derivation names: `<name>-<node>`. */
  name: string;
  /** Changes every store path; default a random UUID so each call gets new paths. */
  salt?: string;
  graph?: FixtureGraph;
  /** Build the outputs now (default true). false: only instantiate, e.g. to build inside a job step. */
  build?: boolean;
}

const nixString = (s: string): string => JSON.stringify(s).replace(/\$\{/g, '\\${');

function nodeExpression(fixture: string, node: string, spec: FixtureNode, graph: FixtureGraph, salt: string): string {
  const name = nixString(`${fixture}-${node}`);
  if (spec.fixed) {
    if (spec.deps?.length) throw new Error(`fixed-output node ${node} cannot have deps`);
    const content = `${fixture}-${node}-${salt}`;
    const hash = createHash('sha256').update(content).digest('hex');
    return `derivation (common // { name = ${name}; content = ${nixString(content)};
      args = [ "-c" ${nixString(`${spec.fail ? 'exit 1; ' : ''}printf '%s' "$content" > "$out"`)} ];
      outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = "${hash}"; })`;
  }
  const script = [
    spec.fail ? `echo "fixture ${node} fails on purpose" >&2; exit 1` : '',
    'mkdir -p "$out/bin"',
    `printf '#!/bin/sh\\necho %s\\n' "${node}-$SALT" > "$out/bin/${node}"`,
    `chmod +x "$out/bin/${node}"`,
    ...(spec.deps ?? []).map((d) => `echo "$dep_${d}" >> "$out/refs"`),
    spec.bytes !== undefined ? `head -c ${spec.bytes} /dev/urandom > "$out/blob"` : '',
  ].filter((l) => l !== '');
  const deps = (spec.deps ?? []).map((d) => {
    if (!(d in graph)) throw new Error(`node ${node} depends on unknown node ${d}`);
    return `dep_${d} = ${d};`;
  });
  return `derivation (common // { name = ${name}; args = [ "-c" ${nixString(script.join('\n'))} ]; ${deps.join(' ')} })`;
}

/** Writes a .nix file of tiny /bin/sh derivations and (by default) builds them without substituters. */
export async function buildFixture(options: FixtureOptions): Promise<Fixture> {
  const graph = options.graph ?? DEFAULT_GRAPH;
  const salt = options.salt ?? randomUUID();
  const nodes = Object.keys(graph);
  for (const n of [options.name, ...nodes]) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(n)) throw new Error(`fixture/node name must be a Nix identifier: ${n}`);
  }
  const body = nodes.map((n) => `  ${n} = ${nodeExpression(options.name, n, graph[n] ?? {}, graph, salt)};`).join('\n');
  const text = `# generated by test/harness/nix.ts
let
  common = { system = builtins.currentSystem; builder = "/bin/sh"; PATH = "/usr/bin:/bin"; SALT = ${nixString(salt)}; };
in rec {
${body}
}
`;
  const nixFile = path.join(mkdtempSync(path.join(scratch('fixtures'), `${options.name}-`)), 'default.nix');
  writeFileSync(nixFile, text);

  const attrArgs = nodes.flatMap((n) => ['-A', n]);
  const drvs = lines((await nix('nix-instantiate', [nixFile, ...attrArgs])).stdout);
  const drvPaths: Record<string, string> = {};
  const outPaths: Record<string, string> = {};
  for (const [i, n] of nodes.entries()) {
    const drv = drvs[i];
    if (drv === undefined) throw new Error(`nix-instantiate printed no .drv for ${n}`);
    drvPaths[n] = drv;
    const out = lines((await nix('nix-store', ['-q', '--outputs', drv])).stdout)[0];
    if (out === undefined) throw new Error(`no output path for ${drv}`);
    outPaths[n] = out;
  }
  const toBuild = nodes.filter((n) => !graph[n]?.fail).map((n) => drvPaths[n] ?? '');
  if (options.build !== false && toBuild.length > 0) await nix('nix-store', ['--realise', ...toBuild, ...NO_SUBSTITUTERS]);

  return {
    nixFile,
    salt,
    outPaths,
    drvPaths,
    async closure() {
      const built = nodes.filter((n) => !graph[n]?.fail).map((n) => outPaths[n] ?? '');
      return lines((await nix('nix-store', ['-qR', ...built])).stdout).sort();
    },
  };
}

/** Valid paths among `paths` in the local store (e.g. to check a fixture was or wasn't built). */
export async function validPaths(paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const r = await runProcess('nix-store', ['--check-validity', '--print-invalid', ...paths], { env: localEnv() });
  const invalid = new Set(lines(r.stdout));
  return paths.filter((p) => !invalid.has(p));
}

/**
 * Deletes paths from the local store (`nix-store --delete`; fails if something live refers to them),
 * e.g. after seeding a cache, so a later build must substitute them.
 */
export async function deletePaths(paths: readonly string[]): Promise<void> {
  if (paths.length > 0) await nix('nix-store', ['--delete', ...paths]);
}

/** `nix path-info --json` of local store paths, parsed by the project's own parser. */
export async function pathInfo(paths: readonly string[], store?: string): Promise<PathInfo[]> {
  const storeArgs = store ? ['--store', store] : [];
  return parsePathInfoJson((await nix('nix', [...NIX_COMMAND, 'path-info', '--json', ...storeArgs, ...paths])).stdout);
}

// ---------------------------------------------------------------------------------------------
// Keys, signatures, uploads

export interface KeyPair {
  name: string;
  /** `name:base64(64 bytes)` */
  secretKey: string;
  /** `name:base64(32 bytes)` */
  publicKey: string;
  secretFile: string;
  publicFile: string;
}

export async function generateKey(name: string): Promise<KeyPair> {
  const dir = mkdtempSync(path.join(scratch('keys'), 'k-'));
  const secretFile = path.join(dir, 'secret');
  const publicFile = path.join(dir, 'public');
  await nix('nix-store', ['--generate-binary-cache-key', name, secretFile, publicFile]);
  return {
    name,
    secretKey: readFileSync(secretFile, 'utf8').trim(),
    publicKey: readFileSync(publicFile, 'utf8').trim(),
    secretFile,
    publicFile,
  };
}

/**
 * Adds a signature to local store paths, e.g. with a key named `cache.nixos.org-1` to make paths
 * look as if they were substituted from cache.nixos.org.
 */
export async function signPaths(paths: readonly string[], secretKeyFile: string, options: { recursive?: boolean } = {}): Promise<void> {
  await nix('nix', [...NIX_COMMAND, 'store', 'sign', '--key-file', secretKeyFile, ...(options.recursive ? ['-r'] : []), ...paths]);
}

/**
 * `nix copy --to URL` (closures included), e.g. to seed an nginx binary cache. `secretKeyFile` signs
 * the narinfos; returns the paths Nix reported copying (those already present are skipped).
 */
export async function copyTo(
  url: string,
  paths: readonly string[],
  options: { secretKeyFile?: string; compression?: 'xz' | 'zstd' | 'none' } = {},
): Promise<string[]> {
  const params = new URLSearchParams();
  if (options.secretKeyFile) params.set('secret-key', options.secretKeyFile);
  if (options.compression) params.set('compression', options.compression);
  const to = params.size > 0 ? `${url}?${params.toString()}` : url;
  const r = await nix('nix', [...NIX_COMMAND, 'copy', '--to', to, ...NO_SUBSTITUTERS, ...paths]);
  return parseNixLog(r.stderr).copiedTo;
}

// ---------------------------------------------------------------------------------------------
// Nix log parsing

export interface NixLog {
  /** `copying path 'P' from 'URL'`: paths substituted, in order. */
  fetched: string[];
  /** `copying path 'P' to 'URL'`: paths uploaded by `nix copy --to`. */
  copiedTo: string[];
  /** `building 'D.drv'`: derivations built. */
  built: string[];
}

export function parseNixLog(stderr: string): NixLog {
  const log: NixLog = { fetched: [], copiedTo: [], built: [] };
  for (const line of stderr.split('\n')) {
    let m = /^copying path '([^']+)' from '[^']*'/.exec(line);
    if (m?.[1]) log.fetched.push(m[1]);
    m = /^copying path '([^']+)' to '[^']*'/.exec(line);
    if (m?.[1]) log.copiedTo.push(m[1]);
    m = /^building '([^']+\.drv)'/.exec(line);
    if (m?.[1]) log.built.push(m[1]);
  }
  return log;
}

// ---------------------------------------------------------------------------------------------
// Cold consumer

export interface ConsumerOptions {
  /** Added with `--option extra-substituters` (on top of any from env NIX_CONFIG). */
  substituters?: string[];
  /** Added with `--option extra-trusted-public-keys`. */
  trustedPublicKeys?: string[];
  /** Env over the isolated one, e.g. `job.exported` (NIX_CONFIG…); undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** More `--option NAME VALUE` pairs. */
  extraOptions?: Record<string, string>;
  /** `--max-jobs 0`: any needed build fails, so success proves everything was substituted. */
  forbidBuild?: boolean;
  timeoutMs?: number;
}

export interface ConsumerResult extends NixLog {
  code: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Paths printed on stdout (realised outputs). */
  outPaths: string[];
}

export interface ColdStore {
  /** Chroot store root: paths live under `<dir>/nix/store`. */
  dir: string;
  /** `nix-store --store DIR --realise PATHS`. Never throws on a Nix failure: check `code`. */
  realise(paths: readonly string[], options?: ConsumerOptions): Promise<ConsumerResult>;
  /** `nix-build --store DIR FILE -A ATTR`: evaluates into the cold store, substitutes or builds. */
  build(nixFile: string, attr: string, options?: ConsumerOptions): Promise<ConsumerResult>;
  /** `nix ARGS` (new CLI, nix-command on) against the cold store, e.g. `eval --raw -f URL NAME`. */
  nix(args: readonly string[], options?: ConsumerOptions): Promise<ConsumerResult>;
  /** All valid paths in the cold store, sorted. */
  validPaths(): Promise<string[]>;
  /** Path info (signatures, ca…) of paths in the cold store. */
  pathInfo(paths: readonly string[]): Promise<PathInfo[]>;
  dispose(): void;
}

// No substituters, no keys, nothing from the machine: a consumer sees only what a test hands it.
const CONSUMER_CONF = `substituters =
trusted-public-keys =
sandbox = false
extra-sandbox-paths = /bin /usr /lib? /lib64? /etc/passwd? /etc/group?
experimental-features = nix-command
connect-timeout = 5
`;

export function coldStore(): ColdStore {
  const root = mkdtempSync(path.join(tmpdir(), 'e2e-cold-'));
  const dir = path.join(root, 'store');
  const confDir = path.join(root, 'etc');
  mkdirSync(confDir, { recursive: true });
  writeFileSync(path.join(confDir, 'nix.conf'), CONSUMER_CONF);

  const env = (extra: ConsumerOptions['env']): Record<string, string> => {
    const e: Record<string, string> = {
      ...baseEnv(),
      NIX_CONF_DIR: confDir,
      NIX_USER_CONF_FILES: '',
      XDG_CACHE_HOME: path.join(root, 'cache'),
      HOME: path.join(root, 'home'),
    };
    for (const [k, v] of Object.entries(extra ?? {})) {
      if (v === undefined) delete e[k];
      else e[k] = v;
    }
    return e;
  };
  const flags = (o: ConsumerOptions): string[] => [
    '--store', dir,
    ...(o.substituters?.length ? ['--option', 'extra-substituters', o.substituters.join(' ')] : []),
    ...(o.trustedPublicKeys?.length ? ['--option', 'extra-trusted-public-keys', o.trustedPublicKeys.join(' ')] : []),
    ...Object.entries(o.extraOptions ?? {}).flatMap(([k, v]) => ['--option', k, v]),
    ...(o.forbidBuild ? ['--max-jobs', '0'] : []),
  ];
  const consume = async (command: string, args: string[], o: ConsumerOptions): Promise<ConsumerResult> => {
    const r = await runProcess(command, args, { env: env(o.env), timeoutMs: o.timeoutMs ?? 120_000 });
    return { ...parseNixLog(r.stderr), code: r.code, timedOut: r.timedOut, stdout: r.stdout, stderr: r.stderr, outPaths: lines(r.stdout) };
  };

  return {
    dir,
    realise: (paths, o = {}) => consume('nix-store', [...flags(o), '--realise', ...paths], o),
    build: (nixFile, attr, o = {}) => consume('nix-build', [...flags(o), nixFile, '-A', attr, '--no-out-link'], o),
    nix: (args, o = {}) => consume('nix', [...NIX_COMMAND, ...args, ...flags(o)], o),
    async validPaths() {
      const r = await runProcess('nix', [...NIX_COMMAND, 'path-info', '--store', dir, '--all'], { env: env({}) });
      return r.code === 0 ? lines(r.stdout).sort() : [];
    },
    async pathInfo(paths) {
      return parsePathInfoJson((await nix('nix', [...NIX_COMMAND, 'path-info', '--json', '--store', dir, ...paths], env({}))).stdout);
    },
    dispose() {
      removeStoreDir(root);
    },
  };
}

/**
 * A Nix `let` binding `mk = name: script: …`: a derivation built by /bin/sh running `script`
 * (tests cannot reach cache.nixos.org, so nothing from nixpkgs).
 */
export const SH_DERIVATION = `mk = name: script: derivation {
    inherit name;
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" script ];
    PATH = "/usr/bin:/bin";
  };`;
