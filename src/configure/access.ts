// Will Nix honour settings the job passes (NIX_CONFIG)? Without a daemon, or through a daemon
// that trusts the runner user, yes. Through a daemon that does not, the daemon silently drops
// extra substituters and keys: those must go into the system configuration instead.
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { run } from '../nix/command.ts';
import { storeTrustsUser } from '../nix/daemon.ts';
import { stringList } from './nix-settings.ts';

export type NixAccess =
  | { kind: 'local' }
  | { kind: 'trusted-daemon' }
  /** trustedUsers: from the configuration on Nix that cannot report the daemon's view, else null. */
  | { kind: 'untrusted-daemon'; user: string; trustedUsers: string[] | null };

export const DAEMON_SOCKET = '/nix/var/nix/daemon-socket/socket';

async function userGroups(): Promise<string[]> {
  const { stdout, code } = await run('id', ['-Gn'], { allowFailure: true });
  return code === 0 ? stdout.trim().split(/\s+/) : [];
}

export function usesDaemon(env: NodeJS.ProcessEnv, isRoot: boolean, socketExists: boolean): boolean {
  const remote = env.NIX_REMOTE ?? '';
  if (remote === 'daemon' || remote.startsWith('unix://')) return true;
  if (remote !== '' && remote !== 'local' && !remote.startsWith('/')) return false;
  if (remote !== '') return false;
  // Nix's default ("auto") uses the local store when it can write it, else the daemon.
  return !isRoot && socketExists;
}

export function isTrusted(user: string, groups: readonly string[], trustedUsers: readonly string[]): boolean {
  return trustedUsers.some((t) => t === '*' || t === user || (t.startsWith('@') && groups.includes(t.slice(1))));
}

export async function detectAccess(settings: () => Promise<Record<string, unknown>>, env: NodeJS.ProcessEnv = process.env): Promise<NixAccess> {
  // process.getuid first: userInfo() reads the user database, which only the daemon case needs.
  const isRoot = process.getuid?.() === 0;
  if (!usesDaemon(env, isRoot, existsSync(DAEMON_SOCKET))) return { kind: 'local' };
  if (isRoot) return { kind: 'trusted-daemon' };
  const info = userInfo();
  // The daemon's own answer; the configuration only where Nix cannot give one (2.8), and that is
  // the client's view, which a job's NIX_CONFIG can change.
  const trusted = await storeTrustsUser();
  if (trusted !== null) return trusted ? { kind: 'trusted-daemon' } : { kind: 'untrusted-daemon', user: info.username, trustedUsers: null };
  const trustedUsers = stringList((await settings())['trusted-users']);
  if (isTrusted(info.username, await userGroups(), trustedUsers)) return { kind: 'trusted-daemon' };
  return { kind: 'untrusted-daemon', user: info.username, trustedUsers };
}
