// The post step's guard: the hard stop at budget + grace and the runner's SIGINT/SIGTERM each run
// the cleanup (once) before the process ends; a push that hangs without any open handle cannot
// let Node exit before it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExitGuard } from '../../src/post-guard.ts';

function guard(code = 0) {
  const events: string[] = [];
  const g = new ExitGuard(
    async () => {
      events.push('cleanup');
    },
    { warning: (m) => events.push(`warning: ${m}`) },
    () => code,
    (c) => events.push(`exit ${c}`),
  );
  return { g, events };
}

test('hard stop: cleanup runs, then the process ends', async () => {
  const { g, events } = guard(1);
  try {
    g.stopAfter(20, 'push did not stop');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(events, ['warning: push did not stop', 'cleanup', 'exit 1']);
  } finally {
    g.dispose();
  }
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal}: cleanup runs once, then the process ends`, async () => {
    const { g, events } = guard();
    try {
      process.emit(signal, signal);
      await g.cleanUp(); // the normal path's cleanup joins the same run
      await new Promise((r) => setImmediate(r));
      assert.equal(events.filter((e) => e === 'cleanup').length, 1);
      assert.ok(events[0]?.includes(signal));
      assert.equal(events.at(-1), 'exit 0');
    } finally {
      g.dispose();
    }
  });
}

test('disposed: no timer or signal handler is left', () => {
  const before = process.listenerCount('SIGTERM');
  const { g } = guard();
  g.stopAfter(60_000, 'x');
  g.dispose();
  assert.equal(process.listenerCount('SIGTERM'), before);
});
