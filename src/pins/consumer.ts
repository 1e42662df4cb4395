// Consumer side, in the main step: fetch the pin set, realise the named store paths from the
// caches THIS job configured (substitution only: nothing is evaluated or built), root them for the
// job and hand their bin/ directories to later steps. The set's own substituters and keys are
// never applied: they only help to explain a path no configured cache serves.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { http, redactUrl } from '../http.ts';
import { baseName } from '../nix/path-info.ts';
import { MAX_PINS_JSON_BYTES, parsePinSet, PINS_JSON, type PinSet } from './format.ts';
import { fileUrl } from './publish.ts';
import { invalidPaths, localClosure, realiseByPath } from './store.ts';

async function readCapped(response: Response, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_PINS_JSON_BYTES) throw new Error(`${url} is ${declared} bytes; a pin set is at most ${MAX_PINS_JSON_BYTES}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > MAX_PINS_JSON_BYTES) throw new Error(`${url} is over ${MAX_PINS_JSON_BYTES} bytes; a pin set is not that large`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** pins.json from the folder URL `from`, validated; errors name the URL (credentials removed). */
export async function fetchPinSet(from: string, signal?: AbortSignal): Promise<PinSet> {
  const url = fileUrl(from, PINS_JSON);
  const shown = redactUrl(url);
  let text: string;
  try {
    if (url.startsWith('file:')) {
      const file = fileURLToPath(url);
      if ((await stat(file)).size > MAX_PINS_JSON_BYTES) throw new Error(`over ${MAX_PINS_JSON_BYTES} bytes; a pin set is not that large`);
      text = await readFile(file, 'utf8');
    } else {
      text = await readCapped(await http(url, { timeoutMs: 30_000, ...(signal ? { signal } : {}) }), shown);
    }
  } catch (error) {
    throw new Error(`pins-from: cannot read the pin set at ${shown}: ${(error as Error).message}`, { cause: error });
  }
  return parsePinSet(text, `pins-from ${shown}`);
}

export interface Installed {
  /** name → store path, in the order asked. */
  paths: Array<{ name: string; path: string }>;
  /** Directories for PATH, first asked first. */
  binDirs: string[];
  /** Names of every path in the installed closures and in the set: what the caches serve. */
  servedNames: string[];
}

/** The set's entries for `names`; an unknown name is an error naming it and the set's names. */
export function selectPins(set: PinSet, names: readonly string[], from: string): Array<{ name: string; path: string }> {
  const unknown = names.filter((n) => !Object.hasOwn(set.pins, n));
  if (unknown.length > 0) {
    throw new Error(`install: ${unknown.map((n) => `"${n}"`).join(', ')} not in the pin set at ${redactUrl(from)} (it has: ${Object.keys(set.pins).sort().join(', ') || 'nothing'})`);
  }
  return names.map((name) => ({ name, path: (set.pins[name] as { path: string }).path }));
}

export async function installPins(set: PinSet, names: readonly string[], from: string, configured: readonly string[], rootDir: string): Promise<Installed> {
  const wanted = selectPins(set, names, from);
  const paths = [...new Set(wanted.map((w) => w.path))];
  const result = await realiseByPath(paths, join(rootDir, 'pin'));
  if (!result.ok) {
    const invalid = new Set(await invalidPaths(paths));
    const failed = wanted.filter((w) => invalid.has(w.path));
    const served = set.substituters.filter((s) => !configured.includes(s));
    const hint = served.length > 0 ? `; the pin set names ${served.join(', ')}, which this job does not substitute from (add it with its key to substituters / trusted-public-keys if you trust it)` : '';
    const which = failed.length > 0 ? failed.map((f) => `${f.name} (${f.path})`).join(', ') : paths.join(', ');
    throw new Error(`install: no configured cache could serve ${which}${hint}. Nix said: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
  }
  const binDirs = wanted.map((w) => join(w.path, 'bin')).filter((d, i, all) => all.indexOf(d) === i && existsSync(d));
  const closure = await localClosure(paths);
  const servedNames = [...new Set([...closure, ...Object.values(set.pins).map((p) => p.path)].map((p) => baseName(p).slice(33)))].sort();
  return { paths: wanted, binDirs, servedNames };
}
