// The one wrapper for commands the action waits on: stdout captured, stderr carried by CommandError,
// input fed, and the step's INPUT_* variables (the inputs' secrets) never passed on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandError } from '../../src/errors.ts';
import { run, runAbortable } from '../../src/nix/command.ts';

test('stdout is returned; the input reaches stdin', async () => {
  assert.equal((await run('cat', [], { input: 'hello' })).stdout, 'hello');
});

test('a failure throws CommandError with stderr; allowFailure returns the code', async () => {
  await assert.rejects(run('sh', ['-c', 'echo why >&2; exit 3']), (error: unknown) => error instanceof CommandError && error.code === 3 && /why/.test(error.message));
  const r = await run('sh', ['-c', 'echo why >&2; exit 3'], { allowFailure: true });
  assert.deepEqual([r.code, r.stderr.trim()], [3, 'why']);
});

test('INPUT_* variables are not passed to the command', async () => {
  process.env.INPUT_CACHIX_AUTH_TOKEN = 'secret-token';
  try {
    const env = (await run('env', [])).stdout;
    assert.ok(!env.includes('secret-token'), 'the input reached the child');
    assert.ok(env.includes('PATH='), 'the rest of the environment is passed');
  } finally {
    delete process.env.INPUT_CACHIX_AUTH_TOKEN;
  }
});

test('runAbortable stops the command when the signal aborts', async () => {
  const started = Date.now();
  await assert.rejects(runAbortable('sleep', ['30'], AbortSignal.timeout(200)), /abort/i);
  assert.ok(Date.now() - started < 20_000);
});
