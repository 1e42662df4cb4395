// Helpers for the benchmarks: knobs, medians, child processes with their peak memory, the table.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const QUICK = process.env.BENCH_QUICK === '1';

/** A numeric knob: env var, else the quick or the full default. */
export function knob(name: string, full: number, quick: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : QUICK ? quick : full;
}

export function only(section: string): boolean {
  const list = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
  return list.length === 0 || list.includes(section);
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export interface RunResult {
  code: number | null;
  ms: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; wall time from spawn to exit. */
export function run(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, ms: performance.now() - started, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

export async function mustRun(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): Promise<RunResult> {
  const r = await run(command, args, options);
  if (r.code !== 0) throw new Error(`${command} ${args.slice(0, 4).join(' ')} failed (${r.code}): ${r.stderr.slice(-2000)}`);
  return r;
}

/**
 * Runs a program under GNU time and returns its peak RSS (KiB) with the wall time: the peak of the
 * process itself, the way the kernel accounts it (children are measured separately by time -v only
 * when waited for, so each program is measured on its own).
 */
export async function runMeasured(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<RunResult & { maxRssKiB: number }> {
  const r = await mustRun('/usr/bin/time', ['-f', 'MAXRSS %M', command, ...args], options);
  const m = /MAXRSS (\d+)\s*$/.exec(r.stderr);
  return { ...r, maxRssKiB: Number(m?.[1] ?? 0) };
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

export interface Row {
  what: string;
  ours: string;
  baseline: string;
  /** ours / baseline (lower is better) or a bare figure. */
  ratio: string;
  target: string;
  met: boolean | null;
}

export const rows: Row[] = [];

export function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

export function printTable(): string {
  const header = '| measurement | ratio | this action | baseline | target | met |';
  const lines = [header, '|---|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.what} | ${r.ratio} | ${r.ours} | ${r.baseline} | ${r.target} | ${r.met === null ? '–' : r.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Fresh, empty file-command files for run `i` of a step run by hand (GITHUB_ENV, …), by variable. */
export function stepFiles(dir: string, i: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of ['GITHUB_ENV', 'GITHUB_STATE', 'GITHUB_OUTPUT', 'GITHUB_PATH']) writeFileSync((files[f] = join(dir, `${f}-${i}`)), '');
  return files;
}

/** `--option` flags that make a Nix command substitute from `url`, trusting `publicKey`. */
export function trustFlags(url: string, publicKey: string): string[] {
  return ['--option', 'extra-substituters', url, '--option', 'extra-trusted-public-keys', publicKey];
}
