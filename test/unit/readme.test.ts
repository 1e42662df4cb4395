// README is what users copy: its tables must be action.yml's, its workflows must parse, and every
// step that uses this action may only pass inputs action.yml declares (the runner would warn
// "Unexpected input" and ignore it: a silent misconfiguration).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { groupComments, inputsTable, readActionMetadata, renderReadme } from '../../scripts/docs.ts';
import { parseSettings, type RawInputs } from '../../src/config.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(`${ROOT}README.md`, 'utf8');
const ACTION_YML = readFileSync(`${ROOT}action.yml`, 'utf8');
const INPUTS = new Set(Object.keys(readActionMetadata(ACTION_YML).inputs ?? {}));
/** The one placeholder README explains; every example names the action this way. */
const PLACEHOLDER = 'OWNER/nix-substitute-action@v1';
const THIS_ACTION = /(^|\/)nix-substitute-action(@|$)/;

interface Block {
  file: string;
  line: number;
  text: string;
}

export function yamlBlocks(file: string, markdown: string): Block[] {
  const blocks: Block[] = [];
  const re = /^```ya?ml[^\n]*\n([\s\S]*?)^```/gm;
  for (const m of markdown.matchAll(re)) {
    blocks.push({ file, line: markdown.slice(0, m.index).split('\n').length, text: m[1] ?? '' });
  }
  return blocks;
}

type Step = { uses?: unknown; with?: unknown };

/** Steps of a workflow (jobs.*.steps), a step list, or a single step mapping. */
export function stepsOf(doc: unknown): Step[] {
  if (Array.isArray(doc)) return doc as Step[];
  if (!doc || typeof doc !== 'object') return [];
  const o = doc as Record<string, unknown>;
  if (o['jobs'] && typeof o['jobs'] === 'object') {
    return Object.values(o['jobs'] as Record<string, { steps?: Step[] }>).flatMap((j) => j?.steps ?? []);
  }
  return 'uses' in o ? [o as Step] : [];
}

/**
 * Problems in one block: unparsable, undeclared inputs; in README (`readme`) also a workflow that
 * is not complete and a `uses:` spelled other than the placeholder README explains.
 */
export function checkBlock(block: Block, inputs: Set<string>, readme: boolean): string[] {
  const where = `${block.file}:${block.line}`;
  let doc: unknown;
  try {
    doc = parse(block.text);
  } catch (e) {
    return [`${where}: does not parse: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  if (readme && !Array.isArray(doc)) {
    // A README block is a whole workflow, or (for a variation of one) the steps that differ.
    const o = (doc ?? {}) as Record<string, unknown>;
    for (const key of ['on', 'permissions', 'jobs']) if (!(key in o)) problems.push(`${where}: a workflow needs \`${key}:\``);
  }
  for (const step of stepsOf(doc)) {
    if (typeof step.uses !== 'string' || !THIS_ACTION.test(step.uses)) continue;
    if (readme && step.uses !== PLACEHOLDER) problems.push(`${where}: uses \`${step.uses}\`, not the placeholder ${PLACEHOLDER}`);
    const withKeys = step.with && typeof step.with === 'object' ? Object.keys(step.with) : [];
    for (const key of withKeys) if (!inputs.has(key)) problems.push(`${where}: \`${key}\` is not an input of action.yml`);
  }
  return problems;
}

test('README inputs and outputs tables are the ones action.yml generates (npm run docs)', () => {
  assert.equal(renderReadme(README, ACTION_YML), README, 'README.md differs from action.yml: run npm run docs');
});

test('the table check fails when a default in action.yml changes', () => {
  const changed = ACTION_YML.replace(/(\n  push-timeout:\n(?:    .*\n)*?    default: )'?\d+'?/, "$1'3'");
  assert.notEqual(changed, ACTION_YML, 'the push-timeout input default was not found to change');
  assert.notEqual(renderReadme(README, changed), README);
});

test('a comment above inputs in action.yml heads their group in the table', () => {
  const yml = "inputs:\n  a:\n    description: A <x>.\n  # Pin sets (docs/pins.md)\n  b:\n    description: B\n    default: '1'\n";
  assert.equal(
    inputsTable(readActionMetadata(yml), groupComments(yml, 'inputs')),
    ['| Input | Default | Description |', '| --- | --- | --- |', '| `a` | | A &lt;x&gt;. |', '| **Pin sets (docs/pins.md)** | | |', "| `b` | `1` | B |"].join('\n'),
  );
});

test('every yaml block of README is a complete workflow (or a list of steps) that uses only declared inputs', () => {
  const blocks = yamlBlocks('README.md', README);
  const workflows = blocks.filter((b) => !Array.isArray(parse(b.text)));
  assert.ok(workflows.length >= 3, 'README shows producer, consumer and Crane workflows in full');
  const problems = blocks.flatMap((b) => checkBlock(b, INPUTS, true));
  assert.deepEqual(problems, []);
  assert.ok(blocks.some((b) => b.text.includes(PLACEHOLDER)), 'README workflows use the action');
});

test('yaml blocks in docs/ parse and use only declared inputs', () => {
  const dir = `${ROOT}docs`;
  const files = readdirSync(dir).filter((f) => f.endsWith('.md'));
  const problems = files.flatMap((f) => yamlBlocks(`docs/${f}`, readFileSync(`${dir}/${f}`, 'utf8')).flatMap((b) => checkBlock(b, INPUTS, false)));
  assert.deepEqual(problems, []);
});

test('the block check catches an undeclared input, a missing key and a second placeholder', () => {
  const text = [
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    `      - uses: ${PLACEHOLDER}`,
    '        with: { cachix: x, authToken: y }',
    '      - uses: someone/nix-substitute-action@main',
  ].join('\n');
  const problems = checkBlock({ file: 'x.md', line: 1, text }, INPUTS, true);
  assert.deepEqual(checkBlock({ file: 'x.md', line: 1, text: `- uses: ${PLACEHOLDER}\n  with: { cachix: x }\n` }, INPUTS, true), []);
  assert.deepEqual(problems, [
    'x.md:1: a workflow needs `permissions:`',
    'x.md:1: `authToken` is not an input of action.yml',
    'x.md:1: uses `someone/nix-substitute-action@main`, not the placeholder OWNER/nix-substitute-action@v1',
  ]);
  assert.match(checkBlock({ file: 'x.md', line: 1, text: 'on: [' }, INPUTS, true)[0] ?? '', /does not parse/);
});

/** A Nix secret key (`name:base64(seed ‖ public key)`) standing in for `${{ secrets.… }}`. */
function nixSecretKey(name: string): string {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const bytes = Buffer.concat([Buffer.from(jwk.d ?? '', 'base64url'), Buffer.from(jwk.x ?? '', 'base64url')]);
  return `${name}:${bytes.toString('base64')}`;
}

/** What the runner would pass: YAML scalars as strings, `${{ … }}` as a plausible value of that input. */
function runnerInputs(withMap: Record<string, unknown>): RawInputs {
  const declared = readActionMetadata(ACTION_YML).inputs ?? {};
  const raw: Record<string, string> = {};
  for (const [name, value] of Object.entries(withMap)) {
    let text = String(value);
    if (text.includes('${{')) {
      const dflt = String(declared[name]?.default ?? '');
      if (name === 'signing-key') text = nixSecretKey('example-1');
      else if (name === 'cachix-signing-key') text = (nixSecretKey('x').split(':')[1] ?? '');
      else if (dflt === 'true' || dflt === 'false') text = 'true';
      else text = text.replace(/\$\{\{[^}]*\}\}/g, 'a-secret-value');
    }
    raw[name] = text;
  }
  return raw as RawInputs;
}

test("README's workflows pass the action's own input validation, as pasted", () => {
  const failures: string[] = [];
  for (const block of yamlBlocks('README.md', README)) {
    for (const step of stepsOf(parse(block.text))) {
      if (typeof step.uses !== 'string' || !THIS_ACTION.test(step.uses)) continue;
      try {
        parseSettings(runnerInputs((step.with ?? {}) as Record<string, unknown>));
      } catch (e) {
        failures.push(`README.md:${block.line}: ${(e as Error).message}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});
