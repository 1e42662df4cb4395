// The published pin set (`pins.json`), shared with the dev-shell feature: names → prebuilt store
// paths, plus the caches that serve them. What a consumer fetches is server text: it is parsed with
// this schema, capped in size, and its keys/substituters are never applied on their own.
import * as z from 'zod';
import { STORE_DIR } from '../nix/path-info.ts';
import { PIN_NAME } from './names.ts';

export { PIN_NAME };

export const PINS_JSON = 'pins.json';
export const PINS_TARBALL = 'pins.tar.gz';
/** A pin set is a few names; anything past this is not one (and is not read further). */
export const MAX_PINS_JSON_BYTES = 1024 * 1024;

/** `/nix/store/<32 nix32 chars>-<name>` with Nix's store-path name characters, nothing below it. */
const STORE_PATH = new RegExp(`^${STORE_DIR.replace(/\//g, '\\/')}\\/[0-9a-df-np-sv-z]{32}-[A-Za-z0-9+\\-._?=]{1,211}$`);

export function isStorePath(text: string): boolean {
  return STORE_PATH.test(text) && !text.endsWith('/.') && !text.endsWith('/..');
}

const Pin = z.object({
  path: z.string().refine(isStorePath, 'expected a store path (/nix/store/<hash>-<name>)'),
  devShell: z.boolean().optional(),
  system: z.string().regex(/^[a-z0-9_]+-[a-z0-9_]+$/, 'expected a Nix system such as x86_64-linux').optional(),
});

export const PinSetSchema = z.object({
  version: z.literal(1),
  pins: z.record(z.string(), Pin).refine((r) => Object.keys(r).every((k) => PIN_NAME.test(k)), 'pin names are Nix attribute names'),
  substituters: z.array(z.url({ protocol: /^(https?|s3|file)$/ }).refine((u) => !/^[a-z0-9]+:\/\/[^/]*@/.test(u), 'a published URL carries no credentials')),
  publicKeys: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*:[A-Za-z0-9+/]+={0,2}$/, 'expected name:base64')),
});
export type PinSet = z.output<typeof PinSetSchema>;
export type Pin = PinSet['pins'][string];

/** Parses fetched `pins.json` text; the error names `source` and the first problems. */
export function parsePinSet(text: string, source: string): PinSet {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`);
  }
  const r = PinSetSchema.safeParse(json);
  if (!r.success) {
    const problems = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new Error(`${source} is not a pin set: ${problems.join('; ')}`);
  }
  return r.data;
}

/** Stable text: sorted names, so an unchanged set publishes byte-identical files. */
export function renderPinSet(set: PinSet): string {
  const pins = Object.fromEntries(Object.keys(set.pins).sort().map((n) => [n, set.pins[n]]));
  return `${JSON.stringify({ version: 1, pins, substituters: set.substituters, publicKeys: set.publicKeys }, null, 2)}\n`;
}
