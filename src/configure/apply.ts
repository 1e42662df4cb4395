// Applies the caches to Nix: resolves them (keys given or looked up), writes the read credentials
// of private caches to a netrc, and hands the settings to Nix through NIX_CONFIG or, for a daemon
// that does not trust the runner user, the system nix.conf with sudo (the credentials then go to
// the machine's shared netrc, shared-netrc.ts: Nix reads one netrc-file, however many jobs run).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../config.ts';
import * as core from '@actions/core';
import type { MainState } from '../state.ts';
import { detectAccess, type NixAccess } from './access.ts';
import type { ResolvedCaches } from './caches.ts';
import { mergeNetrc, parseNetrc, renderNetrc } from './netrc.ts';
import { mergeNixConfig, renderNixConf } from './nix-conf.ts';
import { substitutersDaemonDrops } from '../nix/daemon.ts';
import { systemConfFile } from '../nix/system-conf-file.ts';
import { readNixSettings } from './nix-settings.ts';
import { canSudo } from './root-files.ts';
import { sharedNetrcFile } from './shared-netrc.ts';
import { addToSystemConf, blockId } from './system-conf.ts';

function untrustedMessage(access: Extract<NixAccess, { kind: 'untrusted-daemon' }>): string {
  return [
    `the Nix daemon does not trust user "${access.user}"${access.trustedUsers ? ` (trusted-users = ${access.trustedUsers.join(' ') || '(empty)'})` : ''}, so it would silently ignore the caches,`,
    'and sudo is not available to add them to the system configuration. Either:',
    `  - add "trusted-users = root ${access.user}" to ${systemConfFile()} and restart the daemon (the installer option: cachix/install-nix-action "extra_nix_config", DeterminateSystems "extra-conf"), or`,
    '  - allow passwordless sudo for this user, or',
    '  - list the caches in the daemon\'s own "substituters"/"trusted-public-keys".',
  ].join('\n');
}

/**
 * Our netrc: the entries of the one Nix used so far (so other private hosts keep working), ours
 * winning for our hosts. Its passwords are masked too, as they now sit in a file we wrote.
 */
function writeNetrc(file: string, entries: ReturnType<typeof parseNetrc>, currentNetrcFile: unknown): void {
  let existing = '';
  if (typeof currentNetrcFile === 'string' && existsSync(currentNetrcFile)) {
    try {
      existing = readFileSync(currentNetrcFile, 'utf8');
    } catch (error) {
      core.warning(`cannot read the netrc Nix used so far (${currentNetrcFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}): its entries do not carry over to this job's netrc`);
    }
  }
  const merged = mergeNetrc(parseNetrc(existing), entries);
  for (const e of merged) if (e.password.length >= 4) core.setSecret(e.password);
  writeFileSync(file, renderNetrc(merged), { mode: 0o600 });
}

async function requireDaemonUses(urls: readonly string[], file: string): Promise<void> {
  const dropped = await substitutersDaemonDrops(urls);
  if (dropped.length > 0) {
    throw new Error(`the Nix daemon still ignores ${dropped.join(', ')} after ${file} was changed and the daemon restarted: it reads another configuration (its NIX_CONF_DIR?) or was not restarted`);
  }
}

/** How the settings reached Nix, for the log and the job summary. */
export type AppliedVia = string;

/**
 * Hands the resolved caches to Nix. The caller resolved them (caches.ts) and decided what a skipped
 * one means (main-phase.ts); it also sets the output and the summary from what this returns.
 */
export async function applyCaches(settings: Settings, { sources }: ResolvedCaches, dir: string, state: MainState): Promise<AppliedVia> {
  // Nix's current settings matter only for a daemon's trust list and an existing netrc: read them
  // once, and only then (each Nix start costs as much as the rest of the step).
  let current: Promise<Record<string, unknown>> | null = null;
  const nixSettings = () => (current ??= readNixSettings());
  const access = await detectAccess(nixSettings);
  const netrcEntries = sources.flatMap((s) => s.netrc);
  const render = (netrcFile: string | null) =>
    renderNixConf({ substituters: sources.flatMap((s) => s.urls), keys: sources.flatMap((s) => s.keys), fallback: settings.fallback, netrcFile });

  let appliedVia: string;
  if (access.kind === 'untrusted-daemon') {
    if (!(await canSudo())) throw new Error(untrustedMessage(access));
    const confFile = systemConfFile();
    const netrc = netrcEntries.length > 0 ? { entries: netrcEntries, current: (await nixSettings())['netrc-file'] } : null;
    const conf = render(netrc ? sharedNetrcFile(confFile) : null);
    // Recorded before the write: a write that half-worked or a failed daemon restart is undone too.
    state.systemConf = true;
    const file = await addToSystemConf(conf, blockId(), confFile, netrc);
    appliedVia = `${file} with sudo (the daemon does not trust this user), daemon restarted`;
    core.info(`Nix settings added through ${appliedVia}:\n${conf}`);
    // What the daemon reads depends on its own NIX_CONF_DIR, the file's includes and the restart:
    // ask the daemon, and never report success while it would ignore the caches.
    await requireDaemonUses(sources.flatMap((s) => s.urls), file);
  } else {
    const netrcFile = netrcEntries.length > 0 ? join(dir, 'netrc') : null;
    if (netrcFile) {
      // Recorded before it exists: whatever happens next, post (or main's own undo) removes it.
      state.files.push(netrcFile);
      writeNetrc(netrcFile, netrcEntries, (await nixSettings())['netrc-file']);
    }
    const conf = render(netrcFile);
    // NIX_CONFIG is read after every configuration file, so Nix sees exactly this text: no need to
    // start Nix to read it back (that alone would cost as much as the rest of the step).
    const merged = mergeNixConfig(process.env.NIX_CONFIG, conf);
    core.exportVariable('NIX_CONFIG', merged);
    appliedVia = access.kind === 'local' ? 'NIX_CONFIG (single-user store)' : 'NIX_CONFIG (the daemon trusts this user)';
    core.info(`Nix settings added through ${appliedVia}:\n${conf}`);
  }
  return appliedVia;
}
