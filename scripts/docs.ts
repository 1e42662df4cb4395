// `npm run docs`: rewrites README.md's inputs and outputs tables from action.yml, so the page users
// read cannot drift from what the runner accepts (checkout's generate-docs does the same).
// `--check` changes nothing and fails when README.md is not what this script would write; the unit
// test test/unit/readme.test.ts runs that check.
//
// Regions: everything between `<!-- action-inputs:begin … -->` and `<!-- action-inputs:end -->`
// (likewise `action-outputs`) is replaced; the rest of README is left alone.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, parse, parseDocument } from 'yaml';

interface ActionMetadata {
  inputs?: Record<string, { description?: string; default?: string | number | boolean; required?: boolean }>;
  outputs?: Record<string, { description?: string }>;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NOTE = 'generated from action.yml by `npm run docs`; edit action.yml, not this table';

/** Table cell text: one line, pipes escaped (GitHub's tables split on `|`, also inside code). */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();
}

/** Prose from action.yml: `<name>` would be read as an HTML tag and vanish on GitHub. */
function prose(text: string): string {
  return cell(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function code(text: string): string {
  // A backtick inside the value needs a longer fence; action.yml defaults have none today.
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${cell(text)}${fence}`;
}

export function readActionMetadata(text: string): ActionMetadata {
  return parse(text) as ActionMetadata;
}

/**
 * Comments written just above a key of `inputs:` / `outputs:` in action.yml (`# Pin sets …`): they
 * group the inputs that several features add, and head that group's rows in the table.
 */
export function groupComments(actionYml: string, section: 'inputs' | 'outputs'): Map<string, string> {
  const groups = new Map<string, string>();
  const node = parseDocument(actionYml).get(section, true);
  if (!isMap(node)) return groups;
  for (const { key } of node.items) {
    if (!isScalar(key) || !key.commentBefore?.trim()) continue;
    groups.set(String(key.value), key.commentBefore.split('\n').map((l) => l.trim()).join(' '));
  }
  return groups;
}

function groupRow(comment: string | undefined, columns: number): string[] {
  return comment ? [`| **${prose(comment)}** |${' |'.repeat(columns - 1)}`] : [];
}

export function inputsTable(meta: ActionMetadata, groups = new Map<string, string>()): string {
  const rows = Object.entries(meta.inputs ?? {}).flatMap(([name, spec]) => {
    const dflt = spec.default === undefined || spec.default === '' ? ' ' : ` ${code(String(spec.default))} `;
    const required = spec.required === true ? ' **Required.**' : '';
    return [...groupRow(groups.get(name), 3), `| \`${name}\` |${dflt}| ${prose(spec.description ?? '')}${required} |`];
  });
  return ['| Input | Default | Description |', '| --- | --- | --- |', ...rows].join('\n');
}

export function outputsTable(meta: ActionMetadata, groups = new Map<string, string>()): string {
  const rows = Object.entries(meta.outputs ?? {}).flatMap(([name, spec]) => [
    ...groupRow(groups.get(name), 2),
    `| \`${name}\` | ${prose(spec.description ?? '')} |`,
  ]);
  return ['| Output | Description |', '| --- | --- |', ...rows].join('\n');
}

function replaceRegion(readme: string, region: string, body: string): string {
  const pattern = new RegExp(`<!-- ${region}:begin[^>]*-->[\\s\\S]*?<!-- ${region}:end -->`);
  if (!pattern.test(readme)) throw new Error(`README.md has no <!-- ${region}:begin --> … <!-- ${region}:end --> region`);
  return readme.replace(pattern, () => `<!-- ${region}:begin (${NOTE}) -->\n${body}\n<!-- ${region}:end -->`);
}

/** README.md as it should be for this action.yml. */
export function renderReadme(readme: string, actionYml: string): string {
  const meta = readActionMetadata(actionYml);
  const inputs = inputsTable(meta, groupComments(actionYml, 'inputs'));
  return replaceRegion(replaceRegion(readme, 'action-inputs', inputs), 'action-outputs', outputsTable(meta, groupComments(actionYml, 'outputs')));
}

function main(): void {
  const readmePath = `${ROOT}README.md`;
  const current = readFileSync(readmePath, 'utf8');
  const wanted = renderReadme(current, readFileSync(`${ROOT}action.yml`, 'utf8'));
  if (process.argv.includes('--check')) {
    if (current !== wanted) {
      console.error('README.md inputs/outputs tables differ from action.yml: run npm run docs and commit README.md');
      process.exit(1);
    }
    return;
  }
  if (current !== wanted) writeFileSync(readmePath, wanted);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
