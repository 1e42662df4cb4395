// Nix's settings are read with `nix config show` where Nix has it (2.20+; newer Nix prints a
// deprecation notice for `show-config`), with `show-config` on older Nix. Real Nix: the host's 2.8
// here, 2.26 and 2.34 in the matrix (scripts/nix-matrix).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { readNixSettings, settingsCommand } from '../../src/configure/nix-settings.ts';

test('the settings come from `nix config show` on Nix 2.20+, `nix show-config` before', async () => {
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(execFileSync('nix', ['--version'], { encoding: 'utf8' })) ?? []).slice(1).map(Number);
  const settings = await readNixSettings();
  assert.ok('substituters' in settings, Object.keys(settings).join(' '));
  const modern = major > 2 || (major === 2 && minor >= 20);
  assert.deepEqual(settingsCommand(), modern ? ['config', 'show', '--json'] : ['show-config', '--json']);
});
