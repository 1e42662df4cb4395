// zod/mini ships no messages; src/zod-english.ts must word the issues our wire and state schemas
// raise exactly as zod's English locale did before the move from classic zod.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { englishMessage } from '../../src/zod-english.ts';

const english = en().localeError;
const unwrap = (m: ReturnType<typeof english>): string | undefined => (typeof m === 'string' ? m : (m?.message ?? undefined));

// The constructs src/ uses: objects, arrays, nullish, enums, int, nonnegative, positive, records.
const Shape = z.object({
  s: z.string(),
  n: z.number().check(z.int(), z.nonnegative()),
  p: z.number().check(z.int(), z.positive()),
  b: z.nullish(z.boolean()),
  a: z.array(z.string()),
  e: z.optional(z.enum(['Read', 'Write'])),
  one: z.optional(z.enum(['Only'])),
  r: z.optional(z.record(z.string(), z.unknown())),
});
const inputs: unknown[] = [
  {},
  [],
  null,
  'text',
  { s: 1, n: -1, p: 0, b: 'yes', a: [1, null], e: 'Admin', one: 'x', r: [] },
  { s: null, n: 1.5, p: Number.NaN, b: 2, a: {}, e: 3, r: 'x' },
  { s: 's', n: 'x', p: Infinity, a: 'x' },
];

test('englishMessage words every issue as zod’s English locale does', () => {
  let compared = 0;
  for (const input of inputs) {
    const result = Shape.safeParse(input, {
      error: (issue) => {
        const ours = englishMessage(issue);
        // "Invalid input" is zod's own fallback for what englishMessage leaves alone.
        assert.equal(ours ?? 'Invalid input', unwrap(english(issue)), JSON.stringify({ ...issue, inst: undefined }));
        compared++;
        return undefined;
      },
    });
    // Issues are worded when the error is first read.
    assert.ok(result.error && result.error.issues.length > 0);
  }
  assert.ok(compared >= 20, `only ${compared} issues compared`);
});

test('importing a parsing module is enough for the messages (fresh process, nothing else loaded)', () => {
  const script = `
    import { parsePathInfoJson } from ${JSON.stringify(new URL('../../src/nix/path-info.ts', import.meta.url).href)};
    try { parsePathInfoJson(JSON.stringify({ '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x': { narHash: 5, narSize: 'x' } })); }
    catch (e) { process.stdout.write(e.message); }`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.match(out, /"path": \[\s*"narSize"\s*\],\s*"message": "Invalid input: expected number, received string"/);
});
