// The main step: validate every input, configure Nix to substitute from the caches, snapshot the
// store for the post step, and run the verify gate. Any failure here fails the step (it runs before
// the build, so a misconfiguration is seen at once), but nothing is changed before inputs are valid.
import * as core from '@actions/core';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type Settings } from './config.ts';
import { Outputs } from './constants.ts';
import { detectAccess, type NixAccess } from './configure/access.ts';
import { resolveCaches } from './configure/caches.ts';
import { mergeNixConfig, renderNixConf } from './configure/nix-conf.ts';
import { readNixSettings } from './configure/nix-settings.ts';
import { mergeNetrc, parseNetrc, renderNetrc } from './configure/netrc.ts';
import { addToSystemConf, canSudo } from './configure/system-conf.ts';
import { loadSettings } from './inputs.ts';
import { writeSnapshot } from './nix/store.ts';
import { configureSummaryMarkdown, writeSummary } from './report.ts';
import { saveMainState, type MainState } from './state.ts';
import { verifySubstituted } from './verify.ts';
import { startWatcher } from './watch/launch.ts';

export async function workRoot(): Promise<string> {
  const base = process.env.RUNNER_TEMP || tmpdir();
  await mkdir(base, { recursive: true });
  return mkdtemp(join(base, 'nix-substitute-action-'));
}

function untrustedMessage(access: Extract<NixAccess, { kind: 'untrusted-daemon' }>): string {
  return [
    `the Nix daemon does not trust user "${access.user}" (trusted-users = ${access.trustedUsers.join(' ') || '(empty)'}), so it would silently ignore the caches,`,
    'and sudo is not available to add them to the system configuration. Either:',
    `  - add "trusted-users = root ${access.user}" to /etc/nix/nix.conf and restart the daemon (the installer option: cachix/install-nix-action "extra_nix_config", DeterminateSystems "extra-conf"), or`,
    '  - allow passwordless sudo for this user, or',
    '  - list the caches in the daemon\'s own "substituters"/"trusted-public-keys".',
  ].join('\n');
}

async function writeNetrc(dir: string, entries: ReturnType<typeof parseNetrc>, currentNetrcFile: unknown): Promise<string> {
  const existing = typeof currentNetrcFile === 'string' ? await readFile(currentNetrcFile, 'utf8').catch(() => '') : '';
  const file = join(dir, 'netrc');
  await writeFile(file, renderNetrc(mergeNetrc(parseNetrc(existing), entries)), { mode: 0o600 });
  return file;
}

async function configure(settings: Settings, dir: string, state: MainState): Promise<void> {
  // Nix's current settings matter only for a daemon's trust list and an existing netrc: read them
  // once, and only then (each Nix start costs as much as the rest of the step).
  let current: Promise<Record<string, unknown>> | null = null;
  const nixSettings = () => (current ??= readNixSettings());
  const access = await detectAccess(nixSettings);
  const { sources, skipped } = await resolveCaches(settings);
  for (const s of skipped) {
    if (settings.strict) throw new Error(`${s.label}: ${s.reason}`);
    core.warning(`${s.label} is not used for substitution: ${s.reason}`);
  }
  const netrcEntries = sources.flatMap((s) => s.netrc);
  const netrcFile = netrcEntries.length > 0 ? await writeNetrc(dir, netrcEntries, (await nixSettings())['netrc-file']) : null;
  if (netrcFile) state.files.push(netrcFile);
  const conf = renderNixConf({
    substituters: sources.flatMap((s) => s.urls),
    keys: sources.flatMap((s) => s.keys),
    fallback: settings.fallback,
    netrcFile,
  });

  let appliedVia: string;
  if (access.kind === 'untrusted-daemon') {
    if (!(await canSudo())) throw new Error(untrustedMessage(access));
    await addToSystemConf(conf);
    state.systemConf = true;
    appliedVia = '/etc/nix/nix.conf with sudo (the daemon does not trust this user), daemon restarted';
  } else {
    const merged = mergeNixConfig(process.env.NIX_CONFIG, conf);
    core.exportVariable('NIX_CONFIG', merged);
    appliedVia = access.kind === 'local' ? 'NIX_CONFIG (single-user store)' : 'NIX_CONFIG (the daemon trusts this user)';
  }
  core.info(`Nix settings added through ${appliedVia}:\n${conf}`);

  // Read back what Nix now sees: never report success while Nix would ignore the caches.
  const effective = await readNixSettings();
  const now = new Set(((effective.substituters as string[] | undefined) ?? []).map((u) => u.replace(/\/+$/, '')));
  const lost = sources.flatMap((s) => s.urls).filter((u) => !now.has(u.replace(/\/+$/, '')));
  if (lost.length > 0) throw new Error(`Nix does not list ${lost.join(', ')} in its effective substituters after configuration`);

  core.setOutput(Outputs.Substituters, sources.flatMap((s) => s.urls).join(' '));
  await writeSummary(configureSummaryMarkdown(sources, skipped, appliedVia));
}

export async function runMain(): Promise<void> {
  let settings: Settings;
  try {
    settings = loadSettings();
  } catch (error) {
    core.setFailed(error instanceof ConfigError ? error.message : `cannot read inputs: ${String(error)}`);
    return;
  }
  try {
    const dir = await workRoot();
    const state: MainState = { snapshotFile: null, systemConf: false, files: [], watcher: null, startedAt: Date.now() };
    try {
      await configure(settings, dir, state);
      if (settings.paths.length === 0) {
        state.snapshotFile = join(dir, 'store-snapshot');
        const count = await writeSnapshot(state.snapshotFile);
        core.info(`Store snapshot: ${count} entries`);
      }
      if (settings.pushWhileBuilding && state.snapshotFile) state.watcher = await startWatcher(settings, state.snapshotFile, dir);
    } finally {
      // Saved even on failure, so post can undo the system configuration.
      saveMainState(state);
    }
    if (settings.requireSubstituted.length > 0) {
      const dry = await verifySubstituted(settings.requireSubstituted);
      core.info(`require-substituted: nothing to build; ${dry.toFetch.length} path(s) will be fetched`);
    }
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
