// src/runner.ts speaks the runner's protocols itself (no @actions/core): what it writes is read
// back with test/harness/commands.ts, which parses file and workflow commands as actions/runner does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parseFileCommands, parseWorkflowCommands } from '../harness/commands.ts';

const RUNNER = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'runner.ts')).href;
const dir = mkdtempSync(join(tmpdir(), 'runner-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Runs `body` in a fresh Node process (with `r` = src/runner.ts) as a step with the runner's files. */
function step(body: string, env: Record<string, string> = {}) {
  const files: Record<string, string> = {};
  for (const name of ['GITHUB_ENV', 'GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) {
    files[name] = join(dir, `${name}-${++n}`);
    writeFileSync(files[name], '');
  }
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const r = await import(${JSON.stringify(RUNNER)});\n${body}`], {
    env: { PATH: process.env.PATH, ...files, ...env },
    encoding: 'utf8',
  });
  const read = (name: string) => readFileSync(files[name] ?? '', 'utf8');
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, read, commands: parseWorkflowCommands(r.stdout) };
}

// (No CR: the runner reads file commands line by line, CRLF or LF alike.)
const tricky = 'line one\nname=value\nNIX<<EOF\n%0A 100% \nlast';

test('exportVariable, setOutput and saveState write records the runner reads back exactly', () => {
  const s = step(`
    r.exportVariable('NIX_CONFIG', ${JSON.stringify(tricky)});
    r.exportVariable('SECOND', 'b');
    r.setOutput('substituters', 'http://a http://b');
    r.saveState('main', '{"x":1}');
    console.log(JSON.stringify(process.env.NIX_CONFIG));
  `);
  assert.equal(s.code, 0, s.stderr);
  assert.deepEqual(parseFileCommands(s.read('GITHUB_ENV')), { NIX_CONFIG: tricky, SECOND: 'b' });
  assert.deepEqual(parseFileCommands(s.read('GITHUB_OUTPUT')), { substituters: 'http://a http://b' });
  assert.deepEqual(parseFileCommands(s.read('GITHUB_STATE')), { main: '{"x":1}' });
  assert.equal(JSON.parse(s.stdout.trim()), tricky, 'the exported variable is also set for this process');
});

test('workflow commands escape what would end or forge a command', () => {
  const s = step(`
    r.setSecret('p%a\\ns');
    r.warning('careful\\n::error::forged 100%');
    r.info('plain text');
    r.debug('dbg');
  `);
  assert.equal(s.code, 0, s.stderr);
  assert.deepEqual(
    s.commands.map((c) => [c.command, c.message]),
    [
      ['add-mask', 'p%a\ns'],
      ['warning', 'careful\n::error::forged 100%'],
      ['debug', 'dbg'],
    ],
  );
  assert.match(s.stdout, /^plain text$/m);
});

test('setFailed marks the step failed with an error annotation but lets the code go on', () => {
  const s = step(`r.setFailed('bad input'); console.log('after');`);
  assert.equal(s.code, 1);
  assert.deepEqual(s.commands, [{ command: 'error', properties: {}, message: 'bad input' }]);
  assert.match(s.stdout, /after/);
});

test('getInput reads INPUT_<NAME> upper-cased, trimmed; getState reads STATE_<name>', () => {
  const s = step(`console.log(JSON.stringify([r.getInput('push-to'), r.getInput('cachix name'), r.getInput('absent'), r.getState('main')]));`, {
    'INPUT_PUSH-TO': '  file:///tmp/x \n',
    INPUT_CACHIX_NAME: 'c',
    STATE_main: '{"a":true}',
  });
  assert.equal(s.code, 0, s.stderr);
  assert.deepEqual(JSON.parse(s.stdout.trim()), ['file:///tmp/x', 'c', '', '{"a":true}']);
});

test('appendSummary appends Markdown; file commands without their file fail by name', () => {
  const s = step(`
    r.appendSummary('# one\\n');
    r.appendSummary('two\\n');
    delete process.env.GITHUB_OUTPUT;
    try { r.setOutput('x', 'y'); } catch (e) { console.log(e.message); }
  `);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(s.read('GITHUB_STEP_SUMMARY'), '# one\ntwo\n');
  assert.match(s.stdout, /GITHUB_OUTPUT is not set/);
});
