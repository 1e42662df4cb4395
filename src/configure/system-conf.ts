// For a daemon that does not trust the runner user: add our settings to the system nix.conf with
// sudo, restart the daemon, and undo both in the post step (self-hosted runners are left as found).
import { platform } from 'node:os';
import { run } from '../nix/command.ts';
import { systemConfFile } from '../nix/system-conf-file.ts';
import { readTextIfPresent } from '../text-file.ts';
const BEGIN = '# BEGIN nix-substitute-action (removed by its post step)';
const END = '# END nix-substitute-action';

export async function canSudo(): Promise<boolean> {
  const { code } = await run('sudo', ['-n', 'true'], { allowFailure: true }).catch(() => ({ code: 1 }));
  return code === 0;
}

export function withBlock(conf: string, block: string): string {
  return `${withoutBlock(conf).replace(/\n*$/, '\n')}${BEGIN}\n${block.replace(/\n*$/, '\n')}${END}\n`;
}

export function withoutBlock(conf: string): string {
  const start = conf.indexOf(BEGIN);
  if (start < 0) return conf;
  const end = conf.indexOf(END, start);
  return conf.slice(0, start) + (end < 0 ? '' : conf.slice(end + END.length + 1));
}

async function sudoWrite(file: string, text: string): Promise<void> {
  await run('sudo', ['-n', 'tee', file], { input: text });
}

export async function restartDaemon(): Promise<void> {
  const attempts: string[][] =
    platform() === 'darwin'
      ? [['launchctl', 'kickstart', '-k', 'system/org.nixos.nix-daemon'], ['launchctl', 'kickstart', '-k', 'system/systems.determinate.nix-daemon']]
      : [['systemctl', 'restart', 'nix-daemon.service']];
  // Runners without systemd or launchd (containers, this project's tests) name their own command.
  const custom = process.env.NIX_DAEMON_RESTART_COMMAND;
  if (custom) attempts.unshift(['sh', '-c', custom]);
  const errors: string[] = [];
  for (const cmd of attempts) {
    const { code, stderr } = await run('sudo', ['-n', ...cmd], { allowFailure: true });
    if (code === 0) return;
    errors.push(`${cmd.join(' ')}: ${stderr.trim()}`);
  }
  throw new Error(`could not restart the Nix daemon so it reads ${systemConfFile()}: ${errors.join('; ')}`);
}

/** Adds our block to the machine's nix.conf (nix/system-conf-file.ts says which), returns that file. */
export async function addToSystemConf(block: string): Promise<string> {
  const file = systemConfFile();
  await sudoWrite(file, withBlock(readTextIfPresent(file), block));
  await restartDaemon();
  return file;
}

/** Takes our block out again; lines others added after the main step stay. */
export async function restoreSystemConf(): Promise<void> {
  const file = systemConfFile();
  const now = readTextIfPresent(file);
  if (withoutBlock(now) === now) return;
  await sudoWrite(file, withoutBlock(now));
  await restartDaemon();
}
