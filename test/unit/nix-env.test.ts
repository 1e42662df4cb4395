// Nix commands the action runs never see its inputs, state or tokens: an installable's evaluation
// can read any variable (`builtins.getEnv`) and write it into the store, from where the push would
// publish it. Real Nix: a `file.nix#attr` for require-substituted that throws when it sees a secret.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isSecretVariable, nixEnv } from '../../src/nix/env.ts';
import { verifySubstituted } from '../../src/verify.ts';

const SECRETS = { 'INPUT_SIGNING-KEY': 'k:c2VjcmV0', CACHIX_AUTH_TOKEN: 'cachix-tok', ATTIC_TOKEN: 'attic-tok', STATE_main: '{"x":1}' };

const PROBE = `let seen = builtins.concatStringsSep "," (builtins.filter (v: v != "") (map builtins.getEnv [ ${Object.keys(SECRETS).map((k) => JSON.stringify(k)).join(' ')} ]));
in { probe = if seen != "" then throw "evaluation captured: \${seen}" else derivation {
  name = "nsa-env-probe"; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" "echo ok > $out" ]; }; }
`;

test('require-substituted evaluates without INPUT_*, STATE_* or token variables', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nsa-env-'));
  const saved = { ...process.env };
  try {
    const file = join(dir, 'probe.nix');
    writeFileSync(file, PROBE);
    // Built once first (clean env), so the dry run has nothing to build when the env stays clean.
    execFileSync('nix-build', [file, '-A', 'probe', '--no-out-link'], { stdio: 'ignore' });
    Object.assign(process.env, SECRETS);
    const dry = await verifySubstituted([`${file}#probe`]);
    assert.deepEqual(dry.toBuild, []);
  } finally {
    for (const k of Object.keys(SECRETS)) delete process.env[k];
    Object.assign(process.env, saved);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nixEnv keeps PATH, HOME and NIX_* but drops secrets', () => {
  const env = nixEnv({ PATH: '/bin', HOME: '/h', NIX_CONFIG: 'x', ...SECRETS, GITHUB_TOKEN: 'g', ACTIONS_RUNTIME_TOKEN: 'r' });
  assert.deepEqual(Object.keys(env).sort(), ['HOME', 'NIX_CONFIG', 'PATH']);
  assert.equal(isSecretVariable('INPUT_PUSH'), true);
});
